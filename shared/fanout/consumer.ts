/**
 * The event queue's consumer. A batch is fanned out together (one D1 read, one write batch, runs
 * sent 100 at a time); if that fails, each message is tried alone and acked or retried on its own,
 * so a batch that fails halfway retries only what failed. Nothing is left to waitUntil: a failure
 * must reach the retries and, at last, the dead-letter queue.
 */
import * as v from 'valibot';
import { createDb, type Db } from '../db/client';
import { safeErrorText } from '../http/safe-error';
import { METRIC_MAX_IDS, logBenchMetric } from '../instrument/bench-metric';
import { countingD1, newStatementCounter } from '../instrument/counting-d1';
import { EventMessageSchema, type EventMessage } from './event-message';
import { MAX_EVENTS_PER_FAN_OUT, fanOut, recordDeadEvent, recordFailedAttempt } from './fan-out';
import { EVENTS_DLQ, backoffSeconds, chunkByWeight } from './queues';
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

export async function consumeBatch(batch: MessageBatch<unknown>, env: Env, now: () => number = Date.now): Promise<void> {
  const counter = newStatementCounter();
  const instrumented = env.INSTRUMENT_D1 === 'true';
  const db = createDb(instrumented ? countingD1(env.DB, counter) : env.DB);

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
  if (instrumented) {
    const ids = dispatched.length <= METRIC_MAX_IDS ? { event_ids: dispatched } : {};
    logBenchMetric('hasp-fanout-metric', { events: dispatched.length, ...ids, runs, send_batch_calls: sendBatchCalls, d1_statements: counter.statements, d1_round_trips: counter.roundTrips, ms: Date.now() - started });
  }
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
