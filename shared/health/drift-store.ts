/**
 * Schema drift in the health object (README, "Schema drift"): the evidence — shape summaries of
 * accepted events (./shapes.ts) and the failing paths of content refusals — per webhook and hour,
 * and the proposals made from it (./proposals.ts). Every table is the project's own (one object
 * per project); nothing here holds a payload value, a secret, or a key that looks like data.
 *
 * | table              | one row per                                      | deleted when                      |
 * |--------------------|--------------------------------------------------|-----------------------------------|
 * | `drift_meta`       | setting (`schema_version`, `pruned_hour`)        | never                             |
 * | `drift_shapes`     | (webhook, hour, path, type) of accepted events:  | 8 days after its hour             |
 * |                    | in how many summarised events, first/last seen   |                                   |
 * | `drift_hours`      | (webhook, hour): events seen, events summarised  | 8 days after its hour             |
 * | `drift_refusals`   | (webhook, hour, path, type) of content refusals: | 8 days after its hour             |
 * |                    | how many, first/last seen                        |                                   |
 * | `drift_state`      | webhook: when its evidence was last compared     | never (one small row per webhook) |
 * |                    | with its schema, whether evidence came since     |                                   |
 * |                    | (`dirty`), the newest webhook version seen       |                                   |
 * | `drift_proposals`  | proposal; at most one `open` per webhook         | 90 days after it closed           |
 * | `drift_dismissed`  | (webhook, path, type) a person dismissed         | never: it is never proposed again |
 *
 * `hour` is the epoch hour (ms / 3,600,000); times are ISO-8601 UTC text, except `evaluated_at`
 * (epoch ms). At most 5,000 shape rows and 1,000 refusal rows per (webhook, hour): a sender whose
 * payloads name a new field per event cannot grow the object without bound.
 *
 * When evidence arrives, a webhook's proposal is brought up to date at most once per minute of
 * observation time (the webhook is marked `dirty` meanwhile); its schema is read from D1. Reading
 * proposals brings them up to date at once, with the schema the control API read, so a proposal
 * is never older than its evidence when someone looks. `schema_version` (the webhook's
 * `updated_at`) orders schemas read at different times: a comparison made with an older schema
 * than one already seen is dropped, so a read that raced an apply cannot revive what was applied.
 */
import { and, eq } from 'drizzle-orm';
import { storedSchema } from '../control/payload-schema';
import { createDb } from '../db/client';
import { inJsonArray } from '../db/json-rows';
import { webhooks } from '../db/schema';
import { bytesToHex } from '../encoding/hex';
import { utf8 } from '../encoding/utf8';
import type { LogSql } from '../eventlog/storage';
import { safeErrorText } from '../http/safe-error';
import { randomId } from '../ids';
import {
  EVIDENCE_WINDOW_HOURS,
  PROPOSAL_STATES,
  dismissalsOf,
  proposeSchemaChange,
  type Dismissal,
  type DriftEvidence,
  type EvidenceWindow,
  type PathEvidence,
  type ProposalState,
  type StoredProposal,
} from './proposals';
import { collapseDataKeys } from './shapes';
import { JSON_TYPES, type FailedPath, type JsonType, type ShapeObservation } from './types';

export type { FailedPath, ShapeObservation } from './types';
export type { ProposalState, StoredProposal } from './proposals';

export interface DriftDeps {
  sql: LogSql;
  storage: DurableObjectStorage;
  env: Env;
  projectId: string;
}

/** A webhook's schema as the caller read it from D1: the column's text and the row's `updated_at`. */
export interface CurrentSchema {
  schemaText: string;
  version: string;
}

