/**
 * `GET /v1/feed`: what changed in the project, oldest change first, for `hasp events tail` and the
 * console's live view. The project's log numbers every change (an event recorded, or its status or
 * runs changed; a refusal row written) from one sequence per project, so polling with the last
 * `next_cursor` misses nothing and repeats nothing. An event appears again, as it is now, each time
 * it changes. Without `after`, the last `limit` changes; `next_cursor` is always there to poll with.
 *
 * Refusals are the ingress's aggregated rows (one per webhook and reason per flush, with `count`);
 * `request_id` names the last request among them kept for replay (`GET /v1/rejections/{id}`).
 */
import { createFactory } from 'hono/factory';
import * as v from 'valibot';
import { projectLog } from '../eventlog/client';
import type { FeedRecord, RejectionRecord } from '../eventlog/types';
import type { ControlEnv } from './context';
import { eventView } from './events-routes';
import { DEFAULT_PAGE_SIZE, LimitParam } from './pagination';
import { ControlRoutes } from './route-doc';
import { queryParams } from './validation';

/** A feed cursor is the change number, as text: opaque to callers, who pass back `next_cursor`. */
const FeedCursor = v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}$/, 'after must be a next_cursor this API returned'), v.transform(Number)));

export const FeedQuery = v.strictObject({
  after: FeedCursor,
  webhook_id: v.optional(v.pipe(v.string(), v.startsWith('wh_', 'webhook_id must be a webhook id (wh_…)'))),
  limit: LimitParam,
});

const factory = createFactory<ControlEnv>();

function refusalView(r: RejectionRecord) {
  return { id: r.id, webhook_id: r.webhookId, reason: r.reason, http_status: r.httpStatus, count: r.count, detail: r.detail, at: r.lastAt, request_id: r.requestId ?? null };
}

function feedItem(item: FeedRecord) {
  const cursor = String(item.seq);
  switch (item.kind) {
    case 'event':
      return { cursor, kind: 'event' as const, event: eventView(item.event) };
    case 'refusal':
      return { cursor, kind: 'refusal' as const, refusal: refusalView(item.refusal) };
  }
}

function readFeed() {
  return factory.createHandlers(queryParams(FeedQuery), async (c) => {
    const query = c.req.valid('query');
    const page = await projectLog(c.env, c.var.caller.projectId).feed({ after: query.after, webhookId: query.webhook_id, limit: query.limit ?? DEFAULT_PAGE_SIZE });
    return c.json({ data: page.items.map(feedItem), has_more: page.more, next_cursor: String(page.next) });
  });
}

export function feedRoutes(): ControlRoutes {
  return new ControlRoutes()
    .route(
      { method: 'get', path: '/v1/feed', summary: 'Changes (events as they are recorded and change status or runs; refusals) oldest first, after a cursor; without one, the last `limit` changes. Poll with `next_cursor`', query: FeedQuery, responses: { 200: '`{ data: [{ cursor, kind: "event", event } | { cursor, kind: "refusal", refusal }], has_more, next_cursor }`', 400: 'Invalid query' } },
      ...readFeed(),
    );
}
