/**
 * `/v1/rejections`: refused requests kept for replay. A request that passed authentication but
 * failed content type, parse or schema is kept sealed in the project's log for
 * min(payload_retention_days, 3) days (shared/ingress/kept-requests.ts); a request that failed
 * authentication is never kept. Once the schema is fixed, `POST /v1/rejections/{id}/replay` runs
 * the ingress's own content admission again (shared/ingress/admit-content.ts) against the webhook's
 * schema as stored now (compiled as the ingress compiles it), and enqueues the request as the event
 * it would have been: same event id, same delivery id, same received time.
 *
 * The aggregated refusal counts (every refusal, kept or not) stay at `GET /v1/events?status=rejected`.
 */
import type { Context } from 'hono';
import { createFactory } from 'hono/factory';
import * as v from 'valibot';
import { webhooks } from '../db/schema';
import { projectLog } from '../eventlog/client';
import type { KeptRequestRecord, PayloadState } from '../eventlog/types';
import { ProblemError } from '../http/problem';
import { asPrefixedId } from '../ids';
import { admitContent, refusalExtensions } from '../ingress/admit-content';
import { KEPT_REASONS, openKeptBody } from '../ingress/kept-requests';
import { loadWebhookRuntime, type WebhookRuntime } from '../ingress/webhook-config';
import { clockOf, pathParam, type ControlDeps, type ControlEnv } from './context';
import { WEBHOOK, ownedBy } from './owned';
import { PAGE_PARAMS, pageBody, readLogPage } from './pagination';
import { ControlRoutes } from './route-doc';
import { queryParams } from './validation';

export const ListRejectionsQuery = v.strictObject({
  webhook_id: v.optional(v.pipe(v.string(), v.startsWith('wh_', 'webhook_id must be a webhook id (wh_…)'))),
  reason: v.optional(v.picklist(KEPT_REASONS, `reason must be one of: ${KEPT_REASONS.join(', ')}`)),
  ...PAGE_PARAMS,
});

const factory = createFactory<ControlEnv>();
export type RejectionContext = Context<ControlEnv>;

/** Where the body stands now: one past its expiry is gone even before retention's pass deletes it. */
function stateAt(kept: KeptRequestRecord, now: number): PayloadState {
  return kept.payloadState === 'kept' && kept.bodyExpiresAt <= now ? 'expired' : kept.payloadState;
}

export function keptRequestView(kept: KeptRequestRecord, now: number) {
  const state = stateAt(kept, now);
  return {
    id: kept.id,
    webhook_id: kept.webhookId,
    reason: kept.reason,
    http_status: kept.httpStatus,
    detail: kept.detail,
    ...(kept.errors === null ? {} : { errors: kept.errors }),
    received_at: kept.receivedAt,
    delivery_id: kept.deliveryId,
    event_id: kept.eventId,
    payload_state: state,
    replayable_until: state === 'kept' ? new Date(kept.bodyExpiresAt).toISOString() : null,
    replayed: kept.replayedAt === null ? null : { at: kept.replayedAt, event_id: kept.eventId },
  };
}

function callerLog(c: RejectionContext) {
  return projectLog(c.env, c.var.caller.projectId);
}

const MISSING = 'No kept refused request with this id in your project.';

async function findKept(c: RejectionContext): Promise<KeptRequestRecord> {
  const kept = await callerLog(c).getRequest(pathParam(c, 'id'));
  if (kept === null) throw new ProblemError('not-found', MISSING);
  return kept;
}

function bodyGone(state: Exclude<PayloadState, 'kept'>): ProblemError {
  switch (state) {
    case 'expired':
      return new ProblemError('conflict', 'The body of this refused request is no longer kept (kept for min(payload_retention_days, 3) days); it cannot be replayed. Ask the sender to send it again.', { payload_state: state });
    case 'expunged':
      return new ProblemError('conflict', 'The body of this refused request was expunged; it cannot be replayed. Ask the sender to send it again.', { payload_state: state });
  }
}

/**
 * The webhook as it is stored now, compiled as the ingress compiles it (verifier, validator, data
 * key), or the 409 of a webhook deleted or disabled. Loaded from D1, not from this isolate's cache:
 * a replay right after a schema fix must see the fix, even where the cache would still serve the
 * old schema for up to CONFIG_TTL_SECONDS.
 */
export async function currentWebhook(c: RejectionContext, deps: ControlDeps, webhookId: string): Promise<WebhookRuntime> {
  const { db, caller } = c.var;
  const row = await db.select({ slug: webhooks.slug }).from(webhooks).where(ownedBy(WEBHOOK, caller, webhookId)).get();
  const runtime =
    row === undefined
      ? null
      : await loadWebhookRuntime(db, await deps.masterKey(c.env), { orgId: caller.orgId, orgSlug: caller.orgSlug, slugs: new Set([row.slug]) }, row.slug);
  if (runtime === null || runtime.id !== webhookId) throw new ProblemError('conflict', 'The webhook of this refused request was deleted; it cannot be replayed.');
  if (!runtime.enabled) throw new ProblemError('conflict', 'The webhook of this refused request is disabled; enable it, then replay.');
  return runtime;
}

