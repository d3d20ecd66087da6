/**
 * One project's event log: its events with their runs, its aggregated refusals, the refused
 * requests it keeps for replay, its change feed and its audit log,
 * in a Durable Object with SQLite storage (one per project, `idFromName(projectId)`), reached
 * through Workers RPC. The storage schema is in ./storage.ts; retention and erasure in
 * ./retention.ts.
 *
 * Invariants: payloads arrive and leave sealed (the log holds no key); every write is idempotent,
 * since a queue redelivery or a retried batch may repeat any of them; a status only moves forward
 * (accepted → dispatched | dead, dead → dispatched), never out of dispatched.
 */
import { DurableObject } from 'cloudflare:workers';
import { auditExpiresAt, erasePayloads, eraseRequestBodies, retentionAlarm, scheduleRetention } from './retention';
import { LogSql, jsonList, migrateLogStorage } from './storage';
import type {
  AuditEntry,
  AuditQuery,
  EventQuery,
  EventRecord,
  EventStatus,
  ExpungeOutcome,
  FeedPage,
  FeedQuery,
  FeedRecord,
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
  ProjectLogApi,
  RejectionQuery,
  RejectionRecord,
  RunRecord,
  SchemaErrorRecord,
  StatsQuery,
  StatsRows,
} from './types';

/** The most rows one page returns, whatever the caller asks. */
export const MAX_PAGE = 500;

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

type AuditRow = { id: string; at: string; token_id: string; action: string; resource_id: string | null; outcome: string };

const AUDIT_COLUMNS = 'id, at, token_id, action, resource_id, outcome';
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

function pageSize(limit: number): number {
  return Math.min(Math.max(Math.trunc(limit) || 1, 1), MAX_PAGE);
}

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

