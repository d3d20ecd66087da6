/**
 * A segment's change feed: its `late_changes` table (schema: ./storage.ts), and the feed read
 * across it, `events` and `rejections` by change number (./change-sequence.ts). A late change
 * notes that an event held by an older segment changed while this one was open; the feed lists it
 * here as a reference (`home` names the segment that holds it), which ./client.ts resolves.
 */
import { currentChangeSeq, nextChangeSeq } from './change-sequence';
import { pageSize } from './page-size';
import * as events from './segment-events';
import * as refusals from './segment-refusals';
import type { SegmentStore } from './segment-store';
import type { FeedQuery, LateChange, SegmentFeedItem, SegmentFeedPage } from './types';

type ChangeRow = { kind: string; id: string; seq: number; home: number | null };

/**
 * Lists again events held by an older segment that changed, under change numbers above every one
 * the older segment handed out before this one opened.
 */
export function noteLateChanges(store: SegmentStore, changes: readonly LateChange[]): void {
  store.storage.transactionSync(() => {
    for (const c of changes) {
      store.sql.run(
        `INSERT INTO late_changes (id, home, webhook_id, seq) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET home = excluded.home, webhook_id = excluded.webhook_id, seq = excluded.seq`,
        c.id,
        c.home,
        c.webhookId,
        nextChangeSeq(store.sql),
      );
    }
  });
}

/** The changes after a local change number, oldest first (without one, the last `limit`). */
export function read(store: SegmentStore, query: FeedQuery): SegmentFeedPage {
  const limit = pageSize(query.limit);
  const filter = query.webhookId === undefined ? '' : 'AND webhook_id = ?';
  const byWebhook: SqlStorageValue[] = query.webhookId === undefined ? [] : [query.webhookId];
  const changes = (where: string, order: 'ASC' | 'DESC', ...bound: SqlStorageValue[]) =>
    store.sql.all<ChangeRow>(
      `SELECT kind, id, seq, home FROM (
         SELECT 'event' AS kind, id, seq, NULL AS home FROM events WHERE ${where} ${filter}
         UNION ALL
         SELECT 'refusal' AS kind, id, seq, NULL AS home FROM rejections WHERE ${where} ${filter}
         UNION ALL
         SELECT 'late' AS kind, id, seq, home FROM late_changes WHERE ${where} ${filter}
       ) ORDER BY seq ${order} LIMIT ?`,
      ...bound,
      ...byWebhook,
      ...bound,
      ...byWebhook,
      ...bound,
      ...byWebhook,
      limit + 1,
    );
  let rows: ChangeRow[];
  let more: boolean;
  if (query.after === undefined) {
    const last = changes('seq IS NOT NULL', 'DESC');
    more = last.length > limit;
    rows = last.slice(0, limit).reverse();
  } else {
    const after = changes('seq > ?', 'ASC', query.after);
    more = after.length > limit;
    rows = after.slice(0, limit);
  }
  return { items: feedItems(store, rows), current: currentChangeSeq(store.sql), more };
}

/** The feed's rows as they are now, in the order of `rows`; a late change stays a reference. */
function feedItems(store: SegmentStore, rows: readonly ChangeRow[]): SegmentFeedItem[] {
  const eventsNow = new Map(events.byIds(store, rows.filter((r) => r.kind === 'event').map((r) => r.id)).map((e) => [e.id, e]));
  const refusalsNow = new Map(refusals.byIds(store, rows.filter((r) => r.kind === 'refusal').map((r) => r.id)).map((r) => [r.id, r]));
  return rows.flatMap((r): SegmentFeedItem[] => {
    if (r.kind === 'late' && r.home !== null) return [{ seq: r.seq, kind: 'late', id: r.id, home: r.home }];
    const event = eventsNow.get(r.id);
    if (r.kind === 'event' && event !== undefined) return [{ seq: r.seq, kind: 'event', event }];
    const refusal = refusalsNow.get(r.id);
    if (r.kind === 'refusal' && refusal !== undefined) return [{ seq: r.seq, kind: 'refusal', refusal }];
    return [];
  });
}
