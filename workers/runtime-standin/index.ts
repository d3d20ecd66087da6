/**
 * The stand-in workflow runtime, dev and tests only: it consumes the runs queue and records each
 * run (./run-recorder.ts) so `npm run dev` and the tests can read runs back. Production deploys
 * only workers/hasp; its workflow runtime consumes the runs queue there.
 */
import { recordRuns, type StandinEnv } from './run-recorder';

export default {
  // Awaited, never left to ctx.waitUntil: a run not recorded must reach its retries.
  async queue(batch, env) {
    await recordRuns(batch, env);
  },
} satisfies ExportedHandler<StandinEnv, unknown>;
