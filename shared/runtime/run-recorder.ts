/**
 * The minimal workflow runtime: the consumer of the runs queue. It records each run it receives
 * once, by run id, which is what the fan-out hands over and what tests read back. A real runtime
 * takes the same messages and must be as idempotent: Queues deliver at least once.
 */
import * as v from 'valibot';
import { createDb } from '../db/client';
import { insertJsonRows } from '../db/json-rows';
import { runtimeReceipts } from '../db/schema';
import { backoffSeconds } from '../fanout/queues';
import { RunMessageSchema, type RunMessage } from '../fanout/run-message';
import { settleTogetherOrAlone } from '../fanout/settle';
import { safeErrorText } from '../http/safe-error';
import { METRIC_MAX_IDS, logBenchMetric } from '../instrument/bench-metric';

const RECEIPT_COLUMNS = [runtimeReceipts.runId, runtimeReceipts.workflowId, runtimeReceipts.eventId, runtimeReceipts.envelope, runtimeReceipts.receivedAt];

export async function recordRuns(batch: MessageBatch<unknown>, env: Env, now: () => number = Date.now): Promise<void> {
  const db = createDb(env.DB);
  const recorded = new Map<string, number>();
  const { done, failed } = await settleTogetherOrAlone(
    batch.messages,
    async (messages) => {
      const runs = messages.map((m) => v.parse(RunMessageSchema, m.body));
      const receivedAt = new Date(now()).toISOString();
      const row = (run: RunMessage, envelope: string) => ({ runId: run.run_id, workflowId: run.workflow_id, eventId: run.event_id, envelope, receivedAt });
      const inline = runs.flatMap((run) => (run.envelope_json === undefined ? [] : [[run.run_id, run.workflow_id, run.event_id, run.envelope_json, receivedAt]]));
      if (inline.length > 0) await env.DB.batch(insertJsonRows(env.DB, runtimeReceipts, RECEIPT_COLUMNS, inline, 'ON CONFLICT DO NOTHING'));
      // Claim-checked envelopes are large: one at a time, so memory holds one of them, not a batch.
      for (const run of runs.filter((r) => r.envelope_json === undefined)) {
        await db.insert(runtimeReceipts).values(row(run, await envelopeJsonOf(env.PAYLOADS, run))).onConflictDoNothing();
      }
      for (const run of runs) recorded.set(run.event_id, (recorded.get(run.event_id) ?? 0) + 1);
    },
    (error) => console.error('recording the whole batch of runs failed; recording each alone', safeErrorText(error)),
  );
  for (const message of done) message.ack();
  if (env.INSTRUMENT_D1 === 'true' && recorded.size > 0) {
    const byEvent = recorded.size <= METRIC_MAX_IDS ? { by_event: Object.fromEntries(recorded) } : {};
    logBenchMetric('hasp-runtime-metric', { runs: done.length, ...byEvent });
  }
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
