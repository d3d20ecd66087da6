/**
 * Payloads at rest. Every copy of a payload the service keeps (the project's log, claim-checked
 * objects in R2, run envelopes, the stand-in runtime's receipts) is sealed under the project's data
 * key with AES-256-GCM, bound by its additional data to the one event, run or object it belongs
 * to: a ciphertext moved to another row or key fails to open. Plaintext exists only in memory where
 * the payload is used.
 */
import { open, openBytes, seal, sealToBytes } from './aead';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** AAD of an event's payload in the project's log. */
export const payloadAad = (eventId: string) => `event:${eventId}:payload`;
/** AAD of the raw body of a refused request the project's log keeps for replay. */
export const requestAad = (requestId: string) => `request:${requestId}:body`;
/** AAD of an R2 object (a claim-checked payload or run envelope), named by its key. */
export const objectAad = (key: string) => `object:${key}`;
/** AAD of a run envelope the runtime records. */
export const envelopeAad = (runId: string) => `run:${runId}:envelope`;

export function sealText(dataKey: CryptoKey, text: string, aad: string): Promise<string> {
  return seal(dataKey, encoder.encode(text), aad);
}

/** Throws when the text was altered, or sealed for another event, run or object. */
export async function openText(dataKey: CryptoKey, sealed: string, aad: string): Promise<string> {
  return decoder.decode(await open(dataKey, sealed, aad));
}

/**
 * A payload as the log and R2 keep it: sealed bytes (./aead.ts), or the text form in rows and
 * objects written before payloads travelled as bytes, which stay readable until they expire.
 */
export type SealedPayload = Uint8Array | string;

/** Seals payload bytes (UTF-8 JSON) into the bytes form. */
export function sealPayload(dataKey: CryptoKey, payload: Uint8Array, aad: string): Promise<Uint8Array<ArrayBuffer>> {
  return sealToBytes(dataKey, payload, aad);
}

/** The payload's bytes, from either form; throws when it was altered, or sealed for another event or object. */
export function openPayload(dataKey: CryptoKey, sealed: SealedPayload, aad: string): Promise<Uint8Array<ArrayBuffer>> {
  return typeof sealed === 'string' ? open(dataKey, sealed, aad) : openBytes(dataKey, sealed, aad);
}

/** The payload's JSON text, from either form. */
export async function openPayloadText(dataKey: CryptoKey, sealed: SealedPayload, aad: string): Promise<string> {
  return decoder.decode(await openPayload(dataKey, sealed, aad));
}
