/**
 * The stand-in runtime of `npm run bench`'s counted copy: workers/runtime-standin's recorder with a
 * metrics sink, so each batch logs a `hasp-runtime-metric` line (runs recorded, by event when few).
 * bench/run.mjs reads them to know when an event's runs reached the runtime, and when a backlog
 * has drained. Runs from a config generated from workers/runtime-standin/wrangler.toml.
 */
import { DataKeyCache } from '../../shared/secrets/data-keys';
import { recordRuns, type StandinEnv } from '../../workers/runtime-standin/run-recorder';
import { logRuntimeMetric } from '../instrument/bench-metric';

const dataKeys = new DataKeyCache();

export default {
  async queue(batch, env) {
    await recordRuns(batch, env, { metrics: logRuntimeMetric, dataKeys });
  },
} satisfies ExportedHandler<StandinEnv, unknown>;
