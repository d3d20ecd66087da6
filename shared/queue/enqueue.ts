/**
 * Hands an event to its project's events shard (./shards.ts): the one way a message gets there,
 * from the ingress (a new event) and from replay (an event whose payload is already stored). The
 * shard is a hash of the project id, computed here from the message itself, so no caller can send
 * a project's event to another shard. Large payloads go to R2 first,
 * sealed under the project's data key, under a key unique to this attempt, so a failed send can
 * delete its own object without touching an earlier delivery's. An inline payload costs no crypto
 * here: it is sealed where it comes to rest, in the project's log.
 */
import { ProblemError } from '../http/problem';
import { INLINE_PAYLOAD_MAX_BYTES, type EventMessage } from './event-message';
import { putSealedObject } from './sealed-object';
import { eventsQueueFor, type QueueShardBindings } from './shards';

/** The events shards, and the bucket of claim-checked payloads. */
export interface EnqueueBindings extends QueueShardBindings {
  PAYLOADS: R2Bucket;
}

export type EnqueueFields = Omit<EventMessage, 'v' | 'payload_bytes' | 'payload_json' | 'payload_key'>;

/**
 * Where a message finds its payload: inline UTF-8 JSON bytes, or the R2 key it was claim-checked
 * under (an object sealed with AAD `objectAad(key)`, as enqueueEvent writes it).
 */
export type PayloadRef = { payload_bytes: Uint8Array<ArrayBuffer> } | { payload_key: string };

/** How messages go on an events queue: structured-cloned, so bytes stay bytes (./event-message.ts). */
export const EVENT_MESSAGE_CONTENT_TYPE = 'v8';

/** Callers retry a refused send after this many seconds; nothing was recorded, so a retry is safe. */
export const QUEUE_RETRY_AFTER_SECONDS = 5;

/** The 503 for a send the queue refused, naming what was not accepted ("The event"). */
export function queueUnavailable(what: string): ProblemError {
  return new ProblemError(
    'queue-unavailable',
    `${what} was not accepted and nothing was recorded; retry after ${QUEUE_RETRY_AFTER_SECONDS} seconds.`,
    {},
    { 'retry-after': String(QUEUE_RETRY_AFTER_SECONDS) },
  );
}

/**
 * Resolves once the queue has accepted the message; throws when it (or R2) did not. `payload` is
 * the validated payload as UTF-8 JSON; `dataKey` is the project's: it seals a payload too large to
 * travel inline.
 */
export async function enqueueEvent(bindings: EnqueueBindings, fields: EnqueueFields, payload: Uint8Array, dataKey: CryptoKey): Promise<void> {
  if (payload.byteLength <= INLINE_PAYLOAD_MAX_BYTES) return sendEvent(bindings, fields, { payload_bytes: ownBuffer(payload) });
  // A shard binding missing from the config fails here, before anything is put in R2.
  const queue = eventsQueueFor(bindings, fields.project_id);
  const key = `events/${fields.event_id}/${crypto.randomUUID()}.json`;
  await putSealedObject(bindings.PAYLOADS, dataKey, key, payload);
  try {
    await queue.send(eventMessageOf(fields, { payload_key: key }), { contentType: EVENT_MESSAGE_CONTENT_TYPE });
  } catch (err) {
    await bindings.PAYLOADS.delete(key).catch(() => undefined);
    throw err;
  }
}

/** A view that spans its whole buffer: a structured clone copies the buffer under a view, all of it. */
function ownBuffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const { buffer } = bytes;
  return buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength ? new Uint8Array(buffer) : bytes.slice();
}

/** Sends the message of an event whose payload is already where `payload` says, to its project's events shard. */
export async function sendEvent(bindings: QueueShardBindings, fields: EnqueueFields, payload: PayloadRef): Promise<void> {
  await eventsQueueFor(bindings, fields.project_id).send(eventMessageOf(fields, payload), { contentType: EVENT_MESSAGE_CONTENT_TYPE });
}

function eventMessageOf(fields: EnqueueFields, payload: PayloadRef): EventMessage {
  return { v: 1, ...fields, ...payload };
}
