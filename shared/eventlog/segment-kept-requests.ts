/**
 * A segment's `kept_requests` table (schema: ./storage.ts): refused requests kept for replay
 * (shared/ingress/kept-requests.ts), their bodies sealed inline or in R2, with the event id a replay
 * gives them. A request is written once, under its id; its body goes at its expiry, by an expunge
 * of its own, or by an expunge of the event a replay made of it.
 */
import { expungeRow } from './expunge';
import { newestFirstPage } from './newest-first';
import { eraseRequestBodies } from './retention';
import type { SegmentStore } from './segment-store';
import type { ExpungeOutcome, KeptRequestInput, KeptRequestQuery, KeptRequestRecord, LogPage, MarkReplayedOutcome, PayloadState, SchemaErrorRecord } from './types';

type KeptRow = {
  id: string;
  webhook_id: string;
  reason: string;
  http_status: number;
  detail: string;
  errors: string | null;
  content_type: string | null;
  delivery_id: string | null;
  event_id: string;
  received_at: string;
  payload_state: string;
  sealed_body: string | null;
  body_key: string | null;
  body_expires_at: number;
  replayed_at: string | null;
};

const KEPT_COLUMNS =
  'id, webhook_id, reason, http_status, detail, errors, content_type, delivery_id, event_id, received_at, payload_state, sealed_body, body_key, body_expires_at, replayed_at';

/** Longest `content_type` kept: a header, not a place to store anything else. */
const MAX_CONTENT_TYPE = 200;

function keptRecord(r: KeptRow): KeptRequestRecord {
  return {
    id: r.id,
    webhookId: r.webhook_id,
    reason: r.reason,
    httpStatus: r.http_status,
    detail: r.detail,
    errors: r.errors === null ? null : (JSON.parse(r.errors) as SchemaErrorRecord[]),
    contentType: r.content_type,
    deliveryId: r.delivery_id,
    eventId: r.event_id,
    receivedAt: r.received_at,
    payloadState: r.payload_state as PayloadState,
    sealedBody: r.sealed_body,
    bodyKey: r.body_key,
    bodyExpiresAt: r.body_expires_at,
    replayedAt: r.replayed_at,
  };
}

/** Writes the requests not written yet, in one transaction; returns the first time a body falls due. */
export function keep(store: SegmentStore, requests: readonly KeptRequestInput[]): number {
  let firstExpiry = Infinity;
  store.storage.transactionSync(() => {
    for (const request of requests) {
      // The row must not outlive its body's deletion; retention relies on it (./retention.ts).
      const bodyExpiresAt = Math.min(request.bodyExpiresAt, request.expiresAt);
      firstExpiry = Math.min(firstExpiry, bodyExpiresAt);
      store.sql.run(
        `INSERT INTO kept_requests (id, webhook_id, reason, http_status, detail, errors, content_type, delivery_id, event_id, received_at,
                                    payload_state, sealed_body, body_key, body_expires_at, expires_at, replayed_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'kept', ?, ?, ?, ?, NULL, ?) ON CONFLICT (id) DO NOTHING`,
        request.id,
        request.webhookId,
        request.reason,
        request.httpStatus,
        request.detail,
        request.errors === null ? null : JSON.stringify(request.errors),
        request.contentType === null ? null : request.contentType.slice(0, MAX_CONTENT_TYPE),
        request.deliveryId,
        request.eventId,
        request.receivedAt,
        request.sealedBody,
        request.bodyKey,
        bodyExpiresAt,
        request.expiresAt,
        request.receivedAt,
      );
    }
  });
  return firstExpiry;
}

export function get(store: SegmentStore, id: string): KeptRequestRecord | null {
  const row = store.sql.first<KeptRow>(`SELECT ${KEPT_COLUMNS} FROM kept_requests WHERE id = ?`, id);
  return row === null ? null : keptRecord(row);
}

export function list(store: SegmentStore, query: KeptRequestQuery): LogPage<KeptRequestRecord> {
  return newestFirstPage<KeptRow, KeptRequestRecord>(
    store.sql,
    { table: 'kept_requests', columns: KEPT_COLUMNS, time: 'received_at', filters: { webhook_id: query.webhookId, reason: query.reason } },
    query,
    (rows) => rows.map(keptRecord),
  );
}

/** Marks the request replayed at `at`, the first time only. */
export function markReplayed(store: SegmentStore, id: string, at: string): MarkReplayedOutcome {
  const marked = store.sql.first<{ replayed_at: string }>(
    `UPDATE kept_requests SET replayed_at = ?, updated_at = ? WHERE id = ? AND replayed_at IS NULL RETURNING replayed_at`,
    at,
    at,
    id,
  );
  if (marked !== null) return { outcome: 'marked', at: marked.replayed_at };
  const row = store.sql.first<{ replayed_at: string | null }>(`SELECT replayed_at FROM kept_requests WHERE id = ?`, id);
  if (row === null) return { outcome: 'not-found' };
  return { outcome: 'already', at: row.replayed_at ?? at };
}

/** Deletes a kept request's body at once (R2 first); the row stays and says `expunged`. */
export function expunge(store: SegmentStore, id: string, at: string): Promise<ExpungeOutcome> {
  return expungeRow(
    () => store.sql.first<{ body_key: string | null; payload_state: string }>(`SELECT body_key, payload_state FROM kept_requests WHERE id = ?`, id),
    async (row) => (await eraseRequestBodies(store.sql, store.payloads, [{ id, body_key: row.body_key }], 'expunged', at)).length,
  );
}

/** Expunges the bodies of the requests kept here that a replay made into event `eventId`: they hold its payload. */
export async function expungeBodiesOf(store: SegmentStore, eventId: string, at: string): Promise<number> {
  const keptBodies = store.sql.all<{ id: string; body_key: string | null }>(
    `SELECT id, body_key FROM kept_requests WHERE event_id = ? AND payload_state = 'kept'`,
    eventId,
  );
  return (await eraseRequestBodies(store.sql, store.payloads, keptBodies, 'expunged', at)).length;
}
