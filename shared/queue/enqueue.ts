/**
 * Hands an accepted event to the queue. Large payloads go to R2 first under a key unique to this
 * attempt, so a failed send can delete its own object without touching an earlier delivery's.
 */
import { INLINE_PAYLOAD_MAX_BYTES, type EventMessage } from '../fanout/event-message';

export interface EnqueueBindings {
  EVENTS: Queue<EventMessage>;
  PAYLOADS: R2Bucket;
}

export type EnqueueFields = Omit<EventMessage, 'v' | 'payload_json' | 'payload_key'>;

/** Resolves once the queue has accepted the message; throws when it (or R2) did not. */
export async function enqueueEvent(bindings: EnqueueBindings, fields: EnqueueFields, payloadJson: string): Promise<void> {
  // JSON text is at most 3 bytes per UTF-16 unit; measure bytes only when it might be close.
  const mayBeLarge = payloadJson.length * 3 > INLINE_PAYLOAD_MAX_BYTES;
  const large = mayBeLarge && new TextEncoder().encode(payloadJson).length > INLINE_PAYLOAD_MAX_BYTES;
  if (!large) {
    await bindings.EVENTS.send({ v: 1, ...fields, payload_json: payloadJson }, { contentType: 'json' });
    return;
  }
  const key = `events/${fields.event_id}/${crypto.randomUUID()}.json`;
  await bindings.PAYLOADS.put(key, payloadJson, { httpMetadata: { contentType: 'application/json' } });
  try {
    await bindings.EVENTS.send({ v: 1, ...fields, payload_key: key }, { contentType: 'json' });
  } catch (err) {
    await bindings.PAYLOADS.delete(key).catch(() => undefined);
    throw err;
  }
}
