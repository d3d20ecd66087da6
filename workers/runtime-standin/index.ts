/**
 * The stand-in workflow runtime, dev and tests only: it consumes every runs shard
 * (`hasp-runs-{i}`, shared/queue/shards.ts) and records each run (./run-recorder.ts) so
 * `npm run dev` and the tests can read runs back. Production deploys only workers/hasp; its
 * workflow runtime consumes every runs shard there.
 */
import { DataKeyCache } from '../../shared/secrets/data-keys';
import { recordRuns, type StandinEnv } from './run-recorder';

// Project data keys, unwrapped once per isolate (they never change for a project).
const dataKeys = new DataKeyCache();

export default {
  // Awaited, never left to ctx.waitUntil: a run not recorded must reach its retries.
  async queue(batch, env) {
    await recordRuns(batch, env, { dataKeys });
  },
} satisfies ExportedHandler<StandinEnv, unknown>;