export class ProjectLog extends DurableObject<Env> implements ProjectLogApi {
  // ES private (#), not TypeScript's `private`: Workers RPC exposes every public method of the class.
  readonly #sql: LogSql;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = new LogSql(ctx.storage.sql);
    // Before any request is served: the schema is current or the object does not start.
    void ctx.blockConcurrencyWhile(async () => migrateLogStorage(ctx.storage));
  }

  async dispatchedRuns(runIds: string[]): Promise<string[]> {
    if (runIds.length === 0) return [];
    return this.#sql
      .all<{ id: string }>(`SELECT id FROM runs WHERE id IN (SELECT value FROM json_each(?)) AND status = 'dispatched'`, jsonList(runIds))
      .map((r) => r.id);
  }

  async recordDispatch(events: LoggedEvent[], runs: LoggedRun[], at: string): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      const changed = new Set<string>();
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
  }

  async recordFailedAttempt(event: LoggedEvent, error: string, at: string): Promise<void> {
    this.#writeEventAndSequence(event, 'accepted', error, at);
    await this.#scheduleEvents([event]);
  }

  async recordDead(event: LoggedEvent, error: string, at: string): Promise<void> {
    this.#writeEventAndSequence(event, 'dead', error, at);
    await this.#scheduleEvents([event]);
  }

  async recordRejections(rows: LoggedRejection[]): Promise<void> {
    if (rows.length === 0) return;
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
  }

  async listEvents(query: EventQuery): Promise<LogPage<EventRecord>> {
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
    const row = this.#sql.first<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = ?`, id);
    return row === null ? null : (this.#withRuns([row])[0] ?? null);
  }

  async listRejections(query: RejectionQuery): Promise<LogPage<RejectionRecord>> {
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

  async keepRequests(requests: KeptRequestInput[]): Promise<void> {
    if (requests.length === 0) return;
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
  }

  async getRequest(id: string): Promise<KeptRequestRecord | null> {
    const row = this.#sql.first<KeptRow>(`SELECT ${KEPT_COLUMNS} FROM kept_requests WHERE id = ?`, id);
    return row === null ? null : keptRecord(row);
  }

  async listRequests(query: KeptRequestQuery): Promise<LogPage<KeptRequestRecord>> {
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
    const row = this.#sql.first<{ body_key: string | null; payload_state: string }>(`SELECT body_key, payload_state FROM kept_requests WHERE id = ?`, id);
    if (row === null) return { outcome: 'not-found' };
    if (row.payload_state !== 'kept') return { outcome: 'already-gone', state: goneState(row.payload_state) };
    const erased = await eraseRequestBodies(this.#sql, this.env.PAYLOADS, [{ id, body_key: row.body_key }], 'expunged', at);
    if (erased.length > 0) return { outcome: 'expunged' };
    const now = this.#sql.first<{ payload_state: string }>(`SELECT payload_state FROM kept_requests WHERE id = ?`, id);
    return now === null ? { outcome: 'not-found' } : { outcome: 'already-gone', state: goneState(now.payload_state) };
  }

  async feed(query: FeedQuery): Promise<FeedPage> {
    const limit = pageSize(query.limit);
    const filter = query.webhookId === undefined ? '' : 'AND webhook_id = ?';
    const byWebhook: SqlStorageValue[] = query.webhookId === undefined ? [] : [query.webhookId];
    const changes = (where: string, order: 'ASC' | 'DESC', ...bound: SqlStorageValue[]) =>
      this.#sql.all<{ kind: string; id: string; seq: number }>(
        `SELECT kind, id, seq FROM (
           SELECT 'event' AS kind, id, seq FROM events WHERE ${where} ${filter}
           UNION ALL
           SELECT 'refusal' AS kind, id, seq FROM rejections WHERE ${where} ${filter}
         ) ORDER BY seq ${order} LIMIT ?`,
        ...bound,
        ...byWebhook,
        ...bound,
        ...byWebhook,
        limit + 1,
      );
    let rows: { kind: string; id: string; seq: number }[];
    let more: boolean;
    if (query.after === undefined) {
      // The last `limit` changes, oldest first: where a tail starts.
      rows = changes('seq IS NOT NULL', 'DESC').slice(0, limit).reverse();
      more = false;
    } else {
      const after = changes('seq > ?', 'ASC', query.after);
      more = after.length > limit;
      rows = after.slice(0, limit);
    }
    const last = rows[rows.length - 1];
    const next = last !== undefined ? last.seq : (query.after ?? this.#currentSeq());
    return { items: this.#feedItems(rows), next, more };
  }

  async stats(query: StatsQuery): Promise<StatsRows> {
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
    const row = this.#sql.first<{ payload_key: string | null; payload_state: string }>(`SELECT payload_key, payload_state FROM events WHERE id = ?`, id);
    if (row === null) return { outcome: 'not-found' };
    if (row.payload_state !== 'kept') return { outcome: 'already-gone', state: goneState(row.payload_state) };
    const erased = await erasePayloads(this.#sql, this.env.PAYLOADS, [{ id, payload_key: row.payload_key }], 'expunged', at);
    // The refused request this event was replayed from holds the same payload: it goes too.
    const keptBodies = this.#sql.all<{ id: string; body_key: string | null }>(
      `SELECT id, body_key FROM kept_requests WHERE event_id = ? AND payload_state = 'kept'`,
      id,
    );
    await eraseRequestBodies(this.#sql, this.env.PAYLOADS, keptBodies, 'expunged', at);
    if (erased.length > 0) return { outcome: 'expunged' };
    // Retention (or another expunge) got there while R2 was answering.
    const now = this.#sql.first<{ payload_state: string }>(`SELECT payload_state FROM events WHERE id = ?`, id);
    return now === null ? { outcome: 'not-found' } : { outcome: 'already-gone', state: goneState(now.payload_state) };
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    this.#sql.run(
      `INSERT INTO audit (id, at, token_id, action, resource_id, outcome) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      entry.id,
      entry.at,
      entry.tokenId,
      entry.action,
      entry.resourceId,
      entry.outcome,
    );
    await scheduleRetention(this.ctx.storage, auditExpiresAt(entry.at));
  }

  async listAudit(query: AuditQuery): Promise<LogPage<AuditEntry>> {
    const limit = pageSize(query.limit);
    const rows =
      query.after === undefined
        ? this.#sql.all<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit ORDER BY at DESC, id DESC LIMIT ?`, limit + 1)
        : this.#sql.all<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit WHERE (at, id) < (?, ?) ORDER BY at DESC, id DESC LIMIT ?`, query.after.at, query.after.id, limit + 1);
    return page(rows, limit, (r) => r.at, (kept) =>
      kept.map((r) => ({ id: r.id, at: r.at, tokenId: r.token_id, action: r.action, resourceId: r.resource_id, outcome: r.outcome })),
    );
  }

  /** Retention: deletes what fell due, in a bounded pass, and sets the next alarm (./retention.ts). */
  override async alarm(): Promise<void> {
    await retentionAlarm(this.ctx.storage, this.env.PAYLOADS, Date.now());
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

  /** The feed's rows as they are now, in the order of `rows`. */
  #feedItems(rows: readonly { kind: string; id: string; seq: number }[]): FeedRecord[] {
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
    return rows.flatMap((r): FeedRecord[] => {
      const event = events.get(r.id);
      if (r.kind === 'event' && event !== undefined) return [{ seq: r.seq, kind: 'event', event }];
      const refusal = refusals.get(r.id);
      if (r.kind === 'refusal' && refusal !== undefined) return [{ seq: r.seq, kind: 'refusal', refusal }];
      return [];
    });
  }

  /** Writes the event and, when it is new or its status moved, gives it the next change number. */
  #writeEventAndSequence(event: LoggedEvent, status: EventStatus, error: string | null, at: string): void {
    this.ctx.storage.transactionSync(() => {
      if (this.#writeEvent(event, status, error, at)) this.#sql.run(`UPDATE events SET seq = ? WHERE id = ?`, this.#nextSeq(), event.id);
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
