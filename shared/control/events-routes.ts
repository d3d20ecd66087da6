/**
 * `/v1/events`: accepted events with their runs, and refused requests with their reason, read from
 * the caller's project log (one Durable Object per project, so another project's events are not
 * merely filtered out: they are in another object), newest first, keyset-paginated.
 *
 * Shape: every list item has `kind`. `kind: "event"` items are accepted requests (`status`
 * accepted | dispatched | dead) with `runs` and `payload_state` (kept | expunged | expired; once
 * the payload is gone, `payload` names why). A refused request never became an event (nothing was
 * enqueued), so `status=rejected` lists `kind: "rejection"` items instead: the ingress aggregates
 * refusals per (webhook, reason) and writes one row per flush with `count`, `first_at`, `last_at`,
 * the problem code as `reason`, its `http_status`, the last `detail` and `request_id` (the last
 * request among them kept for replay, `GET /v1/rejections/{id}`, or null). Without `status`, the
 * list holds events only.
 *
 * Payloads are PHI: the log keeps them sealed under the project's data key, and they are opened
 * here only for `GET /v1/events/{id}?include=payload` (after the read is in the audit log) and for
 * a replay of an inline payload (which travels on the queue, as a new event's does).
 */
import type { Context } from 'hono';
import { createFactory } from 'hono/factory';
import * as v from 'valibot';
import { webhooks } from '../db/schema';
import { projectLog } from '../eventlog/client';
import type { EventRecord, PayloadState, RejectionRecord } from '../eventlog/types';
import { ProblemError } from '../http/problem';
import { safeErrorText } from '../http/safe-error';
import { queueUnavailable, sendEvent } from '../queue/enqueue';
import { listeningWorkflows, prepareReplay, workflowsWithoutRun, type ReplayRefusal } from '../replay/replay-event';
import { getSealedObject } from '../queue/sealed-object';
import { openPayloadText, payloadAad } from '../secrets/payload-seal';
import { AUDIT_OK } from './audit-actions';

/** A payload read waits for its audit entry; the project's log is back within seconds when it restarts. */
const AUDIT_RETRY_AFTER_SECONDS = 5;
import { clockOf, pathParam, type ControlDeps, type ControlEnv } from './context';
import { WEBHOOK, ownedBy } from './owned';
import { PAGE_PARAMS, pageBody, readLogPage } from './pagination';
import { ControlRoutes } from './route-doc';
import { queryParams } from './validation';

export const EVENT_STATUSES = ['accepted', 'dispatched', 'dead', 'rejected'] as const;

export const ListEventsQuery = v.strictObject({
  webhook_id: v.optional(v.pipe(v.string(), v.startsWith('wh_', 'webhook_id must be a webhook id (wh_…)'))),
  status: v.optional(v.picklist(EVENT_STATUSES, `status must be one of: ${EVENT_STATUSES.join(', ')}`)),
  ...PAGE_PARAMS,
});

/** The longest window the stats cover: a week of hours. */
export const MAX_STATS_HOURS = 168;

export const EventStatsQuery = v.strictObject({
  webhook_id: v.optional(v.pipe(v.string(), v.startsWith('wh_', 'webhook_id must be a webhook id (wh_…)'))),
  hours: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,3}$/, `hours must be a whole number from 1 to ${MAX_STATS_HOURS}`),
      v.transform(Number),
      v.minValue(1, 'hours must be at least 1'),
      v.maxValue(MAX_STATS_HOURS, `hours must be at most ${MAX_STATS_HOURS}`),
    ),
  ),
});

export const GetEventQuery = v.strictObject({
  include: v.optional(v.picklist(['payload'], 'include must be "payload"')),
});

const factory = createFactory<ControlEnv>();
type EventContext = Context<ControlEnv>;

/** An event as `GET /v1/events/{id}` shows it (without the payload); the feed shows the same. */
export function eventView(e: EventRecord) {
  return {
    kind: 'event' as const,
    id: e.id,
    webhook_id: e.webhookId,
    status: e.status,
    received_at: e.receivedAt,
    delivery_id: e.deliveryId,
    error: e.error,
    payload_state: e.payloadState,
    // Once gone, the payload field says why; while kept, it appears only with include=payload.
    ...(e.payloadState === 'kept' ? {} : { payload: e.payloadState }),
    runs: e.runs,
  };
}

function rejectionView(r: RejectionRecord) {
  return {
    kind: 'rejection' as const,
    id: r.id,
    webhook_id: r.webhookId,
    status: 'rejected' as const,
    reason: r.reason,
    http_status: r.httpStatus,
    count: r.count,
    first_at: r.firstAt,
    last_at: r.lastAt,
    detail: r.detail,
    // The last request among those counted that was kept for replay (GET /v1/rejections/{id}).
    request_id: r.requestId ?? null,
  };
}

function callerLog(c: EventContext) {
  return projectLog(c.env, c.var.caller.projectId);
}

