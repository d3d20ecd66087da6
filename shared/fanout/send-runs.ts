/**
 * Hands runs to the runtime queue with as few sendBatch calls as the Queues limits allow: at most
 * 100 messages and 256 KB per call. With envelopes of a few KB that is one call per 100 runs.
 */
import { INLINE_MESSAGE_MAX_BYTES, envelopeKey, type RunMessage } from './run-message';
import { MAX_BATCH_ITEMS, chunkByWeight } from './queues';

/** The 256 KB batch limit, less room for the batch's own framing. */
const BATCH_MAX_BYTES = 250_000;
/** Calls in flight at once: enough to hide latency, few enough to stay far below subrequest limits. */
const SEND_CONCURRENCY = 4;
const encoder = new TextEncoder();
// Measuring UTF-8 length by encoding into one reused buffer allocates nothing per run.
const scratch = new Uint8Array(3 * INLINE_MESSAGE_MAX_BYTES);

export interface OutgoingRun {
  runId: string;
  eventId: string;
  workflowId: string;
  envelopeJson: string;
}

export async function sendRuns(queue: Queue<RunMessage>, payloads: R2Bucket, runs: readonly OutgoingRun[]): Promise<number> {
  const sized = await Promise.all(runs.map((run) => toMessage(payloads, run)));
  const batches = chunkByWeight(sized, MAX_BATCH_ITEMS, BATCH_MAX_BYTES, (m) => m.bytes).map((batch) => batch.map((m) => m.message));
  for (let i = 0; i < batches.length; i += SEND_CONCURRENCY) {
    await Promise.all(batches.slice(i, i + SEND_CONCURRENCY).map((batch) => queue.sendBatch(batch.map((body) => ({ body, contentType: 'json' })))));
  }
  return batches.length;
}

interface SizedMessage {
  message: RunMessage;
  bytes: number;
}

async function toMessage(payloads: R2Bucket, run: OutgoingRun): Promise<SizedMessage> {
  const ids = { v: 1 as const, run_id: run.runId, event_id: run.eventId, workflow_id: run.workflowId };
  const inline: RunMessage = { ...ids, envelope_json: run.envelopeJson };
  // Sent as JSON, so the limits apply to the message's JSON text; escaping makes it longer than
  // the envelope. Each UTF-16 unit is at least one UTF-8 byte: a longer text cannot fit.
  const text = JSON.stringify(inline);
  const bytes = text.length > INLINE_MESSAGE_MAX_BYTES ? Infinity : encoder.encodeInto(text, scratch).written;
  if (bytes <= INLINE_MESSAGE_MAX_BYTES) return { message: inline, bytes };
  const key = envelopeKey(run.runId);
  await payloads.put(key, run.envelopeJson, { httpMetadata: { contentType: 'application/json' } });
  const claimCheck: RunMessage = { ...ids, envelope_key: key };
  return { message: claimCheck, bytes: JSON.stringify(claimCheck).length };
}
