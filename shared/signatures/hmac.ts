/**
 * Web Crypto HMAC helpers and byte codecs shared by every scheme.
 *
 * Invariants: nothing here throws for attacker-controlled input (malformed hex/base64 decodes to
 * null, unequal lengths compare as unequal), and every signature check goes through
 * `crypto.subtle.verify('HMAC', …)`, which compares in constant time.
 */

export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-512';

const encoder = new TextEncoder();

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

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

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

/** Bytes of a hex string (either case); null when it is not hex. */
export function fromHex(text: string): Uint8Array | null {
  if (text.length === 0 || text.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(text)) return null;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Standard base64 (with padding) of bytes. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** URL-safe base64 without padding, for tokens that travel in headers and URLs. */
export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Bytes of a base64 string (standard or URL-safe alphabet, padding optional); null when it is not
 * base64. Lenient on the alphabet because senders differ; the HMAC decides authenticity.
 */
export function fromBase64(text: string): Uint8Array | null {
  if (text.length === 0 || !/^[A-Za-z0-9+/\-_]+={0,2}$/.test(text)) return null;
  const normalised = text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (normalised.length % 4 === 1) return null;
  const padded = normalised + '='.repeat((4 - (normalised.length % 4)) % 4);
  let binary: string;
  try {
    binary = atob(padded);
  } catch {
    return null;
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Decodes a signature in the given encoding; null when malformed. */
export function decodeSignature(text: string, encoding: 'hex' | 'base64'): Uint8Array | null {
  return encoding === 'hex' ? fromHex(text) : fromBase64(text);
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

/** Constant-time check that `signature` is the HMAC of `data` under `key`; never throws. */
export async function verifyHmac(
  key: CryptoKey,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  try {
    return await crypto.subtle.verify('HMAC', key, buffer(signature), buffer(data));
  } catch {
    return false;
  }
}

/** SHA-256 digest of bytes. */
export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buffer(data)));
}

/** Cryptographically random bytes. */
export function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}
