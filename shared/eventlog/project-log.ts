/**
 * One project's event log: its events with their runs, its aggregated refusals and its audit log,
 * in a Durable Object with SQLite storage (one per project, `idFromName(projectId)`), reached
 * through Workers RPC. The storage schema is in ./storage.ts; retention and erasure in
 * ./retention.ts.
 *
 * Invariants: payloads arrive and leave sealed (the log holds no key); every write is idempotent,
 * since a queue redelivery or a retried batch may repeat any of them; a status only moves forward
 * (accepted → dispatched | dead, dead → dispatched), never out of dispatched.
 */
import { DurableObject } from 'cloudflare:workers';
import { auditExpiresAt, erasePayloads, retentionAlarm, scheduleRetention } from './retention';
import { LogSql, jsonList, migrateLogStorage } from './storage';
import type {
  AuditEntry,
  AuditQuery,
  EventQuery,
  EventRecord,
  EventStatus,
  ExpungeOutcome,
  LogCursor,
  LogPage,
  LoggedEvent,
  LoggedRejection,
  LoggedRun,
  PayloadState,
  ProjectLogApi,
  RejectionQuery,
  RejectionRecord,
  RunRecord,
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
};

type AuditRow = { id: string; at: string; token_id: string; action: string; resource_id: string | null; outcome: string };

const AUDIT_COLUMNS = 'id, at, token_id, action, resource_id, outcome';
const EVENT_COLUMNS = 'id, webhook_id, delivery_id, status, received_at, error, payload_state, sealed_payload, payload_key';

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
      for (const event of events) this.#writeEvent(event, 'dispatched', null, at);
      for (const run of runs) {
        this.#sql.run(
          `INSERT INTO runs (id, event_id, workflow_id, status, created_at, dispatched_at) VALUES (?, ?, ?, 'dispatched', ?, ?) ON CONFLICT DO NOTHING`,
          run.id,
          run.eventId,
          run.workflowId,
          at,
          at,
        );
      }
    });
    await this.#scheduleEvents(events);
  }

  async recordFailedAttempt(event: LoggedEvent, error: string, at: string): Promise<void> {
    this.#writeEvent(event, 'accepted', error, at);
    await this.#scheduleEvents([event]);
  }

  async recordDead(event: LoggedEvent, error: string, at: string): Promise<void> {
    this.#writeEvent(event, 'dead', error, at);
    await this.#scheduleEvents([event]);
  }

  async recordRejections(rows: LoggedRejection[]): Promise<void> {
    if (rows.length === 0) return;
    this.ctx.storage.transactionSync(() => {
      for (const r of rows) {
        this.#sql.run(
          `INSERT INTO rejections (id, webhook_id, reason, http_status, count, first_at, last_at, detail, expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
          r.id,
          r.webhookId,
          r.reason,
          r.httpStatus,
          r.count,
          r.firstAt,
          r.lastAt,
          r.detail,
          r.expiresAt,
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
      `SELECT id, webhook_id, reason, http_status, count, first_at, last_at, detail FROM rejections
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY last_at DESC, id DESC LIMIT ?`,
      ...params,
      limit + 1,
    );
    return page(rows, limit, (r) => r.last_at, (kept) =>
      kept.map((r) => ({
        id: r.id,
        webhookId: r.webhook_id,
        reason: r.reason,
        httpStatus: r.http_status,
        count: r.count,
        firstAt: r.first_at,
        lastAt: r.last_at,
        detail: r.detail,
      })),
    );
  }

  async expungePayload(id: string, at: string): Promise<ExpungeOutcome> {
    const row = this.#sql.first<{ payload_key: string | null; payload_state: string }>(`SELECT payload_key, payload_state FROM events WHERE id = ?`, id);
    if (row === null) return { outcome: 'not-found' };
    if (row.payload_state !== 'kept') return { outcome: 'already-gone', state: goneState(row.payload_state) };
    const erased = await erasePayloads(this.#sql, this.env.PAYLOADS, [{ id, payload_key: row.payload_key }], 'expunged', at);
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

  #writeEvent(event: LoggedEvent, status: EventStatus, error: string | null, at: string): void {
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
