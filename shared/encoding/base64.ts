/**
 * Base64 in both alphabets. Workers have no Buffer without nodejs_compat, so bytes go through
 * `btoa`/`atob` as binary strings.
 */

/** The TC39 base64 methods on Uint8Array: in workerd's V8, not yet in Node 20 or TypeScript's lib. */
interface NativeBase64 {
  toBase64?: (this: Uint8Array) => string;
}
interface NativeFromBase64 {
  fromBase64?: (text: string) => Uint8Array<ArrayBuffer>;
}
const nativeToBase64 = (Uint8Array.prototype as NativeBase64).toBase64;
const nativeFromBase64 = (Uint8Array as NativeFromBase64).fromBase64;

/** Standard base64 (with padding) of raw bytes. */
export function bytesToBase64(bytes: Uint8Array): string {
  // Native where the runtime has it: every sealed value is encoded here, and a loop over the bytes
  // was the largest single cost of keeping a refused request (bench/hostile-senders.md).
  if (nativeToBase64 !== undefined) return nativeToBase64.call(bytes);
  let binary = '';
  // Chunked: passing a whole large array to fromCharCode overflows the argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[]);
  }
  return btoa(binary);
}

/** Decodes standard base64 we wrote ourselves (stored values, the master key); throws on malformed input. */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  if (nativeFromBase64 !== undefined) return nativeFromBase64(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** URL-safe base64 without padding, for tokens and cursors that travel in headers and URLs. */
export function bytesToBase64Url(bytes: Uint8Array): string {
  return bytesToBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Bytes of untrusted base64url as `bytesToBase64Url` writes it (no padding); null otherwise. */
export function base64UrlToBytes(text: string): Uint8Array | null {
  return /^[A-Za-z0-9_-]*$/.test(text) ? parseBase64(text) : null;
}

/**
 * Bytes of untrusted base64 in either alphabet (standard or URL-safe), padding optional; null when
 * it is not base64. Never throws. Lenient because senders differ; an HMAC decides authenticity.
 */
export function parseBase64(text: string): Uint8Array | null {
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
