/**
 * The ingress on org hosts: `POST /webhooks/{slug}`. Checks run in the contract's order and the
 * first that fails answers; nothing is enqueued unless every check passed.
 */
import { Hono } from 'hono';
import { createDb, type Db } from '../db/client';
import { failedPaths } from '../health/failed-paths';
import type { FailedPath } from '../health/types';
import { eventIdFor } from '../ids';
import { PROBLEMS, onProblem, problemResponse, type ProblemCode } from '../http/problem';
import type { AuthFailure, InboundRequest } from '../signatures/types';
import { admitContent, refusalExtensions, type ContentRefusal } from './admit-content';
import { requestHost } from './host';
import type { KeptRequestBatches } from './kept-request-batches';
import { newRequestId } from './kept-requests';
import { countRequest } from './rate-limit';
import { readBodyWithin } from '../http/read-body';
import { logRefusal, refusalLinesOn } from '../observability/log-lines';
import type { RejectionLog } from './rejection-log';
import type { Background } from './ttl-cache';
import type { WebhookResolver } from './webhook-resolver';

export interface IngressDeps {
  resolver: WebhookResolver;
  rejections: RejectionLog;
  keptRequests: KeptRequestBatches;
  masterKey: (env: Env) => Promise<CryptoKey>;
  now?: () => number;
  /**
   * Runs work the response does not wait for (a stale config's refresh, a rejection flush).
   * Default: `ctx.waitUntil(work())`. `npm run bench` injects one that tags the work, so its D1
   * counter can tell those statements from the hot path's.
   */
  background?: (ctx: Pick<ExecutionContext, 'waitUntil'>, work: () => Promise<unknown>) => void;
}

const waitUntil: NonNullable<IngressDeps['background']> = (ctx, work) => ctx.waitUntil(work());

const NOT_FOUND_DETAIL = 'No webhook at this URL. Check the org host and the webhook slug.';

/** Unknown host, unknown slug and disabled webhook answer alike, so nothing can be probed. */
export function webhookNotFound(): Response {
  return problemResponse('not-found', NOT_FOUND_DETAIL);
}

/** How stale a cached webhook config may be served; README states the bound. */
export function configTtlMs(env: Pick<Env, 'CONFIG_TTL_SECONDS'>): number {
  const seconds = Number(env.CONFIG_TTL_SECONDS);
  return (Number.isFinite(seconds) && seconds >= 0 ? seconds : 10) * 1000;
}

