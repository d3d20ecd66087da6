/**
 * The deployable Worker: wiring only. Org hosts reach the ingress, the api host the control API;
 * the queue handler fans events out and, locally, stands in for the workflow runtime that consumes
 * the runs queue.
 */
import { createControlApp } from '../../shared/control/app';
import { consumeBatch } from '../../shared/fanout/consumer';
import { RUNS_QUEUE } from '../../shared/fanout/queues';
import { classifyHost, requestHost } from '../../shared/ingress/host';
import { createIngressApp, webhookNotFound } from '../../shared/ingress/app';
import { RejectionLog } from '../../shared/ingress/rejection-log';
import { WebhookResolver } from '../../shared/ingress/webhook-resolver';
import { countingD1, newStatementCounter } from '../../shared/instrument/counting-d1';
import { recordRuns } from '../../shared/runtime/run-recorder';
import { masterKeyFor } from '../../shared/secrets/master-key';

// The isolate's config cache: keyed by org id and slug, freshness bounded by CONFIG_TTL_SECONDS.
const resolver = new WebhookResolver();
const ingress = createIngressApp({ resolver, rejections: new RejectionLog(), masterKey: masterKeyFor });
const control = createControlApp({ resolver, masterKey: masterKeyFor });

/**
 * Bench mode: the response says how many D1 statements its request awaited, and how many it
 * started for waitUntil (those already begun when the response leaves).
 */
async function fetchCountingD1(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  const counter = newStatementCounter();
  let response = await route(request, { ...env, DB: countingD1(env.DB, counter) }, ctx);
  // The app's responses have mutable headers; copying the response costs the bench's service a
  // share of its throughput that production never pays.
  try {
    response.headers.set('x-hasp-d1-statements', String(counter.statements));
  } catch {
    response = new Response(response.body, response);
    response.headers.set('x-hasp-d1-statements', String(counter.statements));
  }
  response.headers.set('x-hasp-d1-background-statements', String(counter.background));
  return response;
}

function route(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> | Response {
  const target = classifyHost(requestHost(request), {
    runtimeDomain: env.RUNTIME_DOMAIN,
    localSuffix: env.LOCAL_HOST_SUFFIX,
  });
  if (target.kind === 'control') return control.fetch(request, env, ctx);
  if (target.kind === 'unknown') return webhookNotFound();
  return ingress.fetch(request, env, ctx);
}

export default {
  async fetch(request, env, ctx) {
    return env.INSTRUMENT_D1 === 'true' ? fetchCountingD1(request, env, ctx) : route(request, env, ctx);
  },
  // Both consumers await their work; neither defers it to ctx.waitUntil.
  async queue(batch, env, _ctx) {
    if (batch.queue === RUNS_QUEUE) await recordRuns(batch, env);
    else await consumeBatch(batch, env);
  },
} satisfies ExportedHandler<Env, unknown>;
