/**
 * One segment of a project's log (./README.md): the events written while it was open with their
 * runs, the refusals and kept requests flushed then, and the change numbers of what changed in it,
 * in a Durable Object with SQLite storage (`idFromName(segmentName(project, n))`), reached through
 * Workers RPC from the project's log client (./client.ts), which alone knows which segment holds
 * what. The storage schema is in ./storage.ts; retention and erasure in ./retention.ts. Segment 0
 * is the project's own object (./project-log.ts), which extends this class.
 *
 * Invariants: payloads arrive and leave sealed (the log holds no key); every write is idempotent,
 * since a queue redelivery or a retried batch may repeat any of them; a status only moves forward
 * (accepted → dispatched | dead, dead → dispatched), never out of dispatched.
 */
import { DurableObject } from 'cloudflare:workers';
import { dropSegment, dropSegmentPayloads, erasePayloads, eraseRequestBodies, retentionAlarm, scheduleRetention, type DroppedPayloads } from './retention';
import { pageSize } from './page-size';
import { LogSql, hasLogStorage, jsonList, migrateLogStorage } from './storage';
import type {
  EventQuery,
  EventRecord,
  EventStatus,
  ExpungeOutcome,
  FeedQuery,
  KeptRequestInput,
  KeptRequestQuery,
  KeptRequestRecord,
  LogCursor,
  LogPage,
  LoggedEvent,
  LoggedRejection,
  LoggedRun,
  MarkReplayedOutcome,
  PayloadState,
  LateChange,
  RejectionQuery,
  RejectionRecord,
  RunRecord,
  SchemaErrorRecord,
  SegmentApi,
  SegmentFeedItem,
  SegmentFeedPage,
  StatsQuery,
  StatsRows,
  WriteReceipt,
} from './types';

type EventRow = {
  id: string;
  webhook_id: string;
  delivery_id: string | null;
  status: string;
  received_at: string;
  error: string | null;
  payload_state: string;
  sealed_payload: string | null;
  payload_key: string | null;
};

type RunRow = { id: string; event_id: string; workflow_id: string; created_at: string; dispatched_at: string | null };

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

type ChangeRow = { kind: string; id: string; seq: number; home: number | null };

const EVENT_COLUMNS = 'id, webhook_id, delivery_id, status, received_at, error, payload_state, sealed_payload, payload_key';
const REJECTION_COLUMNS = 'id, webhook_id, reason, http_status, count, first_at, last_at, detail, request_id';
const KEPT_COLUMNS =
  'id, webhook_id, reason, http_status, detail, errors, content_type, delivery_id, event_id, received_at, payload_state, sealed_body, body_key, body_expires_at, replayed_at';

/**
 * What happens when the event is already there. The payload columns and expiries are never
 * overwritten: a payload expunged or expired stays gone whatever a retry carries.
 */
const ON_EVENT_CONFLICT = {
  dispatched: `DO UPDATE SET status = 'dispatched', error = NULL, updated_at = excluded.updated_at WHERE status <> 'dispatched'`,
  accepted: `DO UPDATE SET error = excluded.error, updated_at = excluded.updated_at WHERE status = 'accepted'`,
  dead: `DO UPDATE SET status = 'dead', error = excluded.error, updated_at = excluded.updated_at WHERE status <> 'dispatched'`,
} satisfies Record<EventStatus, string>;

/** Newest first by (time, id); `after` is exclusive. Returns the page and the cursor past it. */
function page<R extends { id: string }, T>(rows: R[], limit: number, timeOf: (row: R) => string, toItem: (rows: R[]) => T[]): LogPage<T> {
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1];
  const next: LogCursor | null = rows.length > limit && last !== undefined ? { at: timeOf(last), id: last.id } : null;
  return { items: toItem(kept), next };
}

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

/** Longest `content_type` kept: a header, not a place to store anything else. */
const MAX_CONTENT_TYPE = 200;

export class LogSegment extends DurableObject<Env> implements SegmentApi {
  // ES private (#), not TypeScript's `private`: Workers RPC exposes every public method of the class.
  readonly #sql: LogSql;

