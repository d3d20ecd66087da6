/**
 * AES-256-GCM with additional data. The AAD binds a ciphertext to the row that owns it, so a
 * ciphertext copied into another row (another project, another webhook) fails to decrypt.
 * Two stored forms: text "v1.<base64 iv>.<base64 ciphertext+tag>" for values that live in text
 * (secrets, tokens), and bytes `[BYTES_FORMAT, iv, ciphertext+tag]` for payloads, which go to BLOB
 * columns and R2 objects: base64 would make them a third larger and cost an encode and a decode.
 */
import { base64ToBytes, bytesToBase64 } from '../encoding/base64';

const VERSION = 'v1';
const IV_BYTES = 12;
/** The first byte of the bytes form; never 0x76, the "v" that starts the text form. */
const BYTES_FORMAT = 0x01;
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

/** The bytes form: one allocation for the format byte, the IV and the ciphertext with its tag. */
export async function sealToBytes(key: CryptoKey, plaintext: Uint8Array, aad: string): Promise<Uint8Array<ArrayBuffer>> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(aad) }, key, plaintext as Uint8Array<ArrayBuffer>));
  const out = new Uint8Array(1 + IV_BYTES + sealed.length);
  out[0] = BYTES_FORMAT;
  out.set(iv, 1);
  out.set(sealed, 1 + IV_BYTES);
  return out;
}

/** What the bytes form adds to a plaintext: the format byte, the IV and the 16-byte tag. */
export const SEALED_BYTES_OVERHEAD = 1 + IV_BYTES + 16;

/** Opens the bytes form; throws when altered, of another row (AAD mismatch) or not the bytes form. */
export async function openBytes(key: CryptoKey, sealed: Uint8Array, aad: string): Promise<Uint8Array<ArrayBuffer>> {
  if (sealed.length < SEALED_BYTES_OVERHEAD || sealed[0] !== BYTES_FORMAT) throw new Error('Unknown ciphertext format');
  // Views, not copies; Workers have no SharedArrayBuffer, so the buffer under them is an ArrayBuffer.
  const bytes = sealed as Uint8Array<ArrayBuffer>;
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: bytes.subarray(1, 1 + IV_BYTES), additionalData: encoder.encode(aad) },
    key,
    bytes.subarray(1 + IV_BYTES),
  );
  return new Uint8Array(plain);
}
