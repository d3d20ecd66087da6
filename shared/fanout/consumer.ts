/**
 * The event queue's consumer. A batch is fanned out together (one D1 read, one write batch, runs
 * sent 100 at a time); if that fails, each message is tried alone and acked or retried on its own,
 * so a batch that fails halfway retries only what failed. Nothing is left to waitUntil: a failure
 * must reach the retries and, at last, the dead-letter queue.
 */
import * as v from 'valibot';
import { chunkByWeight } from '../db/batching';
import { createDb, type Db } from '../db/client';
import { safeErrorText } from '../http/safe-error';
import { backoffSeconds } from '../queue/backoff';
import { EventMessageSchema, type EventMessage } from '../queue/event-message';
import { EVENTS_DLQ } from '../queue/names';
import { MAX_EVENTS_PER_FAN_OUT, fanOut, recordDeadEvent, recordFailedAttempt } from './fan-out';
import { settleTogetherOrAlone } from './settle';

interface Parsed {
  message: Message<unknown>;
  event: EventMessage;
}

/** Payload text fanned out together; each run's envelope carries it twice (payload and input). */
const FAN_OUT_PAYLOAD_BUDGET_BYTES = 1_000_000;

/** A claim-checked payload is larger than any inline one, so it is fanned out alone. */
function payloadWeight({ event }: Parsed): number {
  return event.payload_json?.length ?? FAN_OUT_PAYLOAD_BUDGET_BYTES;
}

/** What one batch of the events queue did, for a {@link ConsumerOptions.metrics} sink. */
export interface FanOutMetric {
  /** Events fanned out and acked. */
  eventIds: readonly string[];
  /** Runs handed to the runs queue. */
  runs: number;
  sendBatchCalls: number;
  ms: number;
}

/**
 * Seams for a measuring copy of the consumer (`npm run bench`); production passes none, and each
 * default is what the consumer would do without the seam.
 */
export interface ConsumerOptions {
  /** Wraps the D1 binding the batch uses (default: the binding itself). */
  db?: (binding: D1Database) => D1Database;
  /** Told what a batch of the events queue (not of its dead letters) did (default: nothing). */
  metrics?: (metric: FanOutMetric) => void;
  now?: () => number;
}

/** Fans out a batch of the events queue, or records a batch of its dead letters; every message is acked or retried before it returns. */
export async function consumeBatch(batch: MessageBatch<unknown>, env: Env, options: ConsumerOptions = {}): Promise<void> {
  const now = options.now ?? Date.now;
  const db = createDb(options.db ? options.db(env.DB) : env.DB);

  const parsed: Parsed[] = [];
  for (const message of batch.messages) {
    const result = v.safeParse(EventMessageSchema, message.body);
    if (result.success) parsed.push({ message, event: result.output });
    else retry(message, 'malformed event message');
  }

  if (batch.queue === EVENTS_DLQ) {
    // One statement per event either way, so each is simply written, acked or retried on its own.
    await Promise.all(
      parsed.map(({ message, event }) =>
        recordDeadEvent(db, event, message.attempts, now()).then(
          () => message.ack(),
          (error: unknown) => retry(message, safeErrorText(error)),
        ),
      ),
    );
    return;
  }

  const started = Date.now();
  const dispatched: string[] = [];
  let runs = 0;
  let sendBatchCalls = 0;
  // A batch of large payloads would hold them all, and their envelopes, in memory at once.
  for (const part of chunkByWeight(parsed, MAX_EVENTS_PER_FAN_OUT, FAN_OUT_PAYLOAD_BUDGET_BYTES, payloadWeight)) {
    const { done, failed } = await settleTogetherOrAlone(
      part,
      async (items) => {
        const result = await fanOut({ db, payloads: env.PAYLOADS, runtime: env.RUNS, now }, items.map((p) => p.event));
        runs += result.runs;
        sendBatchCalls += result.sendBatchCalls;
      },
      (error) => console.error('fan-out of the whole batch failed; trying each event alone', safeErrorText(error)),
    );
    for (const { message, event } of done) {
      message.ack();
      dispatched.push(event.event_id);
    }
    await Promise.all(failed.map(({ item, error }) => retryVisibly(db, item, safeErrorText(error), now())));
  }
  options.metrics?.({ eventIds: dispatched, runs, sendBatchCalls, ms: Date.now() - started });
}

function retry(message: Message<unknown>, reason: string): void {
  console.error('fan-out failed', message.id, `attempt ${message.attempts}`, reason);
  message.retry({ delaySeconds: backoffSeconds(message.attempts) });
}

/** Retries the message and, best effort, shows the event as accepted with why it is waiting. */
async function retryVisibly(db: Db, { message, event }: Parsed, reason: string, now: number): Promise<void> {
  retry(message, reason);
  const delay = backoffSeconds(message.attempts);
  await recordFailedAttempt(db, event, `Fan-out attempt ${message.attempts} failed (${reason}); next attempt in ${delay} s.`, now).catch((err: unknown) =>
    console.error('could not record the failed attempt', event.event_id, safeErrorText(err)),
  );
}
