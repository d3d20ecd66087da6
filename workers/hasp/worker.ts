/**
 * The hasp Worker's handlers, built once per isolate: org hosts reach the ingress, the api host the
 * control API, the console host the console, every events shard (and its dead letters) the fan-out consumer, and the replays queue
 * the bulk replay jobs (shared/replay). `index.ts` deploys
 * it with no seams; `npm run bench` builds its counted copy from the same function
 * (bench/service/counted.ts), so both run the same routing and the same apps.
 */
import { createConsoleApp } from '../../shared/console/app';
import { createControlApp } from '../../shared/control/app';
import { AuthFailures } from '../../shared/control/auth-failures';
import { createDb } from '../../shared/db/client';
import { checkDomains } from '../../shared/domains/checks';
import { configuredDomains } from '../../shared/domains/provisioning';
import { consumeBatch, type ConsumerOptions } from '../../shared/fanout/consumer';
import { withNosniff } from '../../shared/http/nosniff';
import { REPLAYS_QUEUE } from '../../shared/queue/names';
import { NOTIFICATIONS_QUEUE } from '../../shared/notify/message';
import { consumeNotificationBatch } from '../../shared/notify/consumer';
import { tickSenderHealth } from '../../shared/health/watch';
import { consumeReplayBatch } from '../../shared/replay/consumer';
import { createIngressApp, webhookNotFound, type IngressDeps } from '../../shared/ingress/app';
import { classifyHost, requestHost } from '../../shared/ingress/host';
import { KeptRequestBatches } from '../../shared/ingress/kept-request-batches';
import { RejectionLog } from '../../shared/ingress/rejection-log';
import { WebhookResolver } from '../../shared/ingress/webhook-resolver';
import { DataKeyCache } from '../../shared/secrets/data-keys';
import { masterKeyFor } from '../../shared/secrets/master-key';

export interface HaspSeams {
  /** How the ingress runs work after its response (default: `ctx.waitUntil`). */
  background?: IngressDeps['background'];
  /** Options for each consumer batch, made per batch (default: none). */
  consumer?: () => ConsumerOptions;
  /** The ingress's clock (default: Date.now): the scale model moves it, with the consumer's. */
  now?: () => number;
}

export interface HaspWorker {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response>;
  queue(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext): Promise<void>;
  scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void>;
}

export function createHaspWorker(seams: HaspSeams = {}): HaspWorker {
  // The isolate's config cache: keyed by org id and slug, freshness bounded by CONFIG_TTL_SECONDS.
  const resolver = new WebhookResolver();
  const ingress = createIngressApp({
    resolver,
    rejections: new RejectionLog(),
    keptRequests: new KeptRequestBatches(),
    masterKey: masterKeyFor,
    background: seams.background,
    now: seams.now,
  });
  // Wrong tokens counted per client, at the API and the console's sign-in alike: one guesser, one count.
  const authFailures = new AuthFailures();
  const control = createControlApp({ resolver, masterKey: masterKeyFor, ingress, authFailures });
  // The console's pages call this same control app in-process: one copy of every API rule.
  const consoleApp = createConsoleApp({ control, authFailures });
  // The consumer's project data keys: unwrapped once per isolate, so a warm batch reads none from D1.
  const dataKeys = new DataKeyCache();

  function route(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> | Response {
    const target = classifyHost(requestHost(request), {
      runtimeDomain: env.RUNTIME_DOMAIN,
      localSuffix: env.LOCAL_HOST_SUFFIX,
    });
    if (target.kind === 'control') return control.fetch(request, env, ctx);
    if (target.kind === 'console') return consoleApp.fetch(request, env, ctx);
    if (target.kind === 'unknown') return webhookNotFound();
    return ingress.fetch(request, env, ctx);
  }

  return {
    async fetch(request, env, ctx) {
      return withNosniff(await route(request, env, ctx));
    },
    // The consumer awaits its work; it never defers it to ctx.waitUntil, so failures reach retries.
    async queue(batch, env) {
      if (batch.queue === REPLAYS_QUEUE) {
        await consumeReplayBatch(batch, env, { dataKeys });
        return;
      }
      if (batch.queue === NOTIFICATIONS_QUEUE) {
        await consumeNotificationBatch(batch, env, { dataKeys });
        return;
      }
      // Every other queue bound to this Worker is an events shard or a shard's dead letters.
      await consumeBatch(batch, env, { dataKeys, ...seams.consumer?.() });
    },
    // The cron (wrangler.toml [triggers]): sender health's clock (quiet issues resolve, silence is
    // noticed), then custom hostnames due a check at Cloudflare.
    async scheduled(controller, env) {
      await tickSenderHealth(env, createDb(env.DB), controller.scheduledTime);
      const domains = configuredDomains(env, createDb(env.DB), seams.now ?? Date.now);
      if (domains === null) return;
      const run = await checkDomains(domains);
      if (run.stopped !== null) console.warn(JSON.stringify({ message: 'custom hostname checks stopped early', reason: run.stopped, checked: run.checked, released: run.released }));
    },
  };
}
