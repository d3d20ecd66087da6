/**
 * Hands an event to the events queue: the one way a message gets there, from the ingress (a new
 * event) and from replay (an event whose payload is already stored). Large payloads go to R2 first
 * under a key unique to this attempt, so a failed send can delete its own object without touching
 * an earlier delivery's.
 */
import { ProblemError } from '../http/problem';
import { INLINE_PAYLOAD_MAX_BYTES, type EventMessage } from './event-message';

export interface EnqueueBindings {
  EVENTS: Queue<EventMessage>;
  PAYLOADS: R2Bucket;
}

export type EnqueueFields = Omit<EventMessage, 'v' | 'payload_json' | 'payload_key'>;

/** Where a message finds its payload: inline JSON text, or the R2 key it was claim-checked under. */
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

/** Resolves once the queue has accepted the message; throws when it (or R2) did not. */
export async function enqueueEvent(bindings: EnqueueBindings, fields: EnqueueFields, payloadJson: string): Promise<void> {
  // JSON text is at most 3 bytes per UTF-16 unit; measure bytes only when it might be close.
  const mayBeLarge = payloadJson.length * 3 > INLINE_PAYLOAD_MAX_BYTES;
  const large = mayBeLarge && new TextEncoder().encode(payloadJson).length > INLINE_PAYLOAD_MAX_BYTES;
  if (!large) return sendEvent(bindings.EVENTS, fields, { payload_json: payloadJson });
  const key = `events/${fields.event_id}/${crypto.randomUUID()}.json`;
  await bindings.PAYLOADS.put(key, payloadJson, { httpMetadata: { contentType: 'application/json' } });
  try {
    await sendEvent(bindings.EVENTS, fields, { payload_key: key });
  } catch (err) {
    await bindings.PAYLOADS.delete(key).catch(() => undefined);
    throw err;
  }
}

/** Sends the message of an event whose payload is already where `payload` says. */
export async function sendEvent(queue: Queue<EventMessage>, fields: EnqueueFields, payload: PayloadRef): Promise<void> {
  await queue.send({ v: 1, ...fields, ...payload }, { contentType: 'json' });
}
