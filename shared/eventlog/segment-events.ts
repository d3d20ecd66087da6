/**
 * A segment's `events` and `runs` tables (schema: ./storage.ts): each event the consumer recorded
 * here, with its runs. A status only moves forward (accepted → dispatched | dead, dead →
 * dispatched), never out of dispatched; every write is idempotent, since a queue redelivery or a
 * retried batch may repeat it. An event takes the next change number (./change-sequence.ts) when
 * it is new or its status or runs moved, so the feed lists it again.
 */
import { nextChangeSeq } from './change-sequence';
import { expungeRow } from './expunge';
import { newestFirstPage } from './newest-first';
import { erasePayloads } from './retention';
import type { SegmentStore } from './segment-store';
import { jsonList } from './storage';
import type { EventQuery, EventRecord, EventStatus, ExpungeOutcome, LogPage, LoggedEvent, LoggedRun, PayloadState, RunRecord, StatsQuery, StatsRows } from './types';

type EventRow = {
  id: string;
  webhook_id: string;
  delivery_id: string | null;
  status: string;
  received_at: string;
  error: string | null;
  payload_state: string;
  /** The text form, in rows written before payloads were sealed as bytes. */
  sealed_payload: string | null;
  sealed_payload_bytes: ArrayBuffer | null;
  payload_key: string | null;
};

type RunRow = { id: string; event_id: string; workflow_id: string; created_at: string; dispatched_at: string | null };

const EVENT_COLUMNS = 'id, webhook_id, delivery_id, status, received_at, error, payload_state, sealed_payload, sealed_payload_bytes, payload_key';

/**
 * What happens when the event is already there. The payload columns and expiries are never
 * overwritten: a payload expunged or expired stays gone whatever a retry carries.
 */
const ON_EVENT_CONFLICT = {
  dispatched: `DO UPDATE SET status = 'dispatched', error = NULL, updated_at = excluded.updated_at WHERE status <> 'dispatched'`,
  accepted: `DO UPDATE SET error = excluded.error, updated_at = excluded.updated_at WHERE status = 'accepted'`,
  dead: `DO UPDATE SET status = 'dead', error = excluded.error, updated_at = excluded.updated_at WHERE status <> 'dispatched'`,
} satisfies Record<EventStatus, string>;

/** The ids among `runIds` recorded here as dispatched. */
export function dispatchedRuns(store: SegmentStore, runIds: readonly string[]): string[] {
  if (runIds.length === 0) return [];
  return store.sql
    .all<{ id: string }>(`SELECT id FROM runs WHERE id IN (SELECT value FROM json_each(?)) AND status = 'dispatched'`, jsonList(runIds))
    .map((r) => r.id);
}

