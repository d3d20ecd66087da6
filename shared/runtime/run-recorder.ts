/**
 * The minimal workflow runtime: the consumer of the runs queue. It records each run it receives
 * once, by run id, which is what the fan-out hands over and what tests read back. A real runtime
 * takes the same messages and must be as idempotent: Queues deliver at least once.
 */
import * as v from 'valibot';
import { createDb } from '../db/client';
import { runtimeReceipts } from '../db/schema';
import { D1_MAX_PARAMS, backoffSeconds, chunkByWeight } from '../fanout/queues';
import { RunMessageSchema, type RunMessage } from '../fanout/run-message';
import { settleTogetherOrAlone } from '../fanout/settle';
import { safeErrorText } from '../http/safe-error';

const RECEIPT_ROWS_PER_INSERT = Math.floor(D1_MAX_PARAMS / 5);
/** Envelope text per insert statement: D1 caps a row, and memory should hold a bounded amount. */
const RECEIPT_BYTES_PER_INSERT = 1_000_000;

export async function recordRuns(batch: MessageBatch<unknown>, env: Env, now: () => number = Date.now): Promise<void> {
  const db = createDb(env.DB);
  const recorded = new Map<string, number>();
  const { done, failed } = await settleTogetherOrAlone(
    batch.messages,
    async (messages) => {
      const runs = messages.map((m) => v.parse(RunMessageSchema, m.body));
      const receivedAt = new Date(now()).toISOString();
      const row = (run: RunMessage, envelope: string) => ({ runId: run.run_id, workflowId: run.workflow_id, eventId: run.event_id, envelope, receivedAt });
      const inline = runs.flatMap((run) => (run.envelope_json === undefined ? [] : [row(run, run.envelope_json)]));
      const [first, ...rest] = chunkByWeight(inline, RECEIPT_ROWS_PER_INSERT, RECEIPT_BYTES_PER_INSERT, (r) => r.envelope.length).map((part) =>
        db.insert(runtimeReceipts).values(part).onConflictDoNothing(),
      );
      if (first) await db.batch([first, ...rest]);
      // Claim-checked envelopes are large: one at a time, so memory holds one of them, not a batch.
      for (const run of runs.filter((r) => r.envelope_json === undefined)) {
        await db.insert(runtimeReceipts).values(row(run, await envelopeJsonOf(env.PAYLOADS, run))).onConflictDoNothing();
      }
      for (const run of runs) recorded.set(run.event_id, (recorded.get(run.event_id) ?? 0) + 1);
    },
    (error) => console.error('recording the whole batch of runs failed; recording each alone', safeErrorText(error)),
  );
  for (const message of done) message.ack();
  // Bench mode only: how many runs of each event this batch recorded, for `npm run bench`.
  if (env.INSTRUMENT_D1 === 'true' && recorded.size > 0) console.log(`hasp-runtime-metric ${JSON.stringify({ recorded: Object.fromEntries(recorded) })}`);
  for (const { item, error } of failed) {
    console.error('run not recorded', item.id, `attempt ${item.attempts}`, safeErrorText(error));
    item.retry({ delaySeconds: backoffSeconds(item.attempts) });
  }
}

async function envelopeJsonOf(bucket: R2Bucket, run: RunMessage): Promise<string> {
  if (run.envelope_json !== undefined) return run.envelope_json;
  if (run.envelope_key === undefined) throw new Error(`run ${run.run_id} carries no envelope`);
  const object = await bucket.get(run.envelope_key);
  if (object === null) throw new Error(`claim-checked envelope of ${run.run_id} is missing`);
  return object.text();
}
