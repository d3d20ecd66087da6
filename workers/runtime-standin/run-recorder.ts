/**
 * The stand-in workflow runtime: the consumer of every runs shard in dev and tests. It records each
 * run it receives once, by run id, which is what the fan-out hands over and what tests read back.
 * A real runtime takes the same messages and must be as idempotent: Queues deliver at least once.
 *
 * What it keeps holds the payload, so it is kept as the service keeps payloads: an inline envelope
 * sealed under the run's project data key (AAD `envelopeAad(run_id)`). A claim-checked envelope is
 * recorded by its R2 key, where production's runtime would read it: the object is already sealed
 * (AAD `objectAad(key)`), and an envelope of a 1 MiB payload, sealed, is past what a D1 value holds.
 * Either way the receipt holds the envelope JSON as the run message carried it (the payload once);
 * a reader expands it with parseRunEnvelope (shared/queue/run-envelope.ts).
 */
import * as v from 'valibot';
import { insertJsonRows } from '../../shared/db/json-rows';
import { settleTogetherOrAlone } from '../../shared/fanout/settle';
import { safeErrorText } from '../../shared/http/safe-error';
import { backoffSeconds } from '../../shared/queue/backoff';
import { RunMessageSchema, type RunMessage } from '../../shared/queue/run-message';
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

const RECEIPT_COLUMNS = [
  runtimeReceipts.runId,
  runtimeReceipts.workflowId,
  runtimeReceipts.eventId,
  runtimeReceipts.envelope,
  runtimeReceipts.envelopeKey,
  runtimeReceipts.receivedAt,
];

/** Records every run of the batch once by run id; acks each recorded message and retries the rest on their own. */
export async function recordRuns(batch: MessageBatch<unknown>, env: StandinEnv, options: RecorderOptions = {}): Promise<void> {
  const now = options.now ?? Date.now;
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
      const rows = await Promise.all(
        runs.map(async (run) => {
          const [envelope, envelopeKey] = await sealedOrReferenced(env.PAYLOADS, keyOf(run), run);
          return [run.run_id, run.workflow_id, run.event_id, envelope, envelopeKey, receivedAt];
        }),
      );
      await env.RECEIPTS.batch(insertJsonRows(env.RECEIPTS, runtimeReceipts, RECEIPT_COLUMNS, rows, 'ON CONFLICT DO NOTHING'));
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

/** A receipt's `[envelope, envelope_key]`: the inline envelope sealed, or the claim-checked one's key. */
async function sealedOrReferenced(bucket: R2Bucket, dataKey: CryptoKey, run: RunMessage): Promise<[string, null] | [null, string]> {
  if (run.envelope_json !== undefined) return [await sealText(dataKey, run.envelope_json, envelopeAad(run.run_id)), null];
  if (run.envelope_key === undefined) throw new Error(`run ${run.run_id} carries no envelope`);
  // A receipt says the run could be read: a key whose object is not there yet is retried, not recorded.
  if ((await bucket.head(run.envelope_key)) === null) throw new Error(`claim-checked envelope of ${run.run_id} is missing`);
  return [null, run.envelope_key];
}
