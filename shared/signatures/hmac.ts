/**
 * Web Crypto HMAC helpers shared by every scheme (the byte codecs are in shared/encoding).
 *
 * Invariants: nothing here throws for attacker-controlled input (a malformed signature decodes to
 * null, unequal lengths compare as unequal), and every signature is compared in constant time with
 * `timingSafeEqual` against an HMAC computed once per key (hmac-keys.ts says why once).
 */
import { bytesToBase64, parseBase64 } from '../encoding/base64';
import { parseHex } from '../encoding/hex';

export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-512';

/** Web Crypto's name for each algorithm a config or preset row may name. */
export const HASH_NAMES = {
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  sha512: 'SHA-512',
} as const satisfies Record<string, HashName>;

/** The concatenation of several byte arrays (signed content is built from pieces). */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Decodes a signature in the given encoding; null when malformed. Base64 is accepted in either
 * alphabet because senders differ; the HMAC decides authenticity.
 */
export function decodeSignature(text: string, encoding: 'hex' | 'base64'): Uint8Array | null {
  return encoding === 'hex' ? parseHex(text) : parseBase64(text);
}

/**
 * Standard base64 exactly as the Standard Webhooks libraries write it (padded, canonical); null
 * otherwise. Their reference verifier compares the base64 text itself, so an unpadded or URL-safe
 * signature never matches there, and must not here either.
 */
export function decodeCanonicalBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null;
  const bytes = parseBase64(text);
  return bytes !== null && bytesToBase64(bytes) === text ? bytes : null;
}

/**
 * Constant-time equality of two byte arrays that never throws: unequal lengths are simply unequal
 * (unlike `crypto.subtle.timingSafeEqual`, which throws). Only the length, never the content,
 * influences the time taken. Callers compare fixed-length digests, so the length is not a secret.
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  const length = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * Copies bytes into a fresh ArrayBuffer-backed view: Web Crypto's types want `BufferSource` over an
 * `ArrayBuffer`, and a view over a larger or shared buffer must not leak its neighbours.
 */
function buffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(new ArrayBuffer(bytes.length));
  out.set(bytes);
  return out;
}

/** Imports raw key bytes as an HMAC key for signing and verifying. */
export function importHmacKey(raw: Uint8Array, hash: HashName): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', buffer(raw), { name: 'HMAC', hash }, false, [
    'sign',
    'verify',
  ]);
}

/** HMAC of `data` under `key`. */
export async function signHmac(key: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, buffer(data)));
}

/** SHA-256 digest of bytes. */
export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buffer(data)));
}

/** Cryptographically random bytes. */
export function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}