/** The caller's event named in the path, or the 404 an unknown id and another project's share. */
async function findEvent(c: EventContext): Promise<EventRecord> {
  const event = await callerLog(c).getEvent(pathParam(c, 'id'));
  if (event === null) throw new ProblemError('not-found', 'No event with this id in your project.');
  return event;
}

/** Why a payload that is gone cannot be had: for a replay's 409 and a read that raced a deletion. */
function payloadGone(state: Exclude<PayloadState, 'kept'>, consequence: string): ProblemError {
  switch (state) {
    case 'expunged':
      return new ProblemError('conflict', `The payload of this event was expunged; ${consequence}`, { payload_state: state });
    case 'expired':
      return new ProblemError('conflict', `The payload of this event expired under the webhook's payload_retention_days; ${consequence}`, { payload_state: state });
  }
}

/** The 409 of an event that cannot be replayed, saying why. */
function replayRefused(refusal: ReplayRefusal): ProblemError {
  switch (refusal) {
    case 'webhook-deleted':
      return new ProblemError('conflict', 'The webhook of this event was deleted; the event cannot be replayed.');
    case 'payload-expunged':
      return payloadGone('expunged', 'it cannot be replayed.');
    case 'payload-expired':
      return payloadGone('expired', 'it cannot be replayed.');
  }
}

/** The payload JSON text, opened in memory; the R2 object is sealed too, bound to its key. */
async function openPayload(c: EventContext, event: EventRecord): Promise<string> {
  const dataKey = await c.var.dataKey();
  if (event.sealedPayload !== null) return openPayloadText(dataKey, event.sealedPayload, payloadAad(event.id));
  if (event.payloadKey === null) throw new Error(`event ${event.id} is kept with neither a sealed payload nor a payload key`);
  const read = await getSealedObject(c.env.PAYLOADS, dataKey, event.payloadKey);
  switch (read.found) {
    case 'text':
      return read.text;
    case 'missing':
      // Deletion removes the object before the row (retention.ts): this read fell in between.
      throw new ProblemError('conflict', 'The payload of this event is being deleted; it is no longer available.');
    case 'undecryptable':
      throw new Error(`the payload object of event ${event.id} does not open with its project's data key`);
  }
}

function listEvents() {
  return factory.createHandlers(queryParams(ListEventsQuery), async (c) => {
    const query = c.req.valid('query');
    const log = callerLog(c);
    if (query.status === 'rejected') {
      const page = await readLogPage(query, (after, limit) => log.listRejections({ webhookId: query.webhook_id, after, limit }));
      return c.json(pageBody(page, rejectionView));
    }
    const status = query.status;
    const page = await readLogPage(query, (after, limit) => log.listEvents({ webhookId: query.webhook_id, status, after, limit }));
    return c.json(pageBody(page, eventView));
  });
}

const HOUR_MS = 3_600_000;

interface HourCount {
  hour: string;
  accepted: number;
  refused: number;
  refused_by_reason: Record<string, number>;
}

/**
 * Counts per hour from the project's log. Accepted: events by when they were received (an event
 * counts once the fan-out has recorded it). Refused: the ingress's aggregated rows, each counted
 * whole in the hour of its `last_at` (a row spans at most a few seconds of one isolate's refusals).
 */
function eventStats(deps: ControlDeps) {
  return factory.createHandlers(queryParams(EventStatsQuery), async (c) => {
    const query = c.req.valid('query');
    const hours = query.hours ?? 24;
    const to = Math.floor(clockOf(deps)() / HOUR_MS) * HOUR_MS + HOUR_MS;
    const from = to - hours * HOUR_MS;
    const rows = await callerLog(c).stats({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), webhookId: query.webhook_id });

    const byHour = new Map<string, HourCount>();
    for (let at = from; at < to; at += HOUR_MS) {
      const hour = new Date(at).toISOString();
      byHour.set(hour.slice(0, 13), { hour, accepted: 0, refused: 0, refused_by_reason: {} });
    }
    const byWebhook: Record<string, { accepted: number; refused: number }> = {};
    const webhookTotals = (id: string) => (byWebhook[id] ??= { accepted: 0, refused: 0 });
    if (query.webhook_id !== undefined) webhookTotals(query.webhook_id);
    const totals = { accepted: 0, refused: 0 };
    for (const r of rows.accepted) {
      const hour = byHour.get(r.hour);
      if (hour === undefined) continue;
      hour.accepted += r.count;
      webhookTotals(r.webhookId).accepted += r.count;
      totals.accepted += r.count;
    }
    for (const r of rows.refused) {
      const hour = byHour.get(r.hour);
      if (hour === undefined) continue;
      hour.refused += r.count;
      hour.refused_by_reason[r.reason] = (hour.refused_by_reason[r.reason] ?? 0) + r.count;
      webhookTotals(r.webhookId).refused += r.count;
      totals.refused += r.count;
    }
    return c.json({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), hours: [...byHour.values()], totals, by_webhook: byWebhook });
  });
}

