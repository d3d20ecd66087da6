/**
 * `/v1/events`: accepted events with their runs, and refused requests with their reason, scoped to
 * the caller's project, newest first, keyset-paginated.
 *
 * Shape: every list item has `kind`. `kind: "event"` items are accepted requests (`status`
 * accepted | dispatched | dead) with `runs`. A refused request never became an event (nothing was
 * enqueued), so `status=rejected` lists `kind: "rejection"` items instead: the ingress aggregates
 * refusals per (webhook, reason) and writes one row per flush with `count`, `first_at`, `last_at`,
 * the problem code as `reason`, its `http_status` and the last `detail`. Without `status`, the list
 * holds events only.
 */
import { and, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import * as v from 'valibot';
import type { Db } from '../db/client';
import { inJsonArray } from '../db/json-rows';
import { events, rejections, runs, triggers, webhooks, workflows } from '../db/schema';
import { ProblemError } from '../http/problem';
import { safeErrorText } from '../http/safe-error';
import { queueUnavailable, sendEvent, type PayloadRef } from '../queue/enqueue';
import { clockOf, type ControlDeps, type ControlEnv } from './context';
import { EVENT, WEBHOOK, findOwned, ownedBy } from './owned';
import { PAGE_PARAMS, pageBody, readPage } from './pagination';
import type { RouteDoc } from './route-doc';
import { queryParams } from './validation';

export const EVENT_STATUSES = ['accepted', 'dispatched', 'dead', 'rejected'] as const;

export const ListEventsQuery = v.strictObject({
  webhook_id: v.optional(v.pipe(v.string(), v.startsWith('wh_', 'webhook_id must be a webhook id (wh_…)'))),
  status: v.optional(v.picklist(EVENT_STATUSES, `status must be one of: ${EVENT_STATUSES.join(', ')}`)),
  ...PAGE_PARAMS,
});

export const EVENT_ROUTES: RouteDoc[] = [
  { method: 'get', path: '/v1/events', summary: 'Events with their runs (or, with status=rejected, refused requests with their reason), newest first', query: ListEventsQuery, responses: { 200: '`{ data, has_more, next_cursor }`', 400: 'Invalid query' } },
  { method: 'get', path: '/v1/events/:id', summary: 'An event with its runs and payload', responses: { 200: 'The event', 404: 'No such event in this project' } },
  { method: 'post', path: '/v1/events/:id/replay', summary: 'Fan the event out again to workflows that have no run for it', responses: { 202: 'Queued; `workflows` lists those without a run yet', 404: 'No such event in this project', 409: 'The webhook or the payload is gone', 503: 'The queue refused the message; retry' } },
];

type RunView = { id: string; workflow_id: string; status: string; created_at: string; dispatched_at: string | null };

async function runsOf(db: Db, eventIds: readonly string[]): Promise<Map<string, RunView[]>> {
  const byEvent = new Map<string, RunView[]>(eventIds.map((id) => [id, []]));
  const rows = await db
    .select({ eventId: runs.eventId, id: runs.id, workflow_id: runs.workflowId, status: runs.status, created_at: runs.createdAt, dispatched_at: runs.dispatchedAt })
    .from(runs)
    .where(inJsonArray(runs.eventId, eventIds))
    .orderBy(runs.workflowId)
    .all();
  for (const { eventId, ...run } of rows) byEvent.get(eventId)?.push(run);
  return byEvent;
}

type EventRow = typeof events.$inferSelect;

function eventView(row: EventRow, eventRuns: readonly RunView[]) {
  return {
    kind: 'event' as const,
    id: row.id,
    webhook_id: row.webhookId,
    status: row.status,
    received_at: row.receivedAt,
    delivery_id: row.deliveryId,
    error: row.error,
    runs: eventRuns,
  };
}

/** Where the event's payload is kept, inline or claim-checked; null once it is gone. */
function storedPayload(row: EventRow): PayloadRef | null {
  if (row.payload !== null) return { payload_json: row.payload };
  return row.payloadKey === null ? null : { payload_key: row.payloadKey };
}

async function payloadOf(bucket: R2Bucket, row: EventRow): Promise<unknown> {
  const stored = storedPayload(row);
  if (stored === null) return null;
  if ('payload_json' in stored) return JSON.parse(stored.payload_json);
  const object = await bucket.get(stored.payload_key);
  return object === null ? null : JSON.parse(await object.text());
}

export function eventsRoutes(deps: ControlDeps) {
  const clock = clockOf(deps);
  const app = new Hono<ControlEnv>();

  app.get('/', queryParams(ListEventsQuery), async (c) => {
    const query = c.req.valid('query');
    const { db, caller } = c.var;

    if (query.status === 'rejected') {
      const page = await readPage(
        query,
        (keyset) =>
          db
            .select()
            .from(rejections)
            .where(
              and(
                eq(rejections.projectId, caller.projectId),
                query.webhook_id === undefined ? undefined : eq(rejections.webhookId, query.webhook_id),
                keyset.after(rejections.lastAt, rejections.id),
              ),
            )
            .orderBy(...keyset.order(rejections.lastAt, rejections.id))
            .limit(keyset.take)
            .all(),
        (r) => ({ at: r.lastAt, id: r.id }),
      );
      return c.json(
        pageBody(page, (r) => ({
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
        })),
      );
    }

    const status = query.status;
    const page = await readPage(
      query,
      (keyset) =>
        db
          .select()
          .from(events)
          .where(
            and(
              eq(events.projectId, caller.projectId),
              query.webhook_id === undefined ? undefined : eq(events.webhookId, query.webhook_id),
              status === undefined ? undefined : eq(events.status, status),
              keyset.after(events.receivedAt, events.id),
            ),
          )
          .orderBy(...keyset.order(events.receivedAt, events.id))
          .limit(keyset.take)
          .all(),
      (r) => ({ at: r.receivedAt, id: r.id }),
    );
    const byEvent = await runsOf(db, page.items.map((r) => r.id));
    return c.json(pageBody(page, (r) => eventView(r, byEvent.get(r.id) ?? [])));
  });

  app.get('/:id', async (c) => {
    const { db, caller } = c.var;
    const row = await findOwned(db, caller, EVENT, c.req.param('id'));
    const eventRuns = (await runsOf(db, [row.id])).get(row.id) ?? [];
    return c.json({ ...eventView(row, eventRuns), payload: await payloadOf(c.env.PAYLOADS, row) });
  });

  app.post('/:id/replay', async (c) => {
    const { db, caller } = c.var;
    const row = await findOwned(db, caller, EVENT, c.req.param('id'));
    const webhook = await db
      .select({ slug: webhooks.slug })
      .from(webhooks)
      .where(ownedBy(WEBHOOK, caller, row.webhookId))
      .get();
    if (!webhook) throw new ProblemError('conflict', 'The webhook of this event was deleted; the event cannot be replayed.');
    const stored = storedPayload(row);
    if (stored === null) throw new ProblemError('conflict', 'The payload of this event is no longer stored; it cannot be replayed.');

    // Only for the response: fan-out itself skips every workflow that already has a run.
    const existing = await db.select({ workflowId: runs.workflowId }).from(runs).where(eq(runs.eventId, row.id)).all();
    const hasRun = new Set(existing.map((r) => r.workflowId));
    const listening = await db
      .select({ id: workflows.id })
      .from(triggers)
      .innerJoin(workflows, eq(workflows.id, triggers.workflowId))
      .where(and(eq(triggers.webhookId, row.webhookId), eq(workflows.enabled, true)))
      .orderBy(workflows.id)
      .all();
    const pending = listening.filter((w) => !hasRun.has(w.id));

    const fields = {
      event_id: row.id,
      webhook_id: row.webhookId,
      webhook_slug: webhook.slug,
      org: caller.orgSlug,
      project_id: row.projectId,
      delivery_id: row.deliveryId,
      received_at: row.receivedAt,
    };
    try {
      await sendEvent(c.env.EVENTS, fields, stored);
    } catch (err) {
      console.error('replay enqueue failed', row.id, safeErrorText(err));
      throw queueUnavailable('The replay');
    }
    return c.json({ event_id: row.id, status: 'queued', requested_at: new Date(clock()).toISOString(), workflows: pending.map((w) => w.id) }, 202);
  });

  return app;
}