export function createIngressApp(deps: IngressDeps) {
  const now = deps.now ?? Date.now;
  const runAfterResponse = deps.background ?? waitUntil;
  const app = new Hono<{ Bindings: Env }>();

  app.all('/webhooks/:slug', async (c) => {
    const env = c.env;
    const host = requestHost(c.req.raw);
    let client: Db | undefined;
    const db = () => (client ??= createDb(env.DB));
    const background: Background = (work) => runAfterResponse(c.executionCtx, work);
    const webhook = await deps.resolver.resolve(
      host,
      c.req.param('slug'),
      { runtimeDomain: env.RUNTIME_DOMAIN, localSuffix: env.LOCAL_HOST_SUFFIX },
      {
        db,
        masterKey: () => deps.masterKey(env),
        now: now(),
        ttlMs: configTtlMs(env),
        background,
      },
    );
    if (webhook === null || !webhook.enabled) return webhookNotFound();
    /** Answers a refusal of this known webhook, leaves a trace the control API can show, and logs one line. */
    const logsRefusals = refusalLinesOn(env);
    const refuse = (code: ProblemCode, detail: string, extensions: Record<string, unknown> = {}, headers: Record<string, string> = {}, requestId?: string, paths?: readonly FailedPath[]) => {
      deps.rejections.record(
        {
          webhookId: webhook.id,
          projectId: webhook.projectId,
          reason: code,
          httpStatus: PROBLEMS[code].status,
          detail,
          metadataRetentionDays: webhook.metadataRetentionDays,
          requestId,
          paths,
        },
        now(),
        env,
        background,
      );
      if (logsRefusals) logRefusal({ cause: code, webhookId: webhook.id, requestId, status: PROBLEMS[code].status });
      return problemResponse(code, detail, extensions, headers);
    };

    // Before the method and the body: a request from outside the allowlist costs no read at all.
    if (webhook.ipAllowlist !== null) {
      const client = c.req.header('cf-connecting-ip') ?? null;
      if (!webhook.ipAllowlist.allows(client)) {
        return refuse('ip-not-allowed', `Requests from ${client ?? 'an unknown address'} are not allowed by this webhook's IP allowlist.`);
      }
    }

    const method = c.req.method;
    const allowed = ['POST', ...webhook.verifier.extraMethods];
    if (!allowed.includes(method)) {
      return refuse('method-not-allowed', `Send webhook events with ${allowed.join(' or ')}.`, {}, { allow: allowed.join(', ') });
    }

    const body = method === 'POST' ? await readBodyWithin(c.req.raw, webhook.bodyLimitBytes) : new Uint8Array(0);
    if (body === 'too-large') {
      return refuse('payload-too-large', `This webhook accepts bodies up to ${webhook.bodyLimitBytes} bytes.`, {
        limit_bytes: webhook.bodyLimitBytes,
      });
    }
    if (body === 'aborted') {
      return refuse('request-aborted', 'The connection closed before the whole body arrived; nothing was accepted. Send the event again.');
    }

    // request.url is the URL the sender called (Cloudflare, and `wrangler dev` without routes, keep
    // the Host); URL-bound schemes (Twilio, Square, HubSpot) sign it.
    const inbound: InboundRequest = { method, url: new URL(c.req.url), headers: c.req.raw.headers, body };
    const auth = await webhook.verifier.verify(inbound, now());
    if (!auth.ok) return refuse(authProblemCode(auth), auth.detail);

    // After authentication, so only the real sender's requests spend its quota: a forger's flood
    // is refused with 401 above and counts for nothing here.
    if (webhook.rateLimit !== null) {
      const counted = await countRequest(env, webhook.rateLimit, webhook.id);
      if (!counted.ok) {
        const { requests, periodSeconds } = webhook.rateLimit;
        return refuse(
          'rate-limited',
          `This webhook accepts at most ${requests} requests per ${periodSeconds} s. Send again after ${counted.retryAfterSeconds} s; nothing was accepted.`,
          { rate_limit: { requests, period_seconds: periodSeconds } },
          { 'retry-after': String(counted.retryAfterSeconds) },
        );
      }
    }

    if (method !== 'POST') {
      const reply = await webhook.verifier.handshake(inbound, null);
      return reply ? new Response(reply.body, { status: reply.status, headers: { 'content-type': reply.contentType } }) : webhookNotFound();
    }

    const deliveryIdOf = (parsedPayload: { value: unknown } | null): string | null =>
      auth.deliveryId ?? (parsedPayload === null ? null : webhook.verifier.deliveryIdFromPayload(parsedPayload.value)) ?? c.req.header('idempotency-key') ?? null;
    /**
     * A content refusal of an authenticated request: the request is kept sealed for replay after a
     * fix (./kept-requests.ts), sealed and written in a batch after the response.
     */
    const refuseKept = (refusal: ContentRefusal) => {
      const requestId = newRequestId();
      const kept = {
        id: requestId,
        webhookId: webhook.id,
        projectId: webhook.projectId,
        payloadRetentionDays: webhook.payloadRetentionDays,
        metadataRetentionDays: webhook.metadataRetentionDays,
        reason: refusal.reason,
        httpStatus: PROBLEMS[refusal.reason].status,
        detail: refusal.detail,
        errors: refusal.errors,
        contentType: c.req.header('content-type') ?? null,
        deliveryId: deliveryIdOf(refusal.parsed),
        receivedAt: now(),
        body,
      };
      deps.keptRequests.keep(env, kept, webhook.dataKey, background);
      // Sender health learns where payloads fail and what type was sent there, never the value.
      const paths = refusal.errors === null || refusal.parsed === null ? undefined : failedPaths(refusal.parsed.value, refusal.errors);
      return refuse(refusal.reason, refusal.detail, refusalExtensions(refusal), {}, requestId, paths);
    };

    const admission = await admitContent(env, webhook, {
      contentType: c.req.header('content-type') ?? null,
      body,
      receivedAt: new Date(now()).toISOString(),
      identify: async (payload) => {
        const deliveryId = deliveryIdOf({ value: payload });
        return { deliveryId, eventId: await eventIdFor(webhook.id, deliveryId) };
      },
      handshake: (payload) => webhook.verifier.handshake(inbound, payload),
      sending: 'The event',
    });
    switch (admission.outcome) {
      case 'refused':
        return refuseKept(admission);
      case 'handshake':
        return new Response(admission.reply.body, { status: admission.reply.status, headers: { 'content-type': admission.reply.contentType } });
      case 'accepted':
        return c.json({ event_id: admission.eventId, status: 'accepted' }, 202);
    }
  });

  app.notFound(() => webhookNotFound());
  app.onError(onProblem);
  return app;
}

/** Each failure reason is a problem code; a reason added without one fails to compile here. */
function authProblemCode(failure: AuthFailure): ProblemCode {
  return failure.reason;
}