/** Records events as dispatched with their runs, in one transaction; returns the events that changed. */
export function recordDispatch(store: SegmentStore, events: readonly LoggedEvent[], runs: readonly LoggedRun[], at: string): string[] {
  const changed = new Set<string>();
  /** New here: numbered by their own insert, and by nothing after it in this transaction. */
  const numbered = new Set<string>();
  store.storage.transactionSync(() => {
    for (const event of events) {
      const outcome = write(store, event, 'dispatched', null, at);
      if (outcome !== 'unchanged') changed.add(event.id);
      if (outcome === 'new') numbered.add(event.id);
    }
    for (const run of runs) {
      const added = store.sql.all(
        `INSERT INTO runs (id, event_id, workflow_id, status, created_at, dispatched_at) VALUES (?, ?, ?, 'dispatched', ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
        run.id,
        run.eventId,
        run.workflowId,
        at,
        at,
      );
      if (added.length > 0) changed.add(run.eventId);
    }
    // An event appears in the feed again each time its status or its runs change.
    for (const id of changed) if (!numbered.has(id)) renumber(store, id);
  });
  return [...changed];
}

/** Writes the event with `status` and, when it is new or its status moved, gives it the next change number. */
export function record(store: SegmentStore, event: LoggedEvent, status: EventStatus, error: string | null, at: string): boolean {
  return store.storage.transactionSync(() => {
    const outcome = write(store, event, status, error, at);
    if (outcome === 'moved') renumber(store, event.id);
    return outcome !== 'unchanged';
  });
}

/** The events among `ids` held here, with their runs. */
export function byIds(store: SegmentStore, ids: readonly string[]): EventRecord[] {
  if (ids.length === 0) return [];
  return withRuns(store, store.sql.all<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE id IN (SELECT value FROM json_each(?))`, jsonList(ids)));
}

export function get(store: SegmentStore, id: string): EventRecord | null {
  const row = store.sql.first<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = ?`, id);
  return row === null ? null : (withRuns(store, [row])[0] ?? null);
}

export function list(store: SegmentStore, query: EventQuery): LogPage<EventRecord> {
  return newestFirstPage<EventRow, EventRecord>(
    store.sql,
    { table: 'events', columns: EVENT_COLUMNS, time: 'received_at', filters: { webhook_id: query.webhookId, status: query.status } },
    query,
    (rows) => withRuns(store, rows),
  );
}

/** Accepted events per (hour, webhook) in [from, to). */
export function hourlyCounts(store: SegmentStore, query: StatsQuery): StatsRows['accepted'] {
  const filter = query.webhookId === undefined ? '' : 'AND webhook_id = ?';
  const rows = store.sql.all<{ hour: string; webhook_id: string; count: number }>(
    `SELECT substr(received_at, 1, 13) AS hour, webhook_id, COUNT(*) AS count FROM events
     WHERE received_at >= ? AND received_at < ? ${filter} GROUP BY hour, webhook_id`,
    query.from,
    query.to,
    ...(query.webhookId === undefined ? [] : [query.webhookId]),
  );
  return rows.map((r) => ({ hour: r.hour, webhookId: r.webhook_id, count: r.count }));
}

/**
 * Deletes the event's payload at once (R2 first); the row and its runs stay. `alsoExpunge` runs
 * once the payload is erased, for copies of it held elsewhere (kept requests replayed into it).
 */
export function expungePayload(store: SegmentStore, id: string, at: string, alsoExpunge: () => Promise<unknown>): Promise<ExpungeOutcome> {
  return expungeRow(
    () => store.sql.first<{ payload_key: string | null; payload_state: string }>(`SELECT payload_key, payload_state FROM events WHERE id = ?`, id),
    async (row) => {
      const erased = await erasePayloads(store.sql, store.payloads, [{ id, payload_key: row.payload_key }], 'expunged', at);
      await alsoExpunge();
      return erased.length;
    },
  );
}

/** Gives an event already here the next change number. */
function renumber(store: SegmentStore, id: string): void {
  store.sql.run(`UPDATE events SET seq = ? WHERE id = ?`, nextChangeSeq(store.sql), id);
}

/**
 * Writes the event: `new` (numbered by this insert), `moved` (its status changed; the caller
 * renumbers it) or `unchanged` (a retry's new error is not a change).
 */
function write(store: SegmentStore, event: LoggedEvent, status: EventStatus, error: string | null, at: string): 'new' | 'moved' | 'unchanged' {
  const before = store.sql.first<{ status: string }>(`SELECT status FROM events WHERE id = ?`, event.id);
  // The row must not outlive its payload's deletion; retention relies on it (./retention.ts).
  const payloadExpiresAt = Math.min(event.payloadExpiresAt, event.metadataExpiresAt);
  // A new event's number goes in with it: set by an UPDATE after the insert, it would grow the
  // record (NULL to an integer), and SQLite would write the whole record again, payload included.
  const seq = before === null ? nextChangeSeq(store.sql) : null;
  store.sql.run(
    `INSERT INTO events (id, webhook_id, delivery_id, status, received_at, error, payload_state, sealed_payload, sealed_payload_bytes, payload_key,
                         payload_expires_at, metadata_expires_at, updated_at, seq)
     VALUES (?, ?, ?, ?, ?, ?, 'kept', ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) ${ON_EVENT_CONFLICT[status]}`,
    event.id,
    event.webhookId,
    event.deliveryId,
    status,
    event.receivedAt,
    error,
    typeof event.sealedPayload === 'string' ? event.sealedPayload : null,
    blobOf(event.sealedPayload),
    event.payloadKey,
    payloadExpiresAt,
    event.metadataExpiresAt,
    at,
    seq,
  );
  if (before === null) return 'new';
  const after = store.sql.first<{ status: string }>(`SELECT status FROM events WHERE id = ?`, event.id);
  return after?.status !== before.status ? 'moved' : 'unchanged';
}

/** A payload sealed as bytes, as the BLOB column takes it. */
function blobOf(sealed: LoggedEvent['sealedPayload']): ArrayBuffer | null {
  if (sealed === null || typeof sealed === 'string') return null;
  const { buffer } = sealed;
  return buffer instanceof ArrayBuffer && sealed.byteOffset === 0 && sealed.byteLength === buffer.byteLength ? buffer : sealed.slice().buffer;
}

/** The events with their runs, ordered by workflow id: one query for the whole page. */
function withRuns(store: SegmentStore, rows: EventRow[]): EventRecord[] {
  if (rows.length === 0) return [];
  const runs = store.sql.all<RunRow>(
    `SELECT id, event_id, workflow_id, created_at, dispatched_at FROM runs
     WHERE event_id IN (SELECT value FROM json_each(?)) ORDER BY event_id, workflow_id`,
    jsonList(rows.map((r) => r.id)),
  );
  const byEvent = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const eventRuns = byEvent.get(r.event_id) ?? [];
    eventRuns.push({ id: r.id, workflow_id: r.workflow_id, status: 'dispatched', created_at: r.created_at, dispatched_at: r.dispatched_at });
    byEvent.set(r.event_id, eventRuns);
  }
  return rows.map((r) => ({
    id: r.id,
    webhookId: r.webhook_id,
    deliveryId: r.delivery_id,
    status: r.status as EventStatus,
    receivedAt: r.received_at,
    error: r.error,
    payloadState: r.payload_state as PayloadState,
    sealedPayload: r.sealed_payload_bytes === null ? r.sealed_payload : new Uint8Array(r.sealed_payload_bytes),
    payloadKey: r.payload_key,
    runs: byEvent.get(r.id) ?? [],
  }));
}
