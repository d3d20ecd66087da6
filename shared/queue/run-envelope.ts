/**
 * What a workflow run receives, and how a runtime reads it from a run message (./run-message.ts).
 *
 * The envelope JSON a run message carries (inline or claim-checked) holds the payload once: for a
 * trigger without a mapping (Class A) the input IS the payload, so `input` is left out; a mapped
 * trigger's (Class B) `input` is there, the mapped object. A payload of 1 MiB then makes an
 * envelope of about 1 MiB, not two. {@link parseRunEnvelope} puts `input` back, so what a run
 * receives is the contract's envelope either way.
 */
import * as v from 'valibot';

/** What a workflow run receives, exactly as the product contract (CONTRACT.md, "Fan-out") shows it. */
export interface RunEnvelope {
  event_id: string;
  run_id: string;
  workflow_id: string;
  webhook: { id: string; slug: string; org: string; project: string };
  received_at: string;
  delivery_id: string | null;
  payload: unknown;
  input: unknown;
}

/** The envelope JSON of a run message: the contract's envelope, with `input` absent when it is the payload. */
const SentEnvelopeSchema = v.object({
  event_id: v.string(),
  run_id: v.string(),
  workflow_id: v.string(),
  webhook: v.object({ id: v.string(), slug: v.string(), org: v.string(), project: v.string() }),
  received_at: v.string(),
  delivery_id: v.nullable(v.string()),
  payload: v.unknown(),
  input: v.optional(v.unknown()),
});

/**
 * The contract envelope of a run message's envelope JSON (its `envelope_json`, or the opened
 * object at its `envelope_key`): `input` is the payload when the JSON carries none. The one way a
 * runtime reads an envelope. Throws on JSON that is not an envelope (a ValiError or SyntaxError,
 * whose messages quote the input: log them with safeErrorText).
 */
export function parseRunEnvelope(envelopeJson: string): RunEnvelope {
  const { input, ...sent } = v.parse(SentEnvelopeSchema, JSON.parse(envelopeJson));
  return { ...sent, input: input === undefined ? sent.payload : input };
}
