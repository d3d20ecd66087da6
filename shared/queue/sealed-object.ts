/**
 * R2 objects that hold a payload: claim-checked event payloads (`events/…`) and claim-checked run
 * envelopes (`runs/{run_id}.json`). Each is sealed under its project's data key with AAD
 * `objectAad(key)`, so an object copied to another key, or written under another project's key,
 * fails to open. The plaintext exists only in the memory of the Worker that uses it.
 */
import { objectAad, openText, sealText } from '../secrets/payload-seal';

/** Seals `text` for `key` and stores it there. */
export async function putSealedObject(bucket: R2Bucket, dataKey: CryptoKey, key: string, text: string): Promise<void> {
  await bucket.put(key, await sealText(dataKey, text, objectAad(key)), { httpMetadata: { contentType: 'text/plain' } });
}

/** What reading a sealed object found: its text, no object, or one that does not open with the key. */
export type SealedObjectRead = { found: 'text'; text: string } | { found: 'missing' } | { found: 'undecryptable' };

/** Reads and opens the object at `key`. R2 failures throw; an object that does not open is reported, not thrown. */
export async function getSealedObject(bucket: R2Bucket, dataKey: CryptoKey, key: string): Promise<SealedObjectRead> {
  const object = await bucket.get(key);
  if (object === null) return { found: 'missing' };
  const sealed = await object.text();
  try {
    return { found: 'text', text: await openText(dataKey, sealed, objectAad(key)) };
  } catch {
    // Altered, written for another key or project, or never sealed: retrying cannot change that.
    return { found: 'undecryptable' };
  }
}
