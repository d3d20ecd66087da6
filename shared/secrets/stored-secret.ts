/**
 * The `webhooks.secrets` column: every secret that may still verify, newest first. A rotated-out
 * secret keeps `expires_at` (ISO) until its overlap ends; the ingress drops it from then on.
 */
import * as v from 'valibot';

export const StoredSecretSchema = v.object({
  id: v.string(),
  ciphertext: v.string(),
  created_at: v.string(),
  expires_at: v.nullable(v.string()),
});
export type StoredSecret = v.InferOutput<typeof StoredSecretSchema>;

export const StoredSecretsSchema = v.array(StoredSecretSchema);

/** Whether a stored secret still verifies at `now` (a rotated-out one stops at its expiry). */
export function isActiveAt(secret: StoredSecret, now: number): boolean {
  return secret.expires_at === null || Date.parse(secret.expires_at) > now;
}

export function parseStoredSecrets(column: string): StoredSecret[] {
  return v.parse(StoredSecretsSchema, JSON.parse(column));
}
