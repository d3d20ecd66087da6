/**
 * The stand-in workflow runtime: the consumer of the runs queue in dev and tests. It records each
 * run it receives once, by run id, which is what the fan-out hands over and what tests read back.
 * A real runtime takes the same messages and must be as idempotent: Queues deliver at least once.
 */
import * as v from 'valibot';
import { createDb } from '../../shared/db/client';
import { insertJsonRows } from '../../shared/db/json-rows';
import { settleTogetherOrAlone } from '../../shared/fanout/settle';
import { safeErrorText } from '../../shared/http/safe-error';
import { backoffSeconds } from '../../shared/queue/backoff';
import { RunMessageSchema, type RunMessage } from '../../shared/queue/run-message';
import { runtimeReceipts } from './schema';

/** The stand-in's bindings (./wrangler.toml). */
export interface StandinEnv {
  /** Its own database: the receipts (./migrations). */
  RECEIPTS: D1Database;
  /** The service's bucket, where the fan-out claim-checks envelopes too large for a message. */
  PAYLOADS: R2Bucket;
}

/** What one batch recorded, for a {@link RecorderOptions.metrics} sink. */
export interface RunsRecordedMetric {
  runs: number;
  /** Runs recorded per event id. */
  byEvent: ReadonlyMap<string, number>;
}

export interface RecorderOptions {
  /** Told what each batch that recorded anything did (`npm run bench` logs it; default: nothing). */
  metrics?: (metric: RunsRecordedMetric) => void;
  now?: () => number;
}

const RECEIPT_COLUMNS = [runtimeReceipts.runId, runtimeReceipts.workflowId, runtimeReceipts.eventId, runtimeReceipts.envelope, runtimeReceipts.receivedAt];

/** Records every run of the batch once by run id; acks each recorded message and retries the rest on their own. */
export async function recordRuns(batch: MessageBatch<unknown>, env: StandinEnv, options: RecorderOptions = {}): Promise<void> {
  const now = options.now ?? Date.now;
  const db = createDb(env.RECEIPTS);
  const recorded = new Map<string, number>();
  const { done, failed } = await settleTogetherOrAlone(
    batch.messages,
    async (messages) => {
      const runs = messages.map((m) => v.parse(RunMessageSchema, m.body));
      const receivedAt = new Date(now()).toISOString();
      const row = (run: RunMessage, envelope: string) => ({ runId: run.run_id, workflowId: run.workflow_id, eventId: run.event_id, envelope, receivedAt });
      const inline = runs.flatMap((run) => (run.envelope_json === undefined ? [] : [[run.run_id, run.workflow_id, run.event_id, run.envelope_json, receivedAt]]));
      if (inline.length > 0) await env.RECEIPTS.batch(insertJsonRows(env.RECEIPTS, runtimeReceipts, RECEIPT_COLUMNS, inline, 'ON CONFLICT DO NOTHING'));
      // Claim-checked envelopes are large: one at a time, so memory holds one of them, not a batch.
      for (const run of runs.filter((r) => r.envelope_json === undefined)) {
        await db.insert(runtimeReceipts).values(row(run, await envelopeJsonOf(env.PAYLOADS, run))).onConflictDoNothing();
      }
      for (const run of runs) recorded.set(run.event_id, (recorded.get(run.event_id) ?? 0) + 1);
    },
    (error) => console.error('recording the whole batch of runs failed; recording each alone', safeErrorText(error)),
  );
  for (const message of done) message.ack();
  if (recorded.size > 0) options.metrics?.({ runs: done.length, byEvent: recorded });
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
