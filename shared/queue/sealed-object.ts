/**
 * R2 objects that hold a payload: claim-checked event payloads (`events/…`) and claim-checked run
 * envelopes (`runs/{run_id}.json`). Each is sealed under its project's data key with AAD
 * `objectAad(key)`, so an object copied to another key, or written under another project's key,
 * fails to open. The plaintext exists only in memory of the Worker that uses it.
 *
 * Objects are the sealed bytes form (shared/secrets/aead.ts); objects written before hold the text
 * form, which starts with "v", and still open.
 */
import { objectAad, openPayload, sealPayload, type SealedPayload } from '../secrets/payload-seal';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** The first byte of the text form ("v1.…"). */
const TEXT_FORM_FIRST_BYTE = 0x76;

/** Seals `content` (JSON text, or its UTF-8 bytes) for `key` and stores it there. */
export async function putSealedObject(bucket: R2Bucket, dataKey: CryptoKey, key: string, content: string | Uint8Array): Promise<void> {
  const bytes = typeof content === 'string' ? encoder.encode(content) : content;
  await bucket.put(key, await sealPayload(dataKey, bytes, objectAad(key)), { httpMetadata: { contentType: 'application/octet-stream' } });
}

/** What reading a sealed object found: its text, no object, or one that does not open with the key. */
export type SealedObjectRead = { found: 'text'; text: string } | { found: 'missing' } | { found: 'undecryptable' };

/** Reads and opens the object at `key`. R2 failures throw; an object that does not open is reported, not thrown. */
export async function getSealedObject(bucket: R2Bucket, dataKey: CryptoKey, key: string): Promise<SealedObjectRead> {
  const object = await bucket.get(key);
  if (object === null) return { found: 'missing' };
  const stored = new Uint8Array(await object.arrayBuffer());
  const sealed: SealedPayload = stored[0] === TEXT_FORM_FIRST_BYTE ? decoder.decode(stored) : stored;
  try {
    return { found: 'text', text: decoder.decode(await openPayload(dataKey, sealed, objectAad(key))) };
  } catch {
    // Altered, written for another key or project, or never sealed: retrying cannot change that.
    return { found: 'undecryptable' };
  }
}
