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

export type EnqueueFields = Omit<EventMessage, 'v' | 'payload_json' | 'payload_key'>;

/**
 * Where a message finds its payload: inline JSON text, or the R2 key it was claim-checked under
 * (an object sealed with AAD `objectAad(key)`, as enqueueEvent writes it).
 */
export type PayloadRef = { payload_json: string } | { payload_key: string };

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
 * Resolves once the queue has accepted the message; throws when it (or R2) did not. `dataKey` is
 * the project's: it seals a payload too large to travel inline.
 */
export async function enqueueEvent(bindings: EnqueueBindings, fields: EnqueueFields, payloadJson: string, dataKey: CryptoKey): Promise<void> {
  // JSON text is at most 3 bytes per UTF-16 unit; measure bytes only when it might be close.
  const mayBeLarge = payloadJson.length * 3 > INLINE_PAYLOAD_MAX_BYTES;
  const large = mayBeLarge && new TextEncoder().encode(payloadJson).length > INLINE_PAYLOAD_MAX_BYTES;
  if (!large) return sendEvent(bindings, fields, { payload_json: payloadJson });
  // A shard binding missing from the config fails here, before anything is put in R2.
  const queue = eventsQueueFor(bindings, fields.project_id);
  const key = `events/${fields.event_id}/${crypto.randomUUID()}.json`;
  await putSealedObject(bindings.PAYLOADS, dataKey, key, payloadJson);
  try {
    await queue.send(eventMessageOf(fields, { payload_key: key }), { contentType: 'json' });
  } catch (err) {
    await bindings.PAYLOADS.delete(key).catch(() => undefined);
    throw err;
  }
}

/** Sends the message of an event whose payload is already where `payload` says, to its project's events shard. */
export async function sendEvent(bindings: QueueShardBindings, fields: EnqueueFields, payload: PayloadRef): Promise<void> {
  await eventsQueueFor(bindings, fields.project_id).send(eventMessageOf(fields, payload), { contentType: 'json' });
}

function eventMessageOf(fields: EnqueueFields, payload: PayloadRef): EventMessage {
  return { v: 1, ...fields, ...payload };
}
