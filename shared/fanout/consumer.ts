/**
 * The queue consumer: awaits each message's fan-out and acks or retries that message alone, so a
 * batch that fails halfway retries only what failed. Nothing is left to waitUntil: a failure must
 * reach the retries and, at last, the dead-letter queue.
 */
import { safeErrorText } from '../http/safe-error';
import * as v from 'valibot';
import { createDb } from '../db/client';
import { countingD1 } from '../instrument/counting-d1';
import { EventMessageSchema } from './event-message';
import { fanOutEvent, recordDeadEvent } from './fan-out';
import { EVENTS_DLQ, backoffSeconds } from './queues';

export async function consumeBatch(batch: MessageBatch<unknown>, env: Env, now: () => number = Date.now): Promise<void> {
  const deadLetters = batch.queue === EVENTS_DLQ;
  const instrumented = env.INSTRUMENT_D1 === 'true';
  // One client per batch; bench mode needs one per message to count each event's statements.
  const shared = instrumented ? null : createDb(env.DB);
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        const event = v.parse(EventMessageSchema, message.body);
        const counter = { statements: 0 };
        const db = shared ?? createDb(countingD1(env.DB, counter));
        if (deadLetters) {
          await recordDeadEvent(db, event, message.attempts, now());
        } else {
          const started = Date.now();
          const result = await fanOutEvent({ db, payloads: env.PAYLOADS, runtime: env.RUNS, now }, event);
          // Bench mode only: one line per event that `npm run bench` reads from the dev server's output.
          if (instrumented) {
            const metric = { event_id: event.event_id, runs: result.runs, create_batch_calls: result.createBatchCalls, d1_statements: counter.statements, ms: Date.now() - started };
            console.log(`hasp-fanout-metric ${JSON.stringify(metric)}`);
          }
        }
        message.ack();
      } catch (err) {
        console.error('fan-out failed', message.id, `attempt ${message.attempts}`, safeErrorText(err));
        message.retry({ delaySeconds: backoffSeconds(message.attempts) });
      }
    }),
  );
}