export interface ProposalQuery {
  /** Default `open`; `all` lists every state. */
  state?: ProposalState | 'all' | undefined;
  limit: number;
  /** Newest `created_at` first; the cursor is the last row's (created_at, id). */
  after?: { at: string; id: string } | undefined;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Evidence is kept this long, for the 24-hour window with a week's margin to look back on. */
export const EVIDENCE_RETENTION_HOURS = 8 * 24;
const CLOSED_PROPOSAL_RETENTION_MS = 90 * DAY_MS;
/** A webhook's evidence is compared with its schema at most once per this much observation time. */
export const EVALUATION_DEBOUNCE_MS = 60_000;
const MAX_SHAPE_ROWS_PER_HOUR = 5_000;
const MAX_REFUSAL_ROWS_PER_HOUR = 1_000;
const MAX_PATH_LENGTH = 1_024;
/** Webhooks compared per observation; the rest stay dirty for the next one, a read, or the tick. */
const MAX_EVALUATIONS_PER_CALL = 20;

const MIGRATIONS: readonly (readonly string[])[] = [
  [
    `CREATE TABLE drift_shapes (
      webhook_id TEXT NOT NULL, hour INTEGER NOT NULL, path TEXT NOT NULL, type TEXT NOT NULL,
      count INTEGER NOT NULL, first_seen_at TEXT NOT NULL, last_seen_at TEXT NOT NULL,
      PRIMARY KEY (webhook_id, hour, path, type)
    ) WITHOUT ROWID`,
    `CREATE INDEX drift_shapes_hour ON drift_shapes (hour)`,
    `CREATE TABLE drift_hours (
      webhook_id TEXT NOT NULL, hour INTEGER NOT NULL, events_seen INTEGER NOT NULL, events_summarised INTEGER NOT NULL,
      PRIMARY KEY (webhook_id, hour)
    ) WITHOUT ROWID`,
    `CREATE INDEX drift_hours_hour ON drift_hours (hour)`,
    `CREATE TABLE drift_refusals (
      webhook_id TEXT NOT NULL, hour INTEGER NOT NULL, path TEXT NOT NULL, type TEXT NOT NULL,
      count INTEGER NOT NULL, first_seen_at TEXT NOT NULL, last_seen_at TEXT NOT NULL,
      PRIMARY KEY (webhook_id, hour, path, type)
    ) WITHOUT ROWID`,
    `CREATE INDEX drift_refusals_hour ON drift_refusals (hour)`,
    `CREATE TABLE drift_state (
      webhook_id TEXT PRIMARY KEY, evaluated_at INTEGER, dirty INTEGER NOT NULL DEFAULT 0, schema_version TEXT
    )`,
    `CREATE TABLE drift_proposals (
      id TEXT PRIMARY KEY,
      webhook_id TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('open', 'applied', 'dismissed', 'superseded')),
      base_schema_hash TEXT NOT NULL,
      schema TEXT NOT NULL,
      diff TEXT NOT NULL,
      evidence TEXT NOT NULL,
      evidence_window TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      closed_at TEXT
    )`,
    `CREATE UNIQUE INDEX drift_proposals_open ON drift_proposals (webhook_id) WHERE state = 'open'`,
    `CREATE INDEX drift_proposals_webhook ON drift_proposals (webhook_id, created_at, id)`,
    `CREATE INDEX drift_proposals_closed ON drift_proposals (closed_at) WHERE closed_at IS NOT NULL`,
    `CREATE TABLE drift_dismissed (
      webhook_id TEXT NOT NULL, path TEXT NOT NULL, type TEXT NOT NULL, proposal_id TEXT NOT NULL, dismissed_at TEXT NOT NULL,
      PRIMARY KEY (webhook_id, path, type)
    ) WITHOUT ROWID`,
  ],
];

/** Brings the drift tables up to the version this code reads; append migrations, never edit one. */
export function migrate(sql: LogSql): void {
  sql.run(`CREATE TABLE IF NOT EXISTS drift_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)`);
  const version = sql.first<{ value: number }>(`SELECT value FROM drift_meta WHERE key = 'schema_version'`)?.value ?? 0;
  for (let next = version; next < MIGRATIONS.length; next++) {
    for (const statement of MIGRATIONS[next] ?? []) sql.run(statement);
    sql.run(`INSERT INTO drift_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, next + 1);
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A time within `hour`: an observation reported late still reads as seen in its own hour. */
function withinHour(hour: number, at: number): string {
  return iso(Math.min(Math.max(at, hour * HOUR_MS), (hour + 1) * HOUR_MS - 1));
}

function hourIsKept(hour: number, now: number): boolean {
  const current = Math.floor(now / HOUR_MS);
  return Number.isSafeInteger(hour) && hour > current - EVIDENCE_RETENTION_HOURS && hour <= current + 1;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function isPath(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('/') && value.length <= MAX_PATH_LENGTH;
}

const SHAPE_TYPES: ReadonlySet<string> = new Set(JSON_TYPES);
const REFUSED_TYPES: ReadonlySet<string> = new Set([...JSON_TYPES, 'missing']);

/**
 * Upserts (path, type, count) rows of one (webhook, hour) into `table`, keeping at most `cap` rows
 * there: rows already kept always grow, new ones only while there is room.
 */
function upsertPathRows(sql: LogSql, table: 'drift_shapes' | 'drift_refusals', webhookId: string, hour: number, rows: readonly [string, string, number][], seenAt: string, cap: number): void {
  if (rows.length === 0) return;
  const kept = sql.first<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE webhook_id = ? AND hour = ?`, webhookId, hour)?.n ?? 0;
  let admitted = rows;
  if (kept + rows.length > cap) {
    const known = new Set(
      sql
        .all<{ path: string; type: string }>(
          `SELECT value ->> 0 AS path, value ->> 1 AS type FROM json_each(?) AS j
           WHERE EXISTS (SELECT 1 FROM ${table} AS t WHERE t.webhook_id = ? AND t.hour = ? AND t.path = j.value ->> 0 AND t.type = j.value ->> 1)`,
          JSON.stringify(rows),
          webhookId,
          hour,
        )
        .map((r) => `${r.type} ${r.path}`),
    );
    let room = Math.max(0, cap - kept);
    admitted = rows.filter(([path, type]) => known.has(`${type} ${path}`) || room-- > 0);
  }
  if (admitted.length === 0) return;
  sql.run(
    `INSERT INTO ${table} (webhook_id, hour, path, type, count, first_seen_at, last_seen_at)
     SELECT ?, ?, value ->> 0, value ->> 1, value ->> 2, ?, ? FROM json_each(?) WHERE true
     ON CONFLICT (webhook_id, hour, path, type) DO UPDATE SET
       count = count + excluded.count,
       first_seen_at = min(first_seen_at, excluded.first_seen_at),
       last_seen_at = max(last_seen_at, excluded.last_seen_at)`,
    webhookId,
    hour,
    seenAt,
    seenAt,
    JSON.stringify(admitted),
  );
}

/** Marks webhooks as having new evidence, to be compared with their schema when next due. */
function markDirty(sql: LogSql, webhookIds: Iterable<string>): void {
  for (const webhookId of webhookIds) {
    sql.run(`INSERT INTO drift_state (webhook_id, dirty) VALUES (?, 1) ON CONFLICT (webhook_id) DO UPDATE SET dirty = 1`, webhookId);
  }
}

/**
 * Keeps the consumer's shape summaries (`observeAccepted`), then brings due webhooks' proposals
 * up to date. Observations of hours no longer kept (or not yet begun) are dropped, as are rows that
 * are not paths and types: the summaries come from our own consumer, but are checked like input.
 */
export async function observeShapes(deps: DriftDeps, shapes: ShapeObservation[], now: number): Promise<void> {
  const touched = new Set<string>();
  deps.storage.transactionSync(() => {
    for (const shape of shapes) {
      if (typeof shape.webhookId !== 'string' || !hourIsKept(shape.hour, now)) continue;
      const summarised = Number.isSafeInteger(shape.eventsSummarised) && shape.eventsSummarised > 0 ? shape.eventsSummarised : 0;
      const seen = Math.max(summarised, Number.isSafeInteger(shape.eventsSeen) && shape.eventsSeen > 0 ? shape.eventsSeen : 0);
      if (seen === 0) continue;
      deps.sql.run(
        `INSERT INTO drift_hours (webhook_id, hour, events_seen, events_summarised) VALUES (?, ?, ?, ?)
         ON CONFLICT (webhook_id, hour) DO UPDATE SET events_seen = events_seen + excluded.events_seen, events_summarised = events_summarised + excluded.events_summarised`,
        shape.webhookId,
        shape.hour,
        seen,
        summarised,
      );
      const rows = (Array.isArray(shape.paths) ? shape.paths : [])
        .filter((p) => isPath(p.path) && SHAPE_TYPES.has(p.type) && isCount(p.count))
        .map((p): [string, string, number] => [p.path, p.type, Math.min(p.count, summarised)]);
      upsertPathRows(deps.sql, 'drift_shapes', shape.webhookId, shape.hour, rows, withinHour(shape.hour, now), MAX_SHAPE_ROWS_PER_HOUR);
      touched.add(shape.webhookId);
    }
    markDirty(deps.sql, touched);
    prune(deps.sql, now);
  });
  await evaluateDue(deps, now);
}

/**
 * Keeps the failing paths of a webhook's content refusals (schema mismatches): per hour, path and
 * the type the sender put there (`missing` for an absent required field), counted. Data-like keys
 * are folded to `*` as the shape summaries fold them. The issue engine calls it for each content
 * refusal flush; `at` is when the refusals happened.
 */
export async function observeRefusedPaths(deps: DriftDeps, webhookId: string, paths: FailedPath[], at: number): Promise<void> {
  const hour = Math.floor(at / HOUR_MS);
  if (!Number.isSafeInteger(hour)) return;
  const merged = new Map<string, [string, string, number]>();
  for (const failed of paths) {
    if (!isPath(failed.path) || !REFUSED_TYPES.has(failed.type) || !isCount(failed.count)) continue;
    const path = collapseDataKeys(failed.path);
    const key = `${failed.type} ${path}`;
    const row = merged.get(key);
    if (row === undefined) merged.set(key, [path, failed.type, failed.count]);
    else row[2] += failed.count;
  }
  if (merged.size === 0) return;
  deps.storage.transactionSync(() => {
    upsertPathRows(deps.sql, 'drift_refusals', webhookId, hour, [...merged.values()], iso(at), MAX_REFUSAL_ROWS_PER_HOUR);
    markDirty(deps.sql, [webhookId]);
    prune(deps.sql, at);
  });
  await evaluateDue(deps, at);
}

/** Deletes evidence older than it is kept, and proposals closed long ago; at most once per hour. */
export function prune(sql: LogSql, now: number): void {
  const hour = Math.floor(now / HOUR_MS);
  const last = sql.first<{ value: number }>(`SELECT value FROM drift_meta WHERE key = 'pruned_hour'`)?.value;
  if (last === hour) return;
  const oldest = hour - EVIDENCE_RETENTION_HOURS;
  for (const table of ['drift_shapes', 'drift_hours', 'drift_refusals']) sql.run(`DELETE FROM ${table} WHERE hour <= ?`, oldest);
  sql.run(`DELETE FROM drift_proposals WHERE closed_at IS NOT NULL AND closed_at < ?`, iso(now - CLOSED_PROPOSAL_RETENTION_MS));
  sql.run(`INSERT INTO drift_meta (key, value) VALUES ('pruned_hour', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, hour);
}

/**
 * Brings up to date the proposals of webhooks with new evidence whose last comparison is at least a
 * minute (of observation time) old, reading their schemas from D1. Never throws: evidence is kept
 * either way, and a webhook whose comparison failed stays dirty for the next turn.
 */
export async function evaluateDue(deps: DriftDeps, now: number): Promise<void> {
  const due = deps.sql
    .all<{ webhook_id: string }>(
      `SELECT webhook_id FROM drift_state WHERE dirty = 1 AND (evaluated_at IS NULL OR evaluated_at <= ? OR evaluated_at > ?) LIMIT ?`,
      now - EVALUATION_DEBOUNCE_MS,
      now,
      MAX_EVALUATIONS_PER_CALL,
    )
    .map((r) => r.webhook_id);
  if (due.length === 0) return;
  // Claimed before the await: a call arriving meanwhile does not compare the same webhooks again.
  for (const webhookId of due) deps.sql.run(`UPDATE drift_state SET dirty = 0, evaluated_at = ? WHERE webhook_id = ?`, now, webhookId);
  try {
    const rows = await createDb(deps.env.DB)
      .select({ id: webhooks.id, schema: webhooks.schema, updatedAt: webhooks.updatedAt })
      .from(webhooks)
      .where(and(eq(webhooks.projectId, deps.projectId), inJsonArray(webhooks.id, due)))
      .all();
    const current = await Promise.all(rows.map(async (row) => ({ webhookId: row.id, schema: await hashed({ schemaText: row.schema, version: row.updatedAt }) })));
    deps.storage.transactionSync(() => {
      for (const { webhookId, schema } of current) refresh(deps.sql, webhookId, schema, now, true);
    });
  } catch (error) {
    markDirty(deps.sql, due);
    console.error('schema drift: comparing evidence with schemas failed', safeErrorText(error));
  }
}

/** A deleted webhook's evidence, proposals and dismissals: nothing of it is kept once the webhook is gone. */
export function forgetWebhook(sql: LogSql, webhookId: string): void {
  for (const table of ['drift_shapes', 'drift_hours', 'drift_refusals', 'drift_state', 'drift_proposals', 'drift_dismissed']) {
    sql.run(`DELETE FROM ${table} WHERE webhook_id = ?`, webhookId);
  }
}

/** When `evaluateDue` next has a webhook to compare (its debounce over), or null when no evidence waits. */
export function nextEvaluationDue(sql: LogSql): number | null {
  const row = sql.first<{ at: number | null }>(`SELECT MIN(COALESCE(evaluated_at, 0)) AS at FROM drift_state WHERE dirty = 1`);
  return row === null || row.at === null ? null : row.at + EVALUATION_DEBOUNCE_MS;
}

type HashedSchema = CurrentSchema & { hash: string };

async function hashed(current: CurrentSchema): Promise<HashedSchema> {
  return { ...current, hash: await schemaHash(current.schemaText) };
}

/** SHA-256 (hex) of a schema column: a proposal made against another text is superseded. */
export async function schemaHash(schemaText: string): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(schemaText))));
}

interface ProposalRow extends Record<string, SqlStorageValue> {
  id: string;
  webhook_id: string;
  state: string;
  base_schema_hash: string;
  schema: string;
  diff: string;
  evidence: string;
  evidence_window: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

const PROPOSAL_COLUMNS = 'id, webhook_id, state, base_schema_hash, schema, diff, evidence, evidence_window, created_at, updated_at, closed_at';

function stateOf(value: string): ProposalState {
  const found = PROPOSAL_STATES.find((s) => s === value);
  if (found === undefined) throw new Error(`drift_proposals holds an unknown state ${JSON.stringify(value)}`);
  return found;
}

function recordOf(row: ProposalRow): StoredProposal {
  return {
    id: row.id,
    webhook_id: row.webhook_id,
    state: stateOf(row.state),
    base_schema_hash: row.base_schema_hash,
    schema: JSON.parse(row.schema) as StoredProposal['schema'],
    diff: JSON.parse(row.diff) as StoredProposal['diff'],
    evidence: JSON.parse(row.evidence) as StoredProposal['evidence'],
    window: JSON.parse(row.evidence_window) as EvidenceWindow,
    created_at: row.created_at,
    updated_at: row.updated_at,
    closed_at: row.closed_at,
  };
}

/** The webhook's evidence over the window ending at `now`. */
function evidenceOf(sql: LogSql, webhookId: string, now: number): DriftEvidence & { refusalCount: number } {
  const since = Math.floor(now / HOUR_MS) - EVIDENCE_WINDOW_HOURS;
  const totals = sql.first<{ seen: number; summarised: number }>(
    `SELECT COALESCE(SUM(events_seen), 0) AS seen, COALESCE(SUM(events_summarised), 0) AS summarised FROM drift_hours WHERE webhook_id = ? AND hour > ?`,
    webhookId,
    since,
  );
  const rowsOf = (table: 'drift_shapes' | 'drift_refusals') =>
    sql
      .all<{ path: string; type: string; count: number; first_seen_at: string; last_seen_at: string }>(
        `SELECT path, type, SUM(count) AS count, MIN(first_seen_at) AS first_seen_at, MAX(last_seen_at) AS last_seen_at
         FROM ${table} WHERE webhook_id = ? AND hour > ? GROUP BY path, type ORDER BY path, type`,
        webhookId,
        since,
      )
      .map((r) => ({ path: r.path, type: r.type, count: r.count, firstSeenAt: r.first_seen_at, lastSeenAt: r.last_seen_at }));
  const shapes = rowsOf('drift_shapes').filter((r): r is PathEvidence => SHAPE_TYPES.has(r.type));
  const refusals = rowsOf('drift_refusals').filter((r): r is PathEvidence<JsonType | 'missing'> => REFUSED_TYPES.has(r.type));
  return {
    eventsSeen: totals?.seen ?? 0,
    eventsSummarised: totals?.summarised ?? 0,
    shapes,
    refusals,
    refusalCount: refusals.reduce((sum, r) => sum + r.count, 0),
  };
}

function dismissalsFor(sql: LogSql, webhookId: string): Dismissal[] {
  return sql
    .all<{ path: string; type: string }>(`SELECT path, type FROM drift_dismissed WHERE webhook_id = ?`, webhookId)
    .filter((r): r is Dismissal => REFUSED_TYPES.has(r.type));
}

function openProposal(sql: LogSql, webhookId: string): ProposalRow | null {
  return sql.first<ProposalRow>(`SELECT ${PROPOSAL_COLUMNS} FROM drift_proposals WHERE webhook_id = ? AND state = 'open'`, webhookId);
}

/**
 * Brings one webhook's proposal up to date with `current` (its schema now): the open proposal is
 * superseded when it was made against another schema; with `evaluate`, the evidence is compared
 * with the schema and the open proposal updated in place, or a new one opened. Synchronous, so no
 * other call interleaves between the read and the write.
 */
function refresh(sql: LogSql, webhookId: string, current: HashedSchema, now: number, evaluate: boolean): void {
  const known = sql.first<{ schema_version: string | null }>(`SELECT schema_version FROM drift_state WHERE webhook_id = ?`, webhookId)?.schema_version ?? null;
  if (known !== null && current.version < known) return;
  sql.run(
    `INSERT INTO drift_state (webhook_id, schema_version) VALUES (?, ?) ON CONFLICT (webhook_id) DO UPDATE SET schema_version = excluded.schema_version`,
    webhookId,
    current.version,
  );
  const stamp = iso(now);
  let open = openProposal(sql, webhookId);
  if (open !== null && open.base_schema_hash !== current.hash) {
    sql.run(`UPDATE drift_proposals SET state = 'superseded', updated_at = ?, closed_at = ? WHERE id = ?`, stamp, stamp, open.id);
    open = null;
  }
  if (!evaluate) return;
  sql.run(`UPDATE drift_state SET dirty = 0, evaluated_at = ? WHERE webhook_id = ?`, now, webhookId);

  const evidence = evidenceOf(sql, webhookId, now);
  const proposed = proposeSchemaChange(storedSchema(current.schemaText), evidence, dismissalsFor(sql, webhookId));
  // Evidence that no longer calls for a change leaves an open proposal as it was made.
  if (proposed === null) return;
  const window: EvidenceWindow = { hours: EVIDENCE_WINDOW_HOURS, events_seen: evidence.eventsSeen, events_summarised: evidence.eventsSummarised, refusals: evidence.refusalCount };
  const columns = [JSON.stringify(proposed.schema), JSON.stringify(proposed.diff), JSON.stringify(proposed.evidence), JSON.stringify(window)] as const;
  if (open !== null) {
    if (open.schema === columns[0] && open.diff === columns[1] && open.evidence === columns[2] && open.evidence_window === columns[3]) return;
    sql.run(`UPDATE drift_proposals SET schema = ?, diff = ?, evidence = ?, evidence_window = ?, updated_at = ? WHERE id = ?`, ...columns, stamp, open.id);
    return;
  }
  sql.run(
    `INSERT INTO drift_proposals (id, webhook_id, state, base_schema_hash, schema, diff, evidence, evidence_window, created_at, updated_at) VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?, ?)`,
    randomId('prp'),
    webhookId,
    current.hash,
    ...columns,
    stamp,
    stamp,
  );
}

function proposalRow(sql: LogSql, webhookId: string, id: string): ProposalRow | null {
  return sql.first<ProposalRow>(`SELECT ${PROPOSAL_COLUMNS} FROM drift_proposals WHERE id = ? AND webhook_id = ?`, id, webhookId);
}

/** A webhook's proposals, newest first, brought up to date with its schema now (`current`). */
export async function listProposals(deps: DriftDeps, webhookId: string, current: CurrentSchema, query: ProposalQuery, now: number): Promise<{ items: StoredProposal[]; next: { at: string; id: string } | null }> {
  const schema = await hashed(current);
  return deps.storage.transactionSync(() => {
    refresh(deps.sql, webhookId, schema, now, true);
    const state = query.state ?? 'open';
    const conditions = ['webhook_id = ?'];
    const params: SqlStorageValue[] = [webhookId];
    if (state !== 'all') {
      conditions.push('state = ?');
      params.push(state);
    }
    if (query.after !== undefined) {
      conditions.push('(created_at < ? OR (created_at = ? AND id < ?))');
      params.push(query.after.at, query.after.at, query.after.id);
    }
    const rows = deps.sql.all<ProposalRow>(
      `SELECT ${PROPOSAL_COLUMNS} FROM drift_proposals WHERE ${conditions.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ?`,
      ...params,
      query.limit + 1,
    );
    const items = rows.slice(0, query.limit).map(recordOf);
    const last = items[items.length - 1];
    return { items, next: rows.length > query.limit && last !== undefined ? { at: last.created_at, id: last.id } : null };
  });
}

/**
 * One proposal of the webhook, or null. With `evaluate` (a person looking at it) it is brought up
 * to date with the evidence first; without (about to be applied or dismissed) it is only checked
 * against the schema, so what is acted on is what was shown.
 */
export async function getProposal(deps: DriftDeps, webhookId: string, id: string, current: CurrentSchema, now: number, evaluate: boolean): Promise<StoredProposal | null> {
  const schema = await hashed(current);
  return deps.storage.transactionSync(() => {
    refresh(deps.sql, webhookId, schema, now, evaluate);
    const row = proposalRow(deps.sql, webhookId, id);
    return row === null ? null : recordOf(row);
  });
}

/**
 * Dismisses an open proposal: it closes, and none of its (path, type) changes is proposed again
 * for this webhook. A proposal in another state is answered as it is (a repeated dismiss finds it
 * dismissed); null when the webhook has no such proposal.
 */
export async function dismissProposal(deps: DriftDeps, webhookId: string, id: string, current: CurrentSchema, now: number): Promise<StoredProposal | null> {
  const schema = await hashed(current);
  return deps.storage.transactionSync(() => {
    refresh(deps.sql, webhookId, schema, now, false);
    const row = proposalRow(deps.sql, webhookId, id);
    if (row === null) return null;
    if (row.state !== 'open') return recordOf(row);
    const stamp = iso(now);
    deps.sql.run(`UPDATE drift_proposals SET state = 'dismissed', updated_at = ?, closed_at = ? WHERE id = ?`, stamp, stamp, id);
    for (const dismissal of dismissalsOf(recordOf(row).diff)) {
      deps.sql.run(
        `INSERT INTO drift_dismissed (webhook_id, path, type, proposal_id, dismissed_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        webhookId,
        dismissal.path,
        dismissal.type,
        id,
        stamp,
      );
    }
    const dismissed = proposalRow(deps.sql, webhookId, id);
    return dismissed === null ? null : recordOf(dismissed);
  });
}

/**
 * Records that the proposal's schema is now the webhook's (the control API wrote it to D1 first):
 * it closes as applied, and `applied` becomes the newest schema version this object knows, so a
 * comparison still holding the schema from before cannot open the same proposal again.
 */
export function markApplied(deps: DriftDeps, webhookId: string, id: string, applied: CurrentSchema, now: number): StoredProposal | null {
  return deps.storage.transactionSync(() => {
    const row = proposalRow(deps.sql, webhookId, id);
    if (row === null) return null;
    if (row.state !== 'applied') {
      const stamp = iso(now);
      deps.sql.run(`UPDATE drift_proposals SET state = 'applied', updated_at = ?, closed_at = ? WHERE id = ?`, stamp, stamp, id);
    }
    deps.sql.run(
      `INSERT INTO drift_state (webhook_id, schema_version) VALUES (?, ?) ON CONFLICT (webhook_id) DO UPDATE SET schema_version = max(COALESCE(schema_version, ''), excluded.schema_version)`,
      webhookId,
      applied.version,
    );
    const updated = proposalRow(deps.sql, webhookId, id);
    return updated === null ? null : recordOf(updated);
  });
}
