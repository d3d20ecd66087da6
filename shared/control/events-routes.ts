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
import { and, desc, eq, inArray, lt, or } from 'drizzle-orm';
import { Hono } from 'hono';
import * as v from 'valibot';
import type { Db } from '../db/client';
import { events, rejections, runs, triggers, webhooks, workflows } from '../db/schema';
import type { EventMessage } from '../fanout/event-message';
import { chunk } from '../fanout/queues';
import { ProblemError } from '../http/problem';
import type { Caller, ControlDeps, ControlEnv } from './context';
import { CursorParam, DEFAULT_PAGE_SIZE, LimitParam, decodeCursor, toPage, type Cursor } from './pagination';
import type { RouteDoc } from './route-doc';
import { queryParams } from './validation';

export const EVENT_STATUSES = ['accepted', 'dispatched', 'dead', 'rejected'] as const;

export const ListEventsQuery = v.strictObject({
  webhook_id: v.optional(v.pipe(v.string(), v.startsWith('wh_', 'webhook_id must be a webhook id (wh_…)'))),
  status: v.optional(v.picklist(EVENT_STATUSES, `status must be one of: ${EVENT_STATUSES.join(', ')}`)),
  limit: LimitParam,
  cursor: CursorParam,
});

export const EVENT_ROUTES: RouteDoc[] = [
  { method: 'get', path: '/v1/events', summary: 'Events with their runs (or, with status=rejected, refused requests with their reason), newest first', query: ListEventsQuery, responses: { 200: '`{ data, has_more, next_cursor }`', 400: 'Invalid query' } },
  { method: 'get', path: '/v1/events/:id', summary: 'An event with its runs and payload', responses: { 200: 'The event', 404: 'No such event in this project' } },
  { method: 'post', path: '/v1/events/:id/replay', summary: 'Fan the event out again to workflows that have no run for it', responses: { 202: 'Queued; `workflows` lists those without a run yet', 404: 'No such event in this project', 409: 'The webhook or the payload is gone', 503: 'The queue refused the message; retry' } },
];

type RunView = { id: string; workflow_id: string; status: string; created_at: string; dispatched_at: string | null };

async function runsOf(db: Db, eventIds: readonly string[]): Promise<Map<string, RunView[]>> {
  const byEvent = new Map<string, RunView[]>(eventIds.map((id) => [id, []]));
  for (const ids of chunk([...eventIds], 90)) {
    const rows = await db
      .select({ eventId: runs.eventId, id: runs.id, workflow_id: runs.workflowId, status: runs.status, created_at: runs.createdAt, dispatched_at: runs.dispatchedAt })
      .from(runs)
      .where(inArray(runs.eventId, ids))
      .orderBy(runs.workflowId)
      .all();
    for (const { eventId, ...run } of rows) byEvent.get(eventId)?.push(run);
  }
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

function before(at: Parameters<typeof lt>[0], id: Parameters<typeof lt>[0], cursor: Cursor | undefined) {
  return cursor === undefined ? undefined : or(lt(at, cursor.at), and(eq(at, cursor.at), lt(id, cursor.id)));
}

async function findEvent(db: Db, caller: Caller, id: string): Promise<EventRow> {
  const row = await db
    .select()
    .from(events)
    .where(and(eq(events.id, id), eq(events.projectId, caller.projectId)))
    .get();
  if (!row) throw new ProblemError('not-found', 'No event with this id in your project.');
  return row;
}

async function payloadOf(bucket: R2Bucket, row: EventRow): Promise<unknown> {
  if (row.payload !== null) return JSON.parse(row.payload);
  if (row.payloadKey === null) return null;
  const object = await bucket.get(row.payloadKey);
  return object === null ? null : JSON.parse(await object.text());
}

export function eventsRoutes(deps: ControlDeps) {
  const clock = deps.now ?? Date.now;
  const app = new Hono<ControlEnv>();

  app.get('/', queryParams(ListEventsQuery), async (c) => {
    const query = c.req.valid('query');
    const { db, caller } = c.var;
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);

    if (query.status === 'rejected') {
      const rows = await db
        .select()
        .from(rejections)
        .where(
          and(
            eq(rejections.projectId, caller.projectId),
            query.webhook_id === undefined ? undefined : eq(rejections.webhookId, query.webhook_id),
            before(rejections.lastAt, rejections.id, cursor),
          ),
        )
        .orderBy(desc(rejections.lastAt), desc(rejections.id))
        .limit(limit + 1)
        .all();
      const page = toPage(rows, limit, (r) => ({ at: r.lastAt, id: r.id }));
      return c.json({
        data: page.items.map((r) => ({
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
        has_more: page.nextCursor !== null,
        next_cursor: page.nextCursor,
      });
    }

    const status = query.status;
    const rows = await db
      .select()
      .from(events)
      .where(
        and(
          eq(events.projectId, caller.projectId),
          query.webhook_id === undefined ? undefined : eq(events.webhookId, query.webhook_id),
          status === undefined ? undefined : eq(events.status, status),
          before(events.receivedAt, events.id, cursor),
        ),
      )
      .orderBy(desc(events.receivedAt), desc(events.id))
      .limit(limit + 1)
      .all();
    const page = toPage(rows, limit, (r) => ({ at: r.receivedAt, id: r.id }));
    const byEvent = await runsOf(db, page.items.map((r) => r.id));
    return c.json({
      data: page.items.map((r) => eventView(r, byEvent.get(r.id) ?? [])),
      has_more: page.nextCursor !== null,
      next_cursor: page.nextCursor,
    });
  });

  app.get('/:id', async (c) => {
    const { db, caller } = c.var;
    const row = await findEvent(db, caller, c.req.param('id'));
    const eventRuns = (await runsOf(db, [row.id])).get(row.id) ?? [];
    return c.json({ ...eventView(row, eventRuns), payload: await payloadOf(c.env.PAYLOADS, row) });
  });

  app.post('/:id/replay', async (c) => {
    const { db, caller } = c.var;
    const row = await findEvent(db, caller, c.req.param('id'));
    const webhook = await db
      .select({ slug: webhooks.slug })
      .from(webhooks)
      .where(and(eq(webhooks.id, row.webhookId), eq(webhooks.projectId, caller.projectId)))
      .get();
    if (!webhook) throw new ProblemError('conflict', 'The webhook of this event was deleted; the event cannot be replayed.');
    if (row.payload === null && row.payloadKey === null) throw new ProblemError('conflict', 'The payload of this event is no longer stored; it cannot be replayed.');

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

    const message: EventMessage = {
      v: 1,
      event_id: row.id,
      webhook_id: row.webhookId,
      webhook_slug: webhook.slug,
      org: caller.orgSlug,
      project_id: row.projectId,
      delivery_id: row.deliveryId,
      received_at: row.receivedAt,
      ...(row.payload === null ? {} : { payload_json: row.payload }),
      ...(row.payloadKey === null ? {} : { payload_key: row.payloadKey }),
      replay: true,
    };
    try {
      await c.env.EVENTS.send(message, { contentType: 'json' });
    } catch (err) {
      console.error('replay enqueue failed', row.id, err instanceof Error ? err.message : 'unknown error');
      throw new ProblemError('queue-unavailable', 'The replay was not queued; retry in a few seconds.', {}, { 'retry-after': '5' });
    }
    return c.json({ event_id: row.id, status: 'queued', requested_at: new Date(clock()).toISOString(), workflows: pending.map((w) => w.id) }, 202);
  });

  return app;
}
