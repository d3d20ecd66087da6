/**
 * AES-256-GCM with additional data. The AAD binds a ciphertext to the row that owns it, so a
 * ciphertext copied into another row (another project, another webhook) fails to decrypt.
 * Stored form: "v1.<base64 iv>.<base64 ciphertext+tag>".
 */
import { base64ToBytes, bytesToBase64 } from '../encoding/base64';

const VERSION = 'v1';
const IV_BYTES = 12;
const encoder = new TextEncoder();

export async function importAesKey(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  if (raw.length !== 32) throw new Error('An AES-256 key is 32 bytes');
  return crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

export async function seal(key: CryptoKey, plaintext: Uint8Array, aad: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  // Copied so the bytes are a plain ArrayBuffer view, whatever buffer the caller's array sits on.
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(aad) }, key, new Uint8Array(plaintext));
  return `${VERSION}.${bytesToBase64(iv)}.${bytesToBase64(new Uint8Array(sealed))}`;
}

/** Throws when the ciphertext was altered or belongs to another row (AAD mismatch). */
export async function open(key: CryptoKey, stored: string, aad: string): Promise<Uint8Array<ArrayBuffer>> {
  const [version, iv, body] = stored.split('.');
  if (version !== VERSION || iv === undefined || body === undefined) throw new Error('Unknown ciphertext format');
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: base64ToBytes(iv), additionalData: encoder.encode(aad) },
    key,
    base64ToBytes(body),
  );
  return new Uint8Array(plain);
}
