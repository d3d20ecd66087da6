/**
 * The queue message that hands one run to the workflow runtime: the run's envelope as JSON text,
 * next to the ids a runtime needs to dedupe and route it without parsing. An envelope too large
 * for a queue message (128 KB) is stored in R2 and the message carries its key, as the event queue
 * does with large payloads.
 *
 * The envelope JSON carries the payload once: it is the contract's envelope without `input` when
 * the input is the payload (a trigger without a mapping), with the mapped `input` otherwise. A
 * runtime reads it with parseRunEnvelope (./run-envelope.ts), which gives the contract's envelope.
 */
import * as v from 'valibot';

/** The 128 KB message limit, less room for the message's own framing. */
export const INLINE_MESSAGE_MAX_BYTES = 127_000;

export const RunMessageSchema = v.object({
  v: v.literal(1),
  run_id: v.string(),
  event_id: v.string(),
  workflow_id: v.string(),
  /** The project the run belongs to: its data key seals whatever the runtime keeps of the envelope. */
  project_id: v.string(),
  /** The envelope JSON (payload once; read with parseRunEnvelope), when inline. */
  envelope_json: v.optional(v.string()),
  /** R2 key of the envelope JSON, when claim-checked, sealed under the project's data key (AAD `objectAad(key)`). */
  envelope_key: v.optional(v.string()),
});

export type RunMessage = v.InferOutput<typeof RunMessageSchema>;

/** R2 key of a claim-checked envelope: one per run, so a resend overwrites it with the same envelope. */
export function envelopeKey(runId: string): string {
  return `runs/${runId}.json`;
}
