/**
 * Webhook secrets as the control API handles them. Trust boundary: a plaintext secret exists only
 * between its generation (or the caller's request) and its encryption here; it is returned once, in
 * the response that created it, and never logged or stored unencrypted. Stored secrets are bound to
 * their webhook and secret id (AES-GCM additional data).
 */
import { randomId } from '../ids';
import { encryptSecret } from '../secrets/keyring';
import { isActiveAt, parseStoredSecrets, type StoredSecret } from '../secrets/stored-secret';
import type { AuthConfig } from '../signatures/auth-config';
import { generateSecret } from '../signatures/secret-generation';
import { presetOf, secretProblem } from '../signatures/secret-rules';
import type { FieldError } from './validation';

/** How long a rotated-out secret keeps verifying when the caller does not say (Svix's default). */
export const DEFAULT_OVERLAP_SECONDS = 86_400;
export const MAX_OVERLAP_SECONDS = 7 * 86_400;

/** What a webhook's next secret is: the caller's, a generated one, or none yet. */
export type SecretPlan =
  | { kind: 'none' }
  | { kind: 'supplied'; value: string }
  | { kind: 'generated'; value: string }
  /** The sender issues the secret (Stripe, Shopify, …): it is added later with rotate-secret. */
  | { kind: 'awaiting-sender'; label: string };

/**
 * Decides the next secret for `auth`. A supplied secret is checked against the scheme; a sender that
 * issues its own secret gets none generated (one it cannot use would only mislead).
 */
export function planSecret(auth: AuthConfig, supplied: string | undefined, at = '/secret'): SecretPlan | FieldError {
  if (auth.method === 'none') {
    return supplied === undefined ? { kind: 'none' } : { path: at, message: 'auth.method "none" takes no secret' };
  }
  if (supplied !== undefined) {
    const problem = secretProblem(auth, supplied);
    return problem === null ? { kind: 'supplied', value: supplied } : { path: at, message: problem };
  }
  const preset = presetOf(auth);
  if (preset !== null && preset.secretIssuedBy === 'sender') return { kind: 'awaiting-sender', label: preset.label };
  return { kind: 'generated', value: generateSecret(auth) };
}

/** What the caller is told about a plan: the secret only when generated, a next step when awaited. */
export function secretDisclosure(plan: SecretPlan, webhookId: string): Record<string, unknown> {
  switch (plan.kind) {
    case 'generated':
      return { secret: plan.value };
    case 'awaiting-sender':
      return {
        next_step: `${plan.label} issues the signing secret: register this URL with ${plan.label}, then send its secret with POST /v1/webhooks/${webhookId}/rotate-secret {"secret": "…", "overlap_seconds": 0}. Until then every request is refused.`,
      };
    case 'supplied':
    case 'none':
      return {};
  }
}

/** Encrypts `value` as a new stored secret of `webhookId`. */
export async function sealSecret(dataKey: CryptoKey, webhookId: string, value: string, now: number): Promise<StoredSecret> {
  const id = randomId('sec');
  return { id, ciphertext: await encryptSecret(dataKey, webhookId, id, value), created_at: new Date(now).toISOString(), expires_at: null };
}

/**
 * The secrets column after a rotation: the new secret first; every secret still active keeps
 * verifying until `now + overlapSeconds` (or its own earlier expiry); expired ones are dropped.
 */
export function rotateSecrets(stored: readonly StoredSecret[], next: StoredSecret, now: number, overlapSeconds: number): StoredSecret[] {
  const until = now + overlapSeconds * 1000;
  const kept = stored
    .filter((s) => overlapSeconds > 0 && isActiveAt(s, now))
    .map((s) => ({ ...s, expires_at: new Date(s.expires_at === null ? until : Math.min(until, Date.parse(s.expires_at))).toISOString() }));
  return [next, ...kept];
}

/** A secret as views show it: never its ciphertext. */
export function secretView(s: StoredSecret): { id: string; created_at: string; expires_at: string | null } {
  return { id: s.id, created_at: s.created_at, expires_at: s.expires_at };
}

/** Secrets that still verify at `now`, as views show them. */
export function activeSecretsView(column: string, now: number): ReturnType<typeof secretView>[] {
  return parseStoredSecrets(column)
    .filter((s) => isActiveAt(s, now))
    .map(secretView);
}