function getEvent() {
  return factory.createHandlers(queryParams(GetEventQuery), async (c) => {
    const event = await findEvent(c);
    const view = eventView(event);
    if (c.req.valid('query').include !== 'payload' || event.payloadState !== 'kept') return c.json(view);
    const payload: unknown = JSON.parse(await openPayload(c, event));
    // The read is recorded before the payload leaves: a read the log cannot record is refused.
    try {
      await c.var.audit.record('event.payload.read', event.id, AUDIT_OK);
    } catch (err) {
      console.error('payload read not audited', event.id, safeErrorText(err));
      throw new ProblemError('audit-unavailable', 'The read of this payload could not be recorded in the audit log, so the payload is not returned. Retry in a few seconds.', {}, { 'retry-after': String(AUDIT_RETRY_AFTER_SECONDS) });
    }
    return c.json({ ...view, payload });
  });
}

function expungePayload(deps: ControlDeps) {
  return factory.createHandlers(async (c) => {
    const id = pathParam(c, 'id');
    const log = callerLog(c);
    const result = await log.expungePayload(id, new Date(clockOf(deps)()).toISOString());
    switch (result.outcome) {
      case 'not-found':
        throw new ProblemError('not-found', 'No event with this id in your project.');
      case 'expunged':
      case 'already-gone':
        break;
    }
    return c.json(eventView(await findEvent(c)));
  });
}

function replayEvent(deps: ControlDeps) {
  return factory.createHandlers(async (c) => {
    const { db, caller } = c.var;
    const event = await findEvent(c);
    const webhook = await db.select({ slug: webhooks.slug }).from(webhooks).where(ownedBy(WEBHOOK, caller, event.webhookId)).get();
    // The same rule as a bulk replay job's (shared/replay/replay-event.ts).
    const prepared = await prepareReplay(event, webhook?.slug, caller, await c.var.dataKey());
    if (!prepared.ok) throw replayRefused(prepared.refusal);

    // Only for the response: fan-out itself skips every workflow that already has a run.
    const pending = workflowsWithoutRun(event, (await listeningWorkflows(db, [event.webhookId])).get(event.webhookId) ?? []);

    try {
      await sendEvent(c.env, prepared.message.fields, prepared.message.payload);
    } catch (err) {
      console.error('replay enqueue failed', event.id, safeErrorText(err));
      throw queueUnavailable('The replay');
    }
    return c.json({ event_id: event.id, status: 'queued', requested_at: new Date(clockOf(deps)()).toISOString(), workflows: pending }, 202);
  });
}

export function eventsRoutes(deps: ControlDeps): ControlRoutes {
  return new ControlRoutes()
    .route(
      { method: 'get', path: '/v1/events', summary: 'Events with their runs (or, with status=rejected, refused requests with their reason), newest first', query: ListEventsQuery, responses: { 200: '`{ data, has_more, next_cursor }`', 400: 'Invalid query' } },
      ...listEvents(),
    )
    // Before /:id, which would take `stats` for an event id.
    .route(
      { method: 'get', path: '/v1/events/stats', summary: 'Accepted events and refused requests per hour (the last `hours`, default 24, the current hour included, every hour present), with refusals by reason and totals by webhook', query: EventStatsQuery, responses: { 200: '`{ from, to, hours: [{ hour, accepted, refused, refused_by_reason }], totals: { accepted, refused }, by_webhook: { wh_…: { accepted, refused } } }`', 400: 'Invalid query' } },
      ...eventStats(deps),
    )
    .route(
      { method: 'get', path: '/v1/events/:id', summary: 'An event with its runs and `payload_state`; with include=payload, the decrypted payload (every such read is in the audit log)', query: GetEventQuery, responses: { 200: 'The event', 400: 'Invalid query', 404: 'No such event in this project', 409: 'The payload is being deleted', 503: 'The read could not be audited, so the payload was not returned; retry' } },
      ...getEvent(),
    )
    .route(
      { method: 'delete', path: '/v1/events/:id/payload', summary: 'Expunge the payload wherever it is kept (the log and R2); the event’s metadata and runs stay. Idempotent', responses: { 200: 'The event, `payload: "expunged"` (or `"expired"` when retention had already deleted it)', 404: 'No such event in this project' }, audit: { action: 'event.payload.expunge', resource: { param: 'id' } } },
      ...expungePayload(deps),
    )
    .route(
      { method: 'post', path: '/v1/events/:id/replay', summary: 'Fan the event out again to workflows that have no run for it', responses: { 202: 'Queued; `workflows` lists those without a run yet', 404: 'No such event in this project', 409: 'The webhook is gone, or the payload was expunged or expired', 503: 'The queue refused the message; retry' }, audit: { action: 'event.replay', resource: { param: 'id' } } },
      ...replayEvent(deps),
    );
}
