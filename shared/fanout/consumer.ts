/**
 * The queue consumer: awaits each message's fan-out and acks or retries that message alone, so a
 * batch that fails halfway retries only what failed. Nothing is left to waitUntil: a failure must
 * reach the retries and, at last, the dead-letter queue.
 */
import * as v from 'valibot';
import { createDb } from '../db/client';
import { EventMessageSchema } from './event-message';
import { fanOutEvent, recordDeadEvent } from './fan-out';
import { EVENTS_DLQ, backoffSeconds } from './queues';

export async function consumeBatch(batch: MessageBatch<unknown>, env: Env, now: () => number = Date.now): Promise<void> {
  const db = createDb(env.DB);
  const deadLetters = batch.queue === EVENTS_DLQ;
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        const event = v.parse(EventMessageSchema, message.body);
        if (deadLetters) await recordDeadEvent(db, event, message.attempts, now());
        else await fanOutEvent({ db, payloads: env.PAYLOADS, runtime: env.RUNS, now }, event);
        message.ack();
      } catch (err) {
        console.error('fan-out failed', message.id, `attempt ${message.attempts}`, err instanceof Error ? err.message : 'unknown error');
        message.retry({ delaySeconds: backoffSeconds(message.attempts) });
      }
    }),
  );
}
