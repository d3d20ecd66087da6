/**
 * The queue message of one accepted event. A payload that would not fit a queue message (128 KB)
 * is stored in R2 first, sealed under the project's data key, and the message carries its key
 * (claim-check). An inline payload travels as the queue stores it, only for as long as delivery takes.
 * Messages are sent structured-cloned (`contentType: 'v8'`), so the payload's bytes are copied once,
 * never escaped into a JSON string and parsed back.
 */
import * as v from 'valibot';
import { isPrefixedId, type PrefixedId } from '../ids';

/** Room left for the envelope fields below the 128 KB message limit. */
export const INLINE_PAYLOAD_MAX_BYTES = 100_000;

export const EventMessageSchema = v.object({
  v: v.literal(1),
  event_id: v.custom<PrefixedId<'evt'>>((input) => typeof input === 'string' && isPrefixedId('evt', input), 'event_id must be an event id (evt_…)'),
  webhook_id: v.string(),
  webhook_slug: v.string(),
  org: v.string(),
  project_id: v.string(),
  delivery_id: v.nullable(v.string()),
  received_at: v.string(),
  /** The validated payload as UTF-8 JSON bytes, when inline: sent as they came, sealed as they are. */
  payload_bytes: v.optional(v.custom<Uint8Array>((input) => input instanceof Uint8Array, 'payload_bytes must be bytes')),
  /** The same as JSON text: how messages sent before payloads travelled as bytes carry it. */
  payload_json: v.optional(v.string()),
  /** R2 key of the payload JSON, when claim-checked; sealed with AAD `objectAad(key)` (./sealed-object.ts). */
  payload_key: v.optional(v.string()),
});

export type EventMessage = v.InferOutput<typeof EventMessageSchema>;

const encoder = new TextEncoder();

/** The inline payload's bytes, whichever way the message carries it; undefined when claim-checked. */
export function inlinePayload(message: EventMessage): Uint8Array | undefined {
  if (message.payload_bytes !== undefined) return message.payload_bytes;
  return message.payload_json === undefined ? undefined : encoder.encode(message.payload_json);
}

/** About how many bytes the inline payload is, without encoding a legacy text one. */
export function inlinePayloadSize(message: EventMessage): number | undefined {
  return message.payload_bytes?.byteLength ?? message.payload_json?.length;
}
