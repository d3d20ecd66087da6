/**
 * `npm run bench`'s counted copy of the hasp Worker: the same handlers as workers/hasp (built by the
 * same createHaspWorker), with the seams production leaves empty filled in. Each response says how
 * many D1 statements its request awaited (`x-hasp-d1-statements`) and how many it started for
 * waitUntil (`x-hasp-d1-background-statements`, those already begun when the response leaves);
 * each consumer batch logs a `hasp-fanout-metric` line with its D1 statements and round trips.
 * `POST /__bench/log-probe` times one project's log (bench/service/log-probe.ts).
 *
 * Driven in runs of its own, so what counting costs is never billed to the measured service.
 * bench/run.mjs runs it from a config generated from wrangler.toml (main swapped, nodejs_compat on
 * for AsyncLocalStorage); the tests import it to count D1 work (test/config-cache.test.ts).
 */
import { createHaspWorker } from '../../workers/hasp/worker';
import { fanOutMetricSink } from '../instrument/bench-metric';
import { countingD1, newStatementCounter, offResponsePath } from '../instrument/counting-d1';
import { LOG_PROBE_PATH, logProbe } from './log-probe';

export { LogIndex } from '../../shared/eventlog/index-partition';
export { ProjectLog } from '../../shared/eventlog/project-log';
export { LogSegment } from '../../shared/eventlog/segment';
export { SenderHealth } from '../../shared/health/sender-health';

const worker = createHaspWorker({
  background: (ctx, work) => ctx.waitUntil(offResponsePath(work)),
  consumer: () => {
    const counter = newStatementCounter();
    return { db: (binding) => countingD1(binding, counter), metrics: fanOutMetricSink(counter) };
  },
});

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (request.method === 'POST' && url.pathname === LOG_PROBE_PATH) return logProbe(env, url);
    const counter = newStatementCounter();
    let response = await worker.fetch(request, { ...env, DB: countingD1(env.DB, counter) }, ctx);
    // The app's responses have mutable headers; copying the response costs throughput the
    // uncounted service never pays, so it is done only when they are not.
    try {
      response.headers.set('x-hasp-d1-statements', String(counter.statements));
    } catch {
      response = new Response(response.body, response);
      response.headers.set('x-hasp-d1-statements', String(counter.statements));
    }
    response.headers.set('x-hasp-d1-background-statements', String(counter.background));
    return response;
  },
  queue: worker.queue,
} satisfies ExportedHandler<Env, unknown>;
