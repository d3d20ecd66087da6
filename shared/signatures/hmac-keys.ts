/**
 * A webhook's active secrets as imported HMAC keys, and the per-request check against them.
 * (Not to be confused with shared/secrets/keyring.ts, which encrypts secrets at rest.)
 *
 * Keys are imported once when the Verifier is built; the plaintext secret stays inside this
 * isolate and is never put into an outcome. A secret whose `expiresAt <= now` (rotated out, past
 * its overlap) no longer verifies; during the overlap every unexpired secret does.
 */
import { parseBase64 } from '../encoding/base64';
import { utf8 } from '../encoding/utf8';
import { importHmacKey, signHmac, timingSafeEqual, type HashName } from './hmac';
import type { ActiveSecret } from './types';

export interface KeyedSecret {
  key: CryptoKey;
  expiresAt: number | null;
}

/**
 * How a stored secret becomes HMAC key bytes: its UTF-8 (most senders, Stripe's whole `whsec_…`
 * string included), or the base64 after an optional `whsec_` (Standard Webhooks).
 */
export type KeyDerivation = 'utf8' | 'whsec-base64';

const WHSEC_PREFIX = 'whsec_';

/** The HMAC key bytes of a secret; null when it cannot be decoded. */
function secretKeyBytes(secret: string, derivation: KeyDerivation): Uint8Array | null {
  if (derivation === 'utf8') return utf8(secret);
  return parseBase64(secret.startsWith(WHSEC_PREFIX) ? secret.slice(WHSEC_PREFIX.length) : secret);
}

/**
 * Imports each secret as an HMAC key. A secret that cannot be decoded is left out, so it verifies
 * nothing (the control API refuses such secrets up front).
 */
export async function importKeys(
  secrets: readonly ActiveSecret[],
  hash: HashName,
  derivation: KeyDerivation,
): Promise<KeyedSecret[]> {
  const keys: KeyedSecret[] = [];
  for (const secret of secrets) {
    const raw = secretKeyBytes(secret.value, derivation);
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
 *
 * Each key's HMAC over `content` is computed once and every candidate compared to it in constant
 * time: verifying candidate by candidate would hash the whole body once per candidate, letting an
 * unauthenticated sender buy a full HMAC over a 1 MiB body with every ~44 bytes of header. With
 * the per-request cap on candidates (MAX_SIGNATURE_CANDIDATES) a refusal costs one HMAC per active
 * key whatever the header holds. Which key or candidate matched is not a secret.
 */
export async function findMatchingKey(
  keys: readonly KeyedSecret[],
  now: number | null,
  signatures: readonly Uint8Array[],
  content: Uint8Array,
): Promise<KeyedSecret | null> {
  if (signatures.length === 0) return null;
  for (const keyed of keys) {
    if (now !== null && !isActive(keyed, now)) continue;
    const expected = await signHmac(keyed.key, content);
    if (signatures.some((signature) => timingSafeEqual(signature, expected))) return keyed;
  }
  return null;
}
