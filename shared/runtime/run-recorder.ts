/**
 * The minimal workflow runtime: the consumer of the runs queue. It records each run it receives
 * once, by run id, which is what the fan-out hands over and what tests read back. A real runtime
 * takes the same messages and must be as idempotent: Queues deliver at least once.
 */
import * as v from 'valibot';
import { createDb } from '../db/client';
import { runtimeReceipts } from '../db/schema';
import type { RunEnvelope } from '../fanout/envelope';
import { D1_MAX_PARAMS, backoffSeconds, chunk } from '../fanout/queues';
import { RunMessageSchema, type RunMessage } from '../fanout/run-message';
import { settleTogetherOrAlone } from '../fanout/settle';
import { safeErrorText } from '../http/safe-error';

const RECEIPT_COLUMNS = 5;

export async function recordRuns(batch: MessageBatch<unknown>, env: Env, now: () => number = Date.now): Promise<void> {
  const db = createDb(env.DB);
  const { done, failed } = await settleTogetherOrAlone(batch.messages, async (messages) => {
    const envelopes = await Promise.all(messages.map((m) => loadEnvelope(env.PAYLOADS, v.parse(RunMessageSchema, m.body))));
    const receivedAt = new Date(now()).toISOString();
    const rows = envelopes.map((e) => ({ runId: e.run_id, workflowId: e.workflow_id, eventId: e.event_id, envelope: JSON.stringify(e), receivedAt }));
    const [first, ...rest] = chunk(rows, Math.floor(D1_MAX_PARAMS / RECEIPT_COLUMNS)).map((part) => db.insert(runtimeReceipts).values(part).onConflictDoNothing());
    if (first) await db.batch([first, ...rest]);
  }, (error) => console.error('recording the whole batch of runs failed; recording each alone', safeErrorText(error)));
  for (const message of done) message.ack();
  // Bench mode only: how many runs of each event this batch recorded, for `npm run bench`.
  if (env.INSTRUMENT_D1 === 'true' && done.length > 0) console.log(`hasp-runtime-metric ${JSON.stringify({ recorded: countByEvent(done) })}`);
  for (const { item, error } of failed) {
    console.error('run not recorded', item.id, `attempt ${item.attempts}`, safeErrorText(error));
    item.retry({ delaySeconds: backoffSeconds(item.attempts) });
  }
}

async function loadEnvelope(bucket: R2Bucket, message: RunMessage): Promise<RunEnvelope> {
  if ('envelope' in message) return message.envelope;
  const object = await bucket.get(message.envelope_key);
  if (object === null) throw new Error(`claim-checked envelope of ${message.run_id} is missing`);
  return (await object.json()) as RunEnvelope;
}

function countByEvent(messages: readonly Message<unknown>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const message of messages) {
    const parsed = v.safeParse(RunMessageSchema, message.body);
    if (!parsed.success) continue;
    const eventId = 'envelope' in parsed.output ? parsed.output.envelope.event_id : parsed.output.event_id;
    counts[eventId] = (counts[eventId] ?? 0) + 1;
  }
  return counts;
}
