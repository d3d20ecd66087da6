/**
 * Hands one project's runs to its runs shard (the caller picks it: shared/queue/shards.ts) with as
 * few sendBatch calls as the Queues limits allow: at most 100 messages and 256 KB per call. With
 * envelopes of a few KB that is one call per 100 runs.
 *
 * Envelopes are built as their turn to be sent comes, and a sent one is let go: an event with a
 * large payload and many listening workflows would otherwise hold every envelope (a copy of the
 * payload each) in memory at once, far past an isolate's 128 MB.
 *
 * An envelope too large for a message is claim-checked in R2 sealed under the project's data key
 * (AAD `objectAad(key)`): it carries the payload, and nothing the service keeps holds it in clear.
 */
import { INLINE_MESSAGE_MAX_BYTES, envelopeKey, type RunMessage } from '../queue/run-message';
import { chunk } from '../db/batching';
import type { PrefixedId } from '../ids';
import { SEND_BATCH_MAX_MESSAGES } from '../queue/names';
import { putSealedObject } from '../queue/sealed-object';

/** The 256 KB batch limit, less room for the batch's own framing. */
const BATCH_MAX_BYTES = 250_000;
/** Calls in flight at once: enough to hide latency, few enough to stay far below subrequest limits. */
const SEND_CONCURRENCY = 4;
/** Envelopes built (and, when too large, put in R2) at once. */
const BUILD_CONCURRENCY = 16;
const encoder = new TextEncoder();
// Measuring UTF-8 length by encoding into one reused buffer allocates nothing per run.
const scratch = new Uint8Array(3 * INLINE_MESSAGE_MAX_BYTES);

export interface OutgoingRun {
  runId: PrefixedId<'run'>;
  eventId: PrefixedId<'evt'>;
  workflowId: PrefixedId<'wf'>;
  projectId: string;
  /** The envelope JSON (shared/queue/run-message.ts: the payload once), built only when the run is about to be sent. */
  envelopeJson: () => string;
}

/** Where claim-checked envelopes go: the bucket, and the data key of the runs' project. */
export interface EnvelopeStore {
  payloads: R2Bucket;
  dataKey: CryptoKey;
}

/** Sends `runs` (of one project: `store.dataKey` is its key); resolves to the sendBatch calls made. */
export async function sendRuns(queue: Queue<RunMessage>, store: EnvelopeStore, runs: readonly OutgoingRun[]): Promise<number> {
  const sending = new SendWindow(queue);
  let batch: RunMessage[] = [];
  let batchBytes = 0;
  for (const group of chunk(runs, BUILD_CONCURRENCY)) {
    for (const { message, bytes } of await Promise.all(group.map((run) => toMessage(store, run)))) {
      if (batch.length > 0 && (batch.length === SEND_BATCH_MAX_MESSAGES || batchBytes + bytes > BATCH_MAX_BYTES)) {
        await sending.send(batch);
        batch = [];
        batchBytes = 0;
      }
      batch.push(message);
      batchBytes += bytes;
    }
  }
  if (batch.length > 0) await sending.send(batch);
  return sending.finish();
}

/** sendBatch calls with at most SEND_CONCURRENCY in flight; the first failure fails the whole. */
class SendWindow {
  private readonly inFlight = new Set<Promise<void>>();
  private failure: { error: unknown } | null = null;
  private calls = 0;

  constructor(private readonly queue: Queue<RunMessage>) {}

  async send(batch: RunMessage[]): Promise<void> {
    this.rethrow();
    this.calls += 1;
    const call: Promise<void> = this.queue
      .sendBatch(batch.map((body) => ({ body, contentType: 'json' })))
      .then(
        () => undefined,
        (error: unknown) => void (this.failure ??= { error }),
      )
      .finally(() => this.inFlight.delete(call));
    this.inFlight.add(call);
    if (this.inFlight.size >= SEND_CONCURRENCY) await Promise.race(this.inFlight);
  }

  async finish(): Promise<number> {
    await Promise.all(this.inFlight);
    this.rethrow();
    return this.calls;
  }

  private rethrow(): void {
    if (this.failure) throw this.failure.error;
  }
}

interface SizedMessage {
  message: RunMessage;
  bytes: number;
}

async function toMessage(store: EnvelopeStore, run: OutgoingRun): Promise<SizedMessage> {
  const ids = { v: 1 as const, run_id: run.runId, event_id: run.eventId, workflow_id: run.workflowId, project_id: run.projectId };
  const envelopeJson = run.envelopeJson();
  const inline: RunMessage = { ...ids, envelope_json: envelopeJson };
  // Sent as JSON, so the limits apply to the message's JSON text; escaping makes it longer than
  // the envelope. Each UTF-16 unit is at least one UTF-8 byte: a longer text cannot fit.
  const text = JSON.stringify(inline);
  const bytes = text.length > INLINE_MESSAGE_MAX_BYTES ? Infinity : encoder.encodeInto(text, scratch).written;
  if (bytes <= INLINE_MESSAGE_MAX_BYTES) return { message: inline, bytes };
  const key = envelopeKey(run.runId);
  await putSealedObject(store.payloads, store.dataKey, key, envelopeJson);
  const claimCheck: RunMessage = { ...ids, envelope_key: key };
  return { message: claimCheck, bytes: JSON.stringify(claimCheck).length };
}
