/**
 * The stand-in workflow runtime: the consumer of every runs shard in dev and tests. It records each
 * run it receives once, by run id, which is what the fan-out hands over and what tests read back.
 * A real runtime takes the same messages and must be as idempotent: Queues deliver at least once.
 *
 * What it keeps holds the payload, so it is kept as the service keeps payloads: the envelope sealed
 * under the run's project data key (AAD `envelopeAad(run_id)`); a claim-checked envelope is opened
 * in memory (AAD `objectAad(key)`) and sealed again for the receipt.
 */
import * as v from 'valibot';
import { createDb } from '../../shared/db/client';
import { insertJsonRows } from '../../shared/db/json-rows';
import { settleTogetherOrAlone } from '../../shared/fanout/settle';
import { safeErrorText } from '../../shared/http/safe-error';
import { backoffSeconds } from '../../shared/queue/backoff';
import { RunMessageSchema, type RunMessage } from '../../shared/queue/run-message';
import { getSealedObject } from '../../shared/queue/sealed-object';
import { DataKeyCache } from '../../shared/secrets/data-keys';
import { masterKeyFor } from '../../shared/secrets/master-key';
import { envelopeAad, sealText } from '../../shared/secrets/payload-seal';
import { runtimeReceipts } from './schema';

/** The stand-in's bindings (./wrangler.toml). */
export interface StandinEnv {
  /** Its own database: the receipts (./migrations). */
  RECEIPTS: D1Database;
  /** The service's bucket, where the fan-out claim-checks envelopes too large for a message. */
  PAYLOADS: R2Bucket;
  /** The service's catalogue, read only for the projects' wrapped data keys. */
  DB: D1Database;
  /** The service's master key (in dev, written beside ./wrangler.toml by scripts/dev.mjs). */
  MASTER_KEY: string;
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
  /** The isolate's project data keys (default: a cache for this batch alone). */
  dataKeys?: DataKeyCache;
  now?: () => number;
}

const RECEIPT_COLUMNS = [runtimeReceipts.runId, runtimeReceipts.workflowId, runtimeReceipts.eventId, runtimeReceipts.envelope, runtimeReceipts.receivedAt];

/** Records every run of the batch once by run id; acks each recorded message and retries the rest on their own. */
export async function recordRuns(batch: MessageBatch<unknown>, env: StandinEnv, options: RecorderOptions = {}): Promise<void> {
  const now = options.now ?? Date.now;
  const db = createDb(env.RECEIPTS);
  const keys = options.dataKeys ?? new DataKeyCache();
  const recorded = new Map<string, number>();
  const { done, failed } = await settleTogetherOrAlone(
    batch.messages,
    async (messages) => {
      const runs = messages.map((m) => v.parse(RunMessageSchema, m.body));
      const dataKeys = await keys.get(env.DB, await masterKeyFor(env), [...new Set(runs.map((r) => r.project_id))]);
      const keyOf = (run: RunMessage) => {
        const key = dataKeys.get(run.project_id);
        if (key === undefined) throw new Error(`project ${run.project_id} has no data key`);
        return key;
      };
      const receivedAt = new Date(now()).toISOString();
      const row = async (run: RunMessage, envelopeJson: string) =>
        [run.run_id, run.workflow_id, run.event_id, await sealText(keyOf(run), envelopeJson, envelopeAad(run.run_id)), receivedAt] as const;
      const inline = await Promise.all(runs.flatMap((run) => (run.envelope_json === undefined ? [] : [row(run, run.envelope_json)])));
      if (inline.length > 0) await env.RECEIPTS.batch(insertJsonRows(env.RECEIPTS, runtimeReceipts, RECEIPT_COLUMNS, inline, 'ON CONFLICT DO NOTHING'));
      // Claim-checked envelopes are large: one at a time, so memory holds one of them, not a batch.
      for (const run of runs.filter((r) => r.envelope_json === undefined)) {
        const [runId, workflowId, eventId, envelope] = await row(run, await claimCheckedEnvelope(env.PAYLOADS, keyOf(run), run));
        await db.insert(runtimeReceipts).values({ runId, workflowId, eventId, envelope, receivedAt }).onConflictDoNothing();
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

async function claimCheckedEnvelope(bucket: R2Bucket, dataKey: CryptoKey, run: RunMessage): Promise<string> {
  if (run.envelope_key === undefined) throw new Error(`run ${run.run_id} carries no envelope`);
  const read = await getSealedObject(bucket, dataKey, run.envelope_key);
  switch (read.found) {
    case 'text':
      return read.text;
    case 'missing':
      throw new Error(`claim-checked envelope of ${run.run_id} is missing`);
    case 'undecryptable':
      throw new Error(`claim-checked envelope of ${run.run_id} does not open with its project's data key`);
  }
}
