/**
 * The queue message that hands one run to the workflow runtime. It carries the contract envelope
 * itself; an envelope too large for a queue message (128 KB) is stored in R2 and the message
 * carries its key, as the event queue does with large payloads.
 */
import * as v from 'valibot';
import type { RunEnvelope } from './envelope';

/** Room below the 128 KB message limit, so a batch of at most 256 KB still packs two envelopes. */
export const INLINE_ENVELOPE_MAX_BYTES = 120_000;

export const RunMessageSchema = v.union([
  v.object({ v: v.literal(1), envelope: v.custom<RunEnvelope>((value) => typeof value === 'object' && value !== null && 'run_id' in value) }),
  v.object({ v: v.literal(1), run_id: v.string(), event_id: v.string(), envelope_key: v.string() }),
]);

export type RunMessage = v.InferOutput<typeof RunMessageSchema>;

/** R2 key of a claim-checked envelope: one per run, so a resend overwrites it with the same bytes. */
export function envelopeKey(runId: string): string {
  return `runs/${runId}.json`;
}
