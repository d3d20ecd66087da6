/**
 * Hands runs to the runtime queue with as few sendBatch calls as the Queues limits allow: at most
 * 100 messages and 256 KB per call. With envelopes of a few KB that is one call per 100 runs.
 */
import type { RunEnvelope } from './envelope';
import { INLINE_ENVELOPE_MAX_BYTES, envelopeKey, type RunMessage } from './run-message';
import { MAX_BATCH_ITEMS } from './queues';

/** The 256 KB batch limit, less room for each message's own framing. */
const BATCH_MAX_BYTES = 240_000;
/** Calls in flight at once: enough to hide latency, few enough to stay far below subrequest limits. */
const SEND_CONCURRENCY = 4;
const encoder = new TextEncoder();

export async function sendRuns(queue: Queue<RunMessage>, payloads: R2Bucket, envelopes: readonly RunEnvelope[]): Promise<number> {
  const sized = await Promise.all(envelopes.map((envelope) => toMessage(payloads, envelope)));
  const batches = pack(sized);
  for (let i = 0; i < batches.length; i += SEND_CONCURRENCY) {
    await Promise.all(batches.slice(i, i + SEND_CONCURRENCY).map((batch) => queue.sendBatch(batch.map((body) => ({ body })))));
  }
  return batches.length;
}

interface SizedMessage {
  message: RunMessage;
  bytes: number;
}

async function toMessage(payloads: R2Bucket, envelope: RunEnvelope): Promise<SizedMessage> {
  const json = JSON.stringify(envelope);
  const bytes = encoder.encode(json).length;
  if (bytes <= INLINE_ENVELOPE_MAX_BYTES) return { message: { v: 1, envelope }, bytes };
  const key = envelopeKey(envelope.run_id);
  await payloads.put(key, json, { httpMetadata: { contentType: 'application/json' } });
  const message: RunMessage = { v: 1, run_id: envelope.run_id, event_id: envelope.event_id, envelope_key: key };
  return { message, bytes: JSON.stringify(message).length };
}

function pack(messages: readonly SizedMessage[]): RunMessage[][] {
  const batches: RunMessage[][] = [];
  let current: RunMessage[] = [];
  let currentBytes = 0;
  for (const { message, bytes } of messages) {
    if (current.length === MAX_BATCH_ITEMS || (current.length > 0 && currentBytes + bytes > BATCH_MAX_BYTES)) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(message);
    currentBytes += bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
