/**
 * Reading what the service put in R2, as a test checks it: the stored bytes (to show no plaintext
 * is there) and what they open to with the project's data key.
 */
import { env } from 'cloudflare:test';
import { getSealedObject } from '../../shared/queue/sealed-object';

/** The object at `key` as stored, read as Latin-1 so a plaintext marker would show, and its opened text. */
export async function storedObject(dataKey: CryptoKey, key: string): Promise<{ stored: string; text: string }> {
  const object = await env.PAYLOADS.get(key);
  if (object === null) throw new Error(`no object at ${key}`);
  const stored = new TextDecoder('latin1').decode(await object.arrayBuffer());
  const read = await getSealedObject(env.PAYLOADS, dataKey, key);
  if (read.found !== 'text') throw new Error(`the object at ${key} did not open: ${read.found}`);
  return { stored, text: read.text };
}

/** Whether the object at `key`, copied byte for byte to another key, still opens there (it must not: AAD binds it to its key). */
export async function opensUnderAnotherKey(dataKey: CryptoKey, key: string): Promise<boolean> {
  const object = await env.PAYLOADS.get(key);
  if (object === null) throw new Error(`no object at ${key}`);
  const copy = `${key}.copy`;
  await env.PAYLOADS.put(copy, await object.arrayBuffer());
  return (await getSealedObject(env.PAYLOADS, dataKey, copy)).found === 'text';
}
