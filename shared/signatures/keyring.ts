/**
 * A webhook's active secrets as imported HMAC keys, and the per-request check against them.
 *
 * Keys are imported once when the Verifier is built; the plaintext secret stays inside this
 * isolate and is never put into an outcome. A secret whose `expiresAt <= now` (rotated out, past
 * its overlap) no longer verifies; during the overlap every unexpired secret does.
 */
import { importHmacKey, verifyHmac, type HashName } from './hmac';
import type { ActiveSecret } from './types';

export interface KeyedSecret {
  key: CryptoKey;
  expiresAt: number | null;
}

/**
 * Imports each secret as an HMAC key. `toRaw` turns the stored secret into key bytes (UTF-8 of the
 * whole string for most senders; base64 after `whsec_` for Standard Webhooks); a secret it cannot
 * decode is left out, so it verifies nothing (the control API refuses such secrets up front).
 */
export async function importKeys(
  secrets: readonly ActiveSecret[],
  hash: HashName,
  toRaw: (secret: string) => Uint8Array | null,
): Promise<KeyedSecret[]> {
  const keys: KeyedSecret[] = [];
  for (const secret of secrets) {
    const raw = toRaw(secret.value);
    if (raw === null || raw.length === 0) continue;
    keys.push({ key: await importHmacKey(raw, hash), expiresAt: secret.expiresAt });
  }
  return keys;
}

/** True while a secret may still verify at `now` (epoch ms). */
export function isActive(secret: { expiresAt: number | null }, now: number): boolean {
  return secret.expiresAt === null || secret.expiresAt > now;
}

/**
 * The first active key under which one of `signatures` is the HMAC of `content`, or null.
 * Each comparison is `crypto.subtle.verify`, constant time; which key matched is not a secret.
 */
export async function findMatchingKey(
  keys: readonly KeyedSecret[],
  now: number | null,
  signatures: readonly Uint8Array[],
  content: Uint8Array,
): Promise<KeyedSecret | null> {
  for (const keyed of keys) {
    if (now !== null && !isActive(keyed, now)) continue;
    for (const signature of signatures) {
      if (await verifyHmac(keyed.key, signature, content)) return keyed;
    }
  }
  return null;
}