  /**
   * Whether this object has its tables. A segment gets them with its first write, not on a read:
   * a read of a segment dropped whole (or never written) finds nothing, and leaves no storage behind.
   */
  #stored = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = new LogSql(ctx.storage.sql);
    // Before any request is served: a store that exists is brought up to the current schema.
    void ctx.blockConcurrencyWhile(async () => {
      if (hasLogStorage(ctx.storage)) this.ensureStorage();
    });
  }

  /**
   * Creates or migrates the tables (./storage.ts). Every write calls it first. Not `#`-private,
   * because the directory (./project-log.ts) calls it when it starts; RPC can reach it too, and
   * all it can do there is what a first write would.
   */
  protected ensureStorage(): void {
    if (this.#stored) return;
    migrateLogStorage(this.ctx.storage);
    this.#stored = true;
  }

  async dispatchedRuns(runIds: string[]): Promise<string[]> {
    if (!this.#stored) return [];
    if (runIds.length === 0) return [];
    return this.#sql
      .all<{ id: string }>(`SELECT id FROM runs WHERE id IN (SELECT value FROM json_each(?)) AND status = 'dispatched'`, jsonList(runIds))
      .map((r) => r.id);
  }

  async recordDispatch(events: LoggedEvent[], runs: LoggedRun[], at: string): Promise<WriteReceipt> {
    this.ensureStorage();
    const changed = new Set<string>();
    this.ctx.storage.transactionSync(() => {
      for (const event of events) if (this.#writeEvent(event, 'dispatched', null, at)) changed.add(event.id);
      for (const run of runs) {
        const added = this.#sql.all(
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
      for (const id of changed) this.#sql.run(`UPDATE events SET seq = ? WHERE id = ?`, this.#nextSeq(), id);
    });
    await this.#scheduleEvents(events);
    return this.#receipt([...changed]);
  }

  async recordFailedAttempt(event: LoggedEvent, error: string, at: string): Promise<WriteReceipt> {
    this.ensureStorage();
    const changed = this.#writeEventAndSequence(event, 'accepted', error, at);
    await this.#scheduleEvents([event]);
    return this.#receipt(changed ? [event.id] : []);
  }

  async recordDead(event: LoggedEvent, error: string, at: string): Promise<WriteReceipt> {
    this.ensureStorage();
    const changed = this.#writeEventAndSequence(event, 'dead', error, at);
    await this.#scheduleEvents([event]);
    return this.#receipt(changed ? [event.id] : []);
  }

  /**
   * Records that events held by an older segment changed (./client.ts writes it to the open segment
   * after the change): the feed lists them again here, under a change number above every one the
   * older segment handed out before this one opened.
   */
  async noteLateChanges(changes: LateChange[]): Promise<WriteReceipt> {
    this.ensureStorage();
    if (changes.length === 0) return this.#receipt([]);
    this.ctx.storage.transactionSync(() => {
      for (const c of changes) {
        this.#sql.run(
          `INSERT INTO late_changes (id, home, webhook_id, seq) VALUES (?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET home = excluded.home, webhook_id = excluded.webhook_id, seq = excluded.seq`,
          c.id,
          c.home,
          c.webhookId,
          this.#nextSeq(),
        );
      }
    });
    // A reference lives as long as its segment: the feed is read live, and the event stays listed in its own segment.
    return this.#receipt([]);
  }

  /** The events among `ids` this segment holds, with their runs. */
  async getEvents(ids: string[]): Promise<EventRecord[]> {
    if (!this.#stored) return [];
    if (ids.length === 0) return [];
    return this.#withRuns(this.#sql.all<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE id IN (SELECT value FROM json_each(?))`, jsonList(ids)));
  }

  async recordRejections(rows: LoggedRejection[]): Promise<WriteReceipt> {
    this.ensureStorage();
    if (rows.length === 0) return this.#receipt([]);
    this.ctx.storage.transactionSync(() => {
      for (const r of rows) {
        if (this.#sql.first(`SELECT 1 AS found FROM rejections WHERE id = ?`, r.id) !== null) continue;
        this.#sql.run(
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
          this.#nextSeq(),
        );
      }
    });
    await scheduleRetention(this.ctx.storage, Math.min(...rows.map((r) => r.expiresAt)));
    return this.#receipt([]);
  }

  async listEvents(query: EventQuery): Promise<LogPage<EventRecord>> {
    if (!this.#stored) return { items: [], next: null };
    const where: string[] = [];
    const params: SqlStorageValue[] = [];
    if (query.webhookId !== undefined) {
      where.push('webhook_id = ?');
      params.push(query.webhookId);
    }
    if (query.status !== undefined) {
      where.push('status = ?');
      params.push(query.status);
    }
    if (query.after !== undefined) {
      where.push('(received_at, id) < (?, ?)');
      params.push(query.after.at, query.after.id);
    }
    const limit = pageSize(query.limit);
    const rows = this.#sql.all<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY received_at DESC, id DESC LIMIT ?`,
      ...params,
      limit + 1,
    );
    return page(rows, limit, (r) => r.received_at, (kept) => this.#withRuns(kept));
  }

  async getEvent(id: string): Promise<EventRecord | null> {
    if (!this.#stored) return null;
    const row = this.#sql.first<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = ?`, id);
    return row === null ? null : (this.#withRuns([row])[0] ?? null);
  }

  async listRejections(query: RejectionQuery): Promise<LogPage<RejectionRecord>> {
    if (!this.#stored) return { items: [], next: null };
    const where: string[] = [];
    const params: SqlStorageValue[] = [];
    if (query.webhookId !== undefined) {
      where.push('webhook_id = ?');
      params.push(query.webhookId);
    }
    if (query.after !== undefined) {
      where.push('(last_at, id) < (?, ?)');
      params.push(query.after.at, query.after.id);
    }
    const limit = pageSize(query.limit);
    const rows = this.#sql.all<RejectionRow>(
      `SELECT ${REJECTION_COLUMNS} FROM rejections
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY last_at DESC, id DESC LIMIT ?`,
      ...params,
      limit + 1,
    );
    return page(rows, limit, (r) => r.last_at, (kept) => kept.map(rejectionRecord));
  }

  async keepRequests(requests: KeptRequestInput[]): Promise<WriteReceipt> {
    this.ensureStorage();
    if (requests.length === 0) return this.#receipt([]);
    let firstExpiry = Infinity;
    this.ctx.storage.transactionSync(() => {
      for (const request of requests) {
        // The row must not outlive its body's deletion; retention relies on it (./retention.ts).
        const bodyExpiresAt = Math.min(request.bodyExpiresAt, request.expiresAt);
        firstExpiry = Math.min(firstExpiry, bodyExpiresAt);
        this.#sql.run(
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
    await scheduleRetention(this.ctx.storage, firstExpiry);
    return this.#receipt([]);
  }

  async getRequest(id: string): Promise<KeptRequestRecord | null> {
    if (!this.#stored) return null;
    const row = this.#sql.first<KeptRow>(`SELECT ${KEPT_COLUMNS} FROM kept_requests WHERE id = ?`, id);
    return row === null ? null : keptRecord(row);
  }

  async listRequests(query: KeptRequestQuery): Promise<LogPage<KeptRequestRecord>> {
    if (!this.#stored) return { items: [], next: null };
    const where: string[] = [];
    const params: SqlStorageValue[] = [];
    if (query.webhookId !== undefined) {
      where.push('webhook_id = ?');
      params.push(query.webhookId);
    }
    if (query.reason !== undefined) {
      where.push('reason = ?');
      params.push(query.reason);
    }
    if (query.after !== undefined) {
      where.push('(received_at, id) < (?, ?)');
      params.push(query.after.at, query.after.id);
    }
    const limit = pageSize(query.limit);
    const rows = this.#sql.all<KeptRow>(
      `SELECT ${KEPT_COLUMNS} FROM kept_requests ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY received_at DESC, id DESC LIMIT ?`,
      ...params,
      limit + 1,
    );
    return page(rows, limit, (r) => r.received_at, (kept) => kept.map(keptRecord));
  }

  async markReplayed(id: string, at: string): Promise<MarkReplayedOutcome> {
    if (!this.#stored) return { outcome: 'not-found' };
    const marked = this.#sql.first<{ replayed_at: string }>(
      `UPDATE kept_requests SET replayed_at = ?, updated_at = ? WHERE id = ? AND replayed_at IS NULL RETURNING replayed_at`,
      at,
      at,
      id,
    );
    if (marked !== null) return { outcome: 'marked', at: marked.replayed_at };
    const row = this.#sql.first<{ replayed_at: string | null }>(`SELECT replayed_at FROM kept_requests WHERE id = ?`, id);
    if (row === null) return { outcome: 'not-found' };
    return { outcome: 'already', at: row.replayed_at ?? at };
  }

  /** Deletes a kept request's body at once (R2 first); the row stays and says `expunged`. */
  async expungeRequest(id: string, at: string): Promise<ExpungeOutcome> {
    if (!this.#stored) return { outcome: 'not-found' };
    const row = this.#sql.first<{ body_key: string | null; payload_state: string }>(`SELECT body_key, payload_state FROM kept_requests WHERE id = ?`, id);
    if (row === null) return { outcome: 'not-found' };
    if (row.payload_state !== 'kept') return { outcome: 'already-gone', state: goneState(row.payload_state) };
    const erased = await eraseRequestBodies(this.#sql, this.env.PAYLOADS, [{ id, body_key: row.body_key }], 'expunged', at);
    if (erased.length > 0) return { outcome: 'expunged' };
    const now = this.#sql.first<{ payload_state: string }>(`SELECT payload_state FROM kept_requests WHERE id = ?`, id);
    return now === null ? { outcome: 'not-found' } : { outcome: 'already-gone', state: goneState(now.payload_state) };
  }

  /**
   * This segment's changes after a local change number, oldest first (without one, its last
   * `limit`). A late change names the segment that holds the event (./client.ts resolves it).
   */
  async feed(query: FeedQuery): Promise<SegmentFeedPage> {
    if (!this.#stored) return { items: [], current: 0, more: false };
    const limit = pageSize(query.limit);
    const filter = query.webhookId === undefined ? '' : 'AND webhook_id = ?';
    const byWebhook: SqlStorageValue[] = query.webhookId === undefined ? [] : [query.webhookId];
    const changes = (where: string, order: 'ASC' | 'DESC', ...bound: SqlStorageValue[]) =>
      this.#sql.all<ChangeRow>(
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
    return { items: this.#feedItems(rows), current: this.#currentSeq(), more };
  }

  async stats(query: StatsQuery): Promise<StatsRows> {
    if (!this.#stored) return { accepted: [], refused: [] };
    const filter = query.webhookId === undefined ? '' : 'AND webhook_id = ?';
    const byWebhook: SqlStorageValue[] = query.webhookId === undefined ? [] : [query.webhookId];
    const accepted = this.#sql.all<{ hour: string; webhook_id: string; count: number }>(
      `SELECT substr(received_at, 1, 13) AS hour, webhook_id, COUNT(*) AS count FROM events
       WHERE received_at >= ? AND received_at < ? ${filter} GROUP BY hour, webhook_id`,
      query.from,
      query.to,
      ...byWebhook,
    );
    // A flushed row counts refusals between first_at and last_at; it is counted in last_at's hour.
    const refused = this.#sql.all<{ hour: string; webhook_id: string; reason: string; count: number }>(
      `SELECT substr(last_at, 1, 13) AS hour, webhook_id, reason, SUM(count) AS count FROM rejections
       WHERE last_at >= ? AND last_at < ? ${filter} GROUP BY hour, webhook_id, reason`,
      query.from,
      query.to,
      ...byWebhook,
    );
    return {
      accepted: accepted.map((r) => ({ hour: r.hour, webhookId: r.webhook_id, count: r.count })),
      refused: refused.map((r) => ({ hour: r.hour, webhookId: r.webhook_id, reason: r.reason, count: r.count })),
    };
  }

  async expungePayload(id: string, at: string): Promise<ExpungeOutcome> {
    if (!this.#stored) return { outcome: 'not-found' };
    const row = this.#sql.first<{ payload_key: string | null; payload_state: string }>(`SELECT payload_key, payload_state FROM events WHERE id = ?`, id);
    if (row === null) return { outcome: 'not-found' };
    if (row.payload_state !== 'kept') return { outcome: 'already-gone', state: goneState(row.payload_state) };
    const erased = await erasePayloads(this.#sql, this.env.PAYLOADS, [{ id, payload_key: row.payload_key }], 'expunged', at);
    await this.expungeRequestsOf(id, at);
    if (erased.length > 0) return { outcome: 'expunged' };
    // Retention (or another expunge) got there while R2 was answering.
    const now = this.#sql.first<{ payload_state: string }>(`SELECT payload_state FROM events WHERE id = ?`, id);
    return now === null ? { outcome: 'not-found' } : { outcome: 'already-gone', state: goneState(now.payload_state) };
  }

  /** Expunges the bodies of the refused requests kept here that a replay made into event `eventId`: they hold its payload. */
  async expungeRequestsOf(eventId: string, at: string): Promise<number> {
    if (!this.#stored) return 0;
    const keptBodies = this.#sql.all<{ id: string; body_key: string | null }>(
      `SELECT id, body_key FROM kept_requests WHERE event_id = ? AND payload_state = 'kept'`,
      eventId,
    );
    return (await eraseRequestBodies(this.#sql, this.env.PAYLOADS, keptBodies, 'expunged', at)).length;
  }

  /** The size of this segment's database, as its budget counts it. */
  async size(): Promise<number> {
    return this.ctx.storage.sql.databaseSize;
  }

  /** Retention: deletes what fell due, in a bounded pass, and sets the next alarm (./retention.ts). */
  override async alarm(): Promise<void> {
    if (!this.#stored) return;
    await retentionAlarm(this.ctx.storage, this.env.PAYLOADS, Date.now());
  }

  /** Every payload here has expired (the directory says when): all go at once. */
  async dropPayloads(at: string): Promise<DroppedPayloads> {
    if (!this.#stored) return { payloads: 0, requestBodies: 0, objects: 0 };
    return dropSegmentPayloads(this.ctx.storage, this.env.PAYLOADS, at);
  }

  /** Every row here has expired (the directory says when): the segment is deleted whole. */
  async drop(): Promise<{ objects: number }> {
    if (!this.#stored) return { objects: 0 };
    const dropped = await dropSegment(this.ctx.storage, this.env.PAYLOADS);
    this.#stored = false;
    return dropped;
  }

  /** The next change number (./storage.ts): call it inside the transaction of the change it marks. */
  #nextSeq(): number {
    const row = this.#sql.first<{ seq: number }>(
      `UPDATE log_meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'change_seq' RETURNING CAST(value AS INTEGER) AS seq`,
    );
    if (row === null) throw new Error('the project log has no change_seq: its storage was not migrated');
    return row.seq;
  }

  #currentSeq(): number {
    return this.#sql.first<{ seq: number }>(`SELECT CAST(value AS INTEGER) AS seq FROM log_meta WHERE key = 'change_seq'`)?.seq ?? 0;
  }

  /** The feed's rows as they are now, in the order of `rows`; a late change stays a reference. */
  #feedItems(rows: readonly ChangeRow[]): SegmentFeedItem[] {
    const eventIds = rows.filter((r) => r.kind === 'event').map((r) => r.id);
    const refusalIds = rows.filter((r) => r.kind === 'refusal').map((r) => r.id);
    const events = new Map(
      this.#withRuns(eventIds.length === 0 ? [] : this.#sql.all<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE id IN (SELECT value FROM json_each(?))`, jsonList(eventIds))).map(
        (e) => [e.id, e],
      ),
    );
    const refusals = new Map(
      (refusalIds.length === 0 ? [] : this.#sql.all<RejectionRow>(`SELECT ${REJECTION_COLUMNS} FROM rejections WHERE id IN (SELECT value FROM json_each(?))`, jsonList(refusalIds))).map(
        (r) => [r.id, rejectionRecord(r)],
      ),
    );
    return rows.flatMap((r): SegmentFeedItem[] => {
      if (r.kind === 'late' && r.home !== null) return [{ seq: r.seq, kind: 'late', id: r.id, home: r.home }];
      const event = events.get(r.id);
      if (r.kind === 'event' && event !== undefined) return [{ seq: r.seq, kind: 'event', event }];
      const refusal = refusals.get(r.id);
      if (r.kind === 'refusal' && refusal !== undefined) return [{ seq: r.seq, kind: 'refusal', refusal }];
      return [];
    });
  }

  #receipt(changed: string[]): WriteReceipt {
    return { changed, bytes: this.ctx.storage.sql.databaseSize };
  }

  /** Writes the event and, when it is new or its status moved, gives it the next change number. */
  #writeEventAndSequence(event: LoggedEvent, status: EventStatus, error: string | null, at: string): boolean {
    return this.ctx.storage.transactionSync(() => {
      const changed = this.#writeEvent(event, status, error, at);
      if (changed) this.#sql.run(`UPDATE events SET seq = ? WHERE id = ?`, this.#nextSeq(), event.id);
      return changed;
    });
  }

  /** Returns whether the event is new or its status moved (a retry's new error is not a change). */
  #writeEvent(event: LoggedEvent, status: EventStatus, error: string | null, at: string): boolean {
    const before = this.#sql.first<{ status: string }>(`SELECT status FROM events WHERE id = ?`, event.id);
    // The row must not outlive its payload's deletion; retention relies on it (./retention.ts).
    const payloadExpiresAt = Math.min(event.payloadExpiresAt, event.metadataExpiresAt);
    this.#sql.run(
      `INSERT INTO events (id, webhook_id, delivery_id, status, received_at, error, payload_state, sealed_payload, payload_key,
                           payload_expires_at, metadata_expires_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'kept', ?, ?, ?, ?, ?)
       ON CONFLICT (id) ${ON_EVENT_CONFLICT[status]}`,
      event.id,
      event.webhookId,
      event.deliveryId,
      status,
      event.receivedAt,
      error,
      event.sealedPayload,
      event.payloadKey,
      payloadExpiresAt,
      event.metadataExpiresAt,
      at,
    );
    if (before === null) return true;
    const after = this.#sql.first<{ status: string }>(`SELECT status FROM events WHERE id = ?`, event.id);
    return after?.status !== before.status;
  }

  async #scheduleEvents(events: readonly LoggedEvent[]): Promise<void> {
    if (events.length === 0) return;
    await scheduleRetention(this.ctx.storage, Math.min(...events.map((e) => Math.min(e.payloadExpiresAt, e.metadataExpiresAt))));
  }

  /** The events with their runs, ordered by workflow id: one query for the whole page. */
  #withRuns(rows: EventRow[]): EventRecord[] {
    if (rows.length === 0) return [];
    const runs = this.#sql.all<RunRow>(
      `SELECT id, event_id, workflow_id, created_at, dispatched_at FROM runs
       WHERE event_id IN (SELECT value FROM json_each(?)) ORDER BY event_id, workflow_id`,
      jsonList(rows.map((r) => r.id)),
    );
    const byEvent = new Map<string, RunRecord[]>();
    for (const r of runs) {
      const list = byEvent.get(r.event_id) ?? [];
      list.push({ id: r.id, workflow_id: r.workflow_id, status: 'dispatched', created_at: r.created_at, dispatched_at: r.dispatched_at });
      byEvent.set(r.event_id, list);
    }
    return rows.map((r) => ({
      id: r.id,
      webhookId: r.webhook_id,
      deliveryId: r.delivery_id,
      status: r.status as EventStatus,
      receivedAt: r.received_at,
      error: r.error,
      payloadState: r.payload_state as PayloadState,
      sealedPayload: r.sealed_payload,
      payloadKey: r.payload_key,
      runs: byEvent.get(r.id) ?? [],
    }));
  }
}

function goneState(state: string): Exclude<PayloadState, 'kept'> {
  return state === 'expired' ? 'expired' : 'expunged';
}
