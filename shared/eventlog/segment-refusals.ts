/**
 * A segment's `rejections` table (schema: ./storage.ts): the ingress's refusal counts, one row per
 * (webhook, reason) per flush of an isolate. A row is written once, under its id, whatever retries
 * the flush; a new row takes the next change number (./change-sequence.ts), so the feed lists it.
 */
import { nextChangeSeq } from './change-sequence';
import { newestFirstPage } from './newest-first';
import type { SegmentStore } from './segment-store';
import { jsonList } from './storage';
import type { LogPage, LoggedRejection, RejectionQuery, RejectionRecord, StatsQuery, StatsRows } from './types';

type RejectionRow = {
  id: string;
  webhook_id: string;
  reason: string;
  http_status: number;
  count: number;
  first_at: string;
  last_at: string;
  detail: string;
  request_id: string | null;
};

const REJECTION_COLUMNS = 'id, webhook_id, reason, http_status, count, first_at, last_at, detail, request_id';

function rejectionRecord(r: RejectionRow): RejectionRecord {
  return {
    id: r.id,
    webhookId: r.webhook_id,
    reason: r.reason,
    httpStatus: r.http_status,
    count: r.count,
    firstAt: r.first_at,
    lastAt: r.last_at,
    detail: r.detail,
    requestId: r.request_id,
  };
}

/** Writes the rows not written yet, in one transaction. */
export function record(store: SegmentStore, rows: readonly LoggedRejection[]): void {
  store.storage.transactionSync(() => {
    for (const r of rows) {
      if (store.sql.first(`SELECT 1 AS found FROM rejections WHERE id = ?`, r.id) !== null) continue;
      store.sql.run(
        `INSERT INTO rejections (id, webhook_id, reason, http_status, count, first_at, last_at, detail, expires_at, request_id, seq)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        r.id,
        r.webhookId,
        r.reason,
        r.httpStatus,
        r.count,
        r.firstAt,
        r.lastAt,
        r.detail,
        r.expiresAt,
        r.requestId ?? null,
        nextChangeSeq(store.sql),
      );
    }
  });
}

/** Newest first by the last refusal a row counts. */
export function list(store: SegmentStore, query: RejectionQuery): LogPage<RejectionRecord> {
  return newestFirstPage<RejectionRow, RejectionRecord>(
    store.sql,
    { table: 'rejections', columns: REJECTION_COLUMNS, time: 'last_at', filters: { webhook_id: query.webhookId } },
    query,
    (rows) => rows.map(rejectionRecord),
  );
}

/** The rows among `ids` held here. */
export function byIds(store: SegmentStore, ids: readonly string[]): RejectionRecord[] {
  if (ids.length === 0) return [];
  return store.sql.all<RejectionRow>(`SELECT ${REJECTION_COLUMNS} FROM rejections WHERE id IN (SELECT value FROM json_each(?))`, jsonList(ids)).map(rejectionRecord);
}

/** Refusals per (hour, webhook, reason) in [from, to). */
export function hourlyCounts(store: SegmentStore, query: StatsQuery): StatsRows['refused'] {
  const filter = query.webhookId === undefined ? '' : 'AND webhook_id = ?';
  // A flushed row counts refusals between first_at and last_at; it is counted in last_at's hour.
  const rows = store.sql.all<{ hour: string; webhook_id: string; reason: string; count: number }>(
    `SELECT substr(last_at, 1, 13) AS hour, webhook_id, reason, SUM(count) AS count FROM rejections
     WHERE last_at >= ? AND last_at < ? ${filter} GROUP BY hour, webhook_id, reason`,
    query.from,
    query.to,
    ...(query.webhookId === undefined ? [] : [query.webhookId]),
  );
  return rows.map((r) => ({ hour: r.hour, webhookId: r.webhook_id, reason: r.reason, count: r.count }));
}
