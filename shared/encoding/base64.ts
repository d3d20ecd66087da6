/**
 * Base64 in both alphabets. Workers have no Buffer without nodejs_compat, so bytes go through
 * `btoa`/`atob` as binary strings.
 */

/** Standard base64 (with padding) of raw bytes. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  // Chunked: spreading a whole large array into fromCharCode overflows the argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Decodes standard base64 we wrote ourselves (stored values, the master key); throws on malformed input. */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
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