function listRejections(deps: ControlDeps) {
  return factory.createHandlers(queryParams(ListRejectionsQuery), async (c) => {
    const query = c.req.valid('query');
    const log = callerLog(c);
    const page = await readLogPage(query, (after, limit) => log.listRequests({ webhookId: query.webhook_id, reason: query.reason, after, limit }));
    const now = clockOf(deps)();
    return c.json(pageBody(page, (kept) => keptRequestView(kept, now)));
  });
}

function getRejection(deps: ControlDeps) {
  return factory.createHandlers(async (c) => c.json(keptRequestView(await findKept(c), clockOf(deps)())));
}

/** What replaying one kept request did: the rule `POST /v1/rejections/{id}/replay` and an issue's "replay these" share. */
export type KeptReplay = { outcome: 'accepted' | 'already'; eventId: string } | { outcome: 'gone'; problem: ProblemError } | { outcome: 'refused'; problem: ProblemError };

/**
 * Runs the ingress's own content checks on a kept request against `webhook` as it is today and, if
 * they pass, enqueues it as the event it would have been (same event id and delivery id), then
 * marks it replayed. Marked after the queue took it: a failure leaves it unmarked, and a retry
 * sends the same event again.
 */
export async function replayKept(c: RejectionContext, kept: KeptRequestRecord, webhook: () => Promise<WebhookRuntime>, now: number): Promise<KeptReplay> {
  // Replayed already: the event is on its way (and the fan-out starts no run twice anyway).
  if (kept.replayedAt !== null) return { outcome: 'already', eventId: kept.eventId };
  const state = stateAt(kept, now);
  if (state !== 'kept') return { outcome: 'gone', problem: bodyGone(state) };
  const runtime = await webhook();
  const body = await openKeptBody(c.env.PAYLOADS, await c.var.dataKey(), kept);
  if (!body.found) return { outcome: 'gone', problem: bodyGone('expired') };
  const admission = await admitContent(c.env, runtime, {
    contentType: kept.contentType,
    body: body.body,
    receivedAt: kept.receivedAt,
    identify: async () => ({ eventId: asPrefixedId('evt', kept.eventId), deliveryId: kept.deliveryId }),
    sending: 'The replay',
  });
  if (admission.outcome === 'refused') return { outcome: 'refused', problem: new ProblemError(admission.reason, admission.detail, refusalExtensions(admission)) };
  await callerLog(c).markReplayed(kept.id, new Date(now).toISOString());
  return { outcome: 'accepted', eventId: kept.eventId };
}

function replayRejection(deps: ControlDeps) {
  return factory.createHandlers(async (c) => {
    const kept = await findKept(c);
    const result = await replayKept(c, kept, () => currentWebhook(c, deps, kept.webhookId), clockOf(deps)());
    switch (result.outcome) {
      case 'accepted':
      case 'already':
        return c.json({ event_id: result.eventId, status: 'accepted' as const }, 202);
      case 'gone':
      case 'refused':
        throw result.problem;
    }
  });
}

function expungeRejection(deps: ControlDeps) {
  return factory.createHandlers(async (c) => {
    const id = pathParam(c, 'id');
    const result = await callerLog(c).expungeRequest(id, new Date(clockOf(deps)()).toISOString());
    switch (result.outcome) {
      case 'not-found':
        throw new ProblemError('not-found', MISSING);
      case 'expunged':
      case 'already-gone':
        break;
    }
    return c.json(keptRequestView(await findKept(c), clockOf(deps)()));
  });
}

export function rejectionsRoutes(deps: ControlDeps): ControlRoutes {
  return new ControlRoutes()
    .route(
      { method: 'get', path: '/v1/rejections', summary: 'Refused requests kept for replay (authenticated; failed content type, parse or schema), newest first', query: ListRejectionsQuery, responses: { 200: '`{ data, has_more, next_cursor }`', 400: 'Invalid query' } },
      ...listRejections(deps),
    )
    .route(
      { method: 'get', path: '/v1/rejections/:id', summary: 'A kept refused request: reason, detail, schema errors, the event id a replay gives it, `payload_state` and `replayable_until`', responses: { 200: 'The kept request', 404: 'No such kept request in this project' } },
      ...getRejection(deps),
    )
    .route(
      { method: 'post', path: '/v1/rejections/:id/replay', summary: 'Run the content checks again with today’s schema and, if they pass, enqueue the request as the event it would have been (same event id and delivery id). Idempotent', responses: { 202: '`{ event_id, status: "accepted" }`', 400: 'Still refused: the problem the ingress would give now (e.g. `schema-mismatch` with `errors`)', 404: 'No such kept request in this project', 409: 'The kept body is gone (expired or expunged), or the webhook was deleted or is disabled', 503: 'The queue refused the message; retry' }, audit: { action: 'rejection.replay', resource: { param: 'id' } } },
      ...replayRejection(deps),
    )
    .route(
      { method: 'delete', path: '/v1/rejections/:id/payload', summary: 'Expunge the kept body at once (the log and R2); the row stays. Idempotent', responses: { 200: 'The kept request, `payload_state: "expunged"` (or `"expired"`)', 404: 'No such kept request in this project' }, audit: { action: 'rejection.payload.expunge', resource: { param: 'id' } } },
      ...expungeRejection(deps),
    );
}
