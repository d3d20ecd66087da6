/**
 * Issues in a project's health object (./sender-health.ts): the counts the rules read, the issues
 * themselves, and the outbox of notices not yet handed to the notifications queue.
 *
 * | table             | one row per                       | kept                                  |
 * |-------------------|-----------------------------------|---------------------------------------|
 * | `health_refusals` | (webhook, cause, epoch minute)    | a day (the longest threshold window)  |
 * | `health_refused_paths` | (webhook, minute, path, type): content refusals failing there | a day |
 * | `health_requests` | (webhook, epoch minute): accepted and refused | a day                     |
 * | `health_hours`    | (webhook, epoch hour): requests   | 8 days (silence needs 7 days of history) |
 * | `health_webhooks` | webhook: its last request         | as long as the object                 |
 * | `issues`          | (webhook, cause), re-opened in place | as long as the object              |
 * | `issue_outbox`    | notice not yet queued             | until the queue takes it              |
 *
 * Nothing here is a payload value: counts, JSON paths, value types, times, problem codes.
 */
import { randomId } from '../ids';
import type { LogSql } from '../eventlog/storage';
import { causeOf, summaryOf } from './causes';
import { QUIET_BEFORE_RESOLVED_MS, type Thresholds } from './thresholds';
import type { FailedPath, IssueCause, IssueNotice, IssueQuery, IssueRecord, IssueSample, IssueState, IssueTransition, RefusalObservation, SettableIssueState, TrafficObservation } from './types';

export interface IssuesDeps {
  sql: LogSql;
  storage: DurableObjectStorage;
  projectId: string;
  /** The webhook's thresholds in force (its overrides over the defaults). */
  thresholds: (webhookId: string) => Promise<Thresholds>;
  /** Hands notices to the notifications queue; throws when it could not (they stay in the outbox). */
  announce: (notice: IssueNotice) => Promise<void>;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MINUTES = 1_440;
const HISTORY_HOURS = 168;
const MAX_SAMPLES = 20;
const MAX_PATHS = 20;

export function migrate(sql: LogSql): void {
  sql.run(`CREATE TABLE IF NOT EXISTS health_refusals (webhook_id TEXT NOT NULL, cause TEXT NOT NULL, minute INTEGER NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (webhook_id, cause, minute)) WITHOUT ROWID`);
  sql.run(`CREATE TABLE IF NOT EXISTS health_refused_paths (webhook_id TEXT NOT NULL, minute INTEGER NOT NULL, path TEXT NOT NULL, type TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (webhook_id, minute, path, type)) WITHOUT ROWID`);
  sql.run(`CREATE TABLE IF NOT EXISTS health_requests (webhook_id TEXT NOT NULL, minute INTEGER NOT NULL, accepted INTEGER NOT NULL, refused INTEGER NOT NULL, PRIMARY KEY (webhook_id, minute)) WITHOUT ROWID`);
  sql.run(`CREATE TABLE IF NOT EXISTS health_hours (webhook_id TEXT NOT NULL, hour INTEGER NOT NULL, requests INTEGER NOT NULL, PRIMARY KEY (webhook_id, hour)) WITHOUT ROWID`);
  sql.run(`CREATE TABLE IF NOT EXISTS health_webhooks (webhook_id TEXT PRIMARY KEY, first_request_ms INTEGER NOT NULL, last_request_ms INTEGER NOT NULL)`);
  sql.run(
    `CREATE TABLE IF NOT EXISTS issues (
       id TEXT PRIMARY KEY, webhook_id TEXT NOT NULL, cause TEXT NOT NULL, state TEXT NOT NULL,
       first_seen_at TEXT NOT NULL, last_seen_at TEXT NOT NULL, last_seen_ms INTEGER NOT NULL, opened_at TEXT NOT NULL,
       acknowledged_at TEXT, resolved_at TEXT, count INTEGER NOT NULL, reopen_count INTEGER NOT NULL,
       transitions INTEGER NOT NULL, samples TEXT NOT NULL, top_paths TEXT NOT NULL,
       UNIQUE (webhook_id, cause))`,
  );
  sql.run(`CREATE INDEX IF NOT EXISTS issues_by_last_seen ON issues (last_seen_at, id)`);
  sql.run(`CREATE TABLE IF NOT EXISTS issue_outbox (id TEXT PRIMARY KEY, notice TEXT NOT NULL)`);
}

type IssueRow = {
  id: string;
  webhook_id: string;
  cause: string;
  state: string;
  first_seen_at: string;
  last_seen_at: string;
  last_seen_ms: number;
  opened_at: string;
  acknowledged_at: string | null;
  resolved_at: string | null;
  count: number;
  reopen_count: number;
  transitions: number;
  samples: string;
  top_paths: string;
};

function record(r: IssueRow): IssueRecord {
  const topPaths = JSON.parse(r.top_paths) as FailedPath[];
  const cause = r.cause as IssueCause;
  return {
    id: r.id,
    webhookId: r.webhook_id,
    cause,
    state: r.state as IssueState,
    summary: summaryOf(cause, { count: r.count, topPath: topPaths[0]?.path, quietMinutes: cause === 'silence' ? Math.round((r.last_seen_ms - Date.parse(r.first_seen_at)) / MINUTE_MS) : undefined }),
    firstSeenAt: r.first_seen_at,
    lastSeenAt: r.last_seen_at,
    openedAt: r.opened_at,
    acknowledgedAt: r.acknowledged_at,
    resolvedAt: r.resolved_at,
    count: r.count,
    reopenCount: r.reopen_count,
    samples: JSON.parse(r.samples) as IssueSample[],
    topPaths,
  };
}

function issueOf(sql: LogSql, webhookId: string, cause: IssueCause): IssueRow | null {
  return sql.first<IssueRow>(`SELECT * FROM issues WHERE webhook_id = ? AND cause = ?`, webhookId, cause);
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Adds `paths` to `into`, most frequent first, keeping the top MAX_PATHS. */
function mergePaths(into: FailedPath[], paths: readonly FailedPath[]): FailedPath[] {
  const merged = new Map(into.map((p) => [`${p.path}\n${p.type}`, { ...p }]));
  for (const p of paths) {
    const key = `${p.path}\n${p.type}`;
    const row = merged.get(key);
    if (row === undefined) merged.set(key, { ...p });
    else row.count += p.count;
  }
  return [...merged.values()].sort((a, b) => b.count - a.count || a.path.localeCompare(b.path)).slice(0, MAX_PATHS);
}

/** Queues a notice in the outbox, in the caller's transaction, so a transition is never announced twice or lost. */
function enqueueNotice(sql: LogSql, projectId: string, row: IssueRow, transition: IssueTransition, at: number): void {
  const notice: IssueNotice = { id: `ntf_${row.id.slice(4)}_${row.transitions}`, projectId, transition, at: iso(at), issue: record(row) };
  sql.run(`INSERT INTO issue_outbox (id, notice) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`, notice.id, JSON.stringify(notice));
}

/** Opens the (webhook, cause) issue, or re-opens it when it was resolved; an ignored issue stays ignored. */
function openIssue(deps: IssuesDeps, webhookId: string, cause: IssueCause, occurrence: { count: number; at: number; sample: IssueSample | null; paths: readonly FailedPath[] }, now: number): void {
  const { sql } = deps;
  const existing = issueOf(sql, webhookId, cause);
  const samples = occurrence.sample === null ? [] : [occurrence.sample];
  if (existing === null) {
    const id = randomId('iss');
    sql.run(
      `INSERT INTO issues (id, webhook_id, cause, state, first_seen_at, last_seen_at, last_seen_ms, opened_at, acknowledged_at, resolved_at, count, reopen_count, transitions, samples, top_paths)
       VALUES (?, ?, ?, 'open', ?, ?, ?, ?, NULL, NULL, ?, 0, 1, ?, ?)`,
      id,
      webhookId,
      cause,
      iso(occurrence.at),
      iso(occurrence.at),
      occurrence.at,
      iso(now),
      occurrence.count,
      JSON.stringify(samples),
      JSON.stringify(mergePaths([], occurrence.paths)),
    );
    const row = issueOf(sql, webhookId, cause);
    if (row !== null) enqueueNotice(sql, deps.projectId, row, 'opened', now);
    return;
  }
  if (existing.state !== 'resolved') return;
  sql.run(
    `UPDATE issues SET state = 'open', opened_at = ?, acknowledged_at = NULL, resolved_at = NULL, reopen_count = reopen_count + 1,
       transitions = transitions + 1, count = count + ?, last_seen_at = ?, last_seen_ms = ?, samples = ?, top_paths = ? WHERE id = ?`,
    iso(now),
    occurrence.count,
    iso(Math.max(occurrence.at, existing.last_seen_ms)),
    Math.max(occurrence.at, existing.last_seen_ms),
    JSON.stringify([...samples, ...(JSON.parse(existing.samples) as IssueSample[])].slice(0, MAX_SAMPLES)),
    JSON.stringify(mergePaths(JSON.parse(existing.top_paths) as FailedPath[], occurrence.paths)),
    existing.id,
  );
  const row = issueOf(sql, webhookId, cause);
  if (row !== null) enqueueNotice(sql, deps.projectId, row, 'reopened', now);
}

/** Counts an occurrence against an issue that is open, acknowledged or ignored (it keeps it from resolving). */
function countOccurrence(sql: LogSql, row: IssueRow, occurrence: { count: number; at: number; sample: IssueSample | null; paths: readonly FailedPath[] }): void {
  const lastMs = Math.max(occurrence.at, row.last_seen_ms);
  sql.run(
    `UPDATE issues SET count = count + ?, last_seen_at = ?, last_seen_ms = ?, samples = ?, top_paths = ? WHERE id = ?`,
    occurrence.count,
    iso(lastMs),
    lastMs,
    JSON.stringify((occurrence.sample === null ? [] : [occurrence.sample]).concat(JSON.parse(row.samples) as IssueSample[]).slice(0, MAX_SAMPLES)),
    JSON.stringify(mergePaths(JSON.parse(row.top_paths) as FailedPath[], occurrence.paths)),
    row.id,
  );
}

function resolveIssue(deps: IssuesDeps, row: IssueRow, now: number): void {
  deps.sql.run(`UPDATE issues SET state = 'resolved', resolved_at = ?, transitions = transitions + 1 WHERE id = ?`, iso(now), row.id);
  const updated = deps.sql.first<IssueRow>(`SELECT * FROM issues WHERE id = ?`, row.id);
  if (updated !== null) enqueueNotice(deps.sql, deps.projectId, updated, 'resolved', now);
}

/** Notes requests of a webhook (accepted or refused) at `minute`: its traffic for the auth share and for silence. */
function noteRequests(sql: LogSql, webhookId: string, minute: number, accepted: number, refused: number): void {
  sql.run(
    `INSERT INTO health_requests (webhook_id, minute, accepted, refused) VALUES (?, ?, ?, ?)
     ON CONFLICT (webhook_id, minute) DO UPDATE SET accepted = accepted + excluded.accepted, refused = refused + excluded.refused`,
    webhookId,
    minute,
    accepted,
    refused,
  );
  sql.run(
    `INSERT INTO health_hours (webhook_id, hour, requests) VALUES (?, ?, ?) ON CONFLICT (webhook_id, hour) DO UPDATE SET requests = requests + excluded.requests`,
    webhookId,
    Math.floor((minute * MINUTE_MS) / HOUR_MS),
    accepted + refused,
  );
  const at = minute * MINUTE_MS;
  sql.run(
    `INSERT INTO health_webhooks (webhook_id, first_request_ms, last_request_ms) VALUES (?, ?, ?)
     ON CONFLICT (webhook_id) DO UPDATE SET first_request_ms = MIN(first_request_ms, excluded.first_request_ms), last_request_ms = MAX(last_request_ms, excluded.last_request_ms)`,
    webhookId,
    at,
    at,
  );
}

/** Traffic came back: a silence issue of this webhook resolves at once. */
function endSilence(deps: IssuesDeps, webhookId: string, now: number): void {
  const silence = issueOf(deps.sql, webhookId, 'silence');
  if (silence !== null && (silence.state === 'open' || silence.state === 'acknowledged')) resolveIssue(deps, silence, now);
}

function sumRefusals(sql: LogSql, webhookId: string, cause: IssueCause, fromMinute: number, toMinute: number): number {
  return sql.first<{ n: number | null }>(`SELECT SUM(count) AS n FROM health_refusals WHERE webhook_id = ? AND cause = ? AND minute >= ? AND minute <= ?`, webhookId, cause, fromMinute, toMinute)?.n ?? 0;
}

function refusedPathsIn(sql: LogSql, webhookId: string, fromMinute: number, toMinute: number): FailedPath[] {
  return sql.all<{ path: string; type: string; count: number }>(
    `SELECT path, type, SUM(count) AS count FROM health_refused_paths WHERE webhook_id = ? AND minute >= ? AND minute <= ? GROUP BY path, type ORDER BY count DESC LIMIT ?`,
    webhookId,
    fromMinute,
    toMinute,
    MAX_PATHS,
  ).map((r) => ({ path: r.path, type: r.type as FailedPath['type'], count: r.count }));
}

function sumRequests(sql: LogSql, webhookId: string, fromMinute: number, toMinute: number): number {
  return sql.first<{ n: number | null }>(`SELECT SUM(accepted + refused) AS n FROM health_requests WHERE webhook_id = ? AND minute >= ? AND minute <= ?`, webhookId, fromMinute, toMinute)?.n ?? 0;
}

/**
 * A flush of refusals: counted, and an issue opened when its cause crosses the webhook's threshold
 * (or counted against the issue already open). Times are the refusals' own, so a moved clock in a
 * test moves the rules with it.
 */
export async function observeRefusals(deps: IssuesDeps, rows: readonly RefusalObservation[], now: number): Promise<void> {
  const relevant = rows.flatMap((row) => {
    const cause = causeOf(row.reason);
    return cause === null ? [] : [{ row, cause }];
  });
  const thresholds = new Map<string, Thresholds>();
  for (const webhookId of new Set(rows.map((r) => r.webhookId))) thresholds.set(webhookId, await deps.thresholds(webhookId));
  const { sql } = deps;
  deps.storage.transactionSync(() => {
    for (const row of rows) {
      const at = Date.parse(row.lastAt) || now;
      noteRequests(sql, row.webhookId, Math.floor(at / MINUTE_MS), 0, row.count);
      endSilence(deps, row.webhookId, now);
    }
    for (const { row, cause } of relevant) {
      const at = Date.parse(row.lastAt) || now;
      const minute = Math.floor(at / MINUTE_MS);
      sql.run(
        `INSERT INTO health_refusals (webhook_id, cause, minute, count) VALUES (?, ?, ?, ?) ON CONFLICT (webhook_id, cause, minute) DO UPDATE SET count = count + excluded.count`,
        row.webhookId,
        cause,
        minute,
        row.count,
      );
      for (const p of row.paths) {
        sql.run(
          `INSERT INTO health_refused_paths (webhook_id, minute, path, type, count) VALUES (?, ?, ?, ?, ?) ON CONFLICT (webhook_id, minute, path, type) DO UPDATE SET count = count + excluded.count`,
          row.webhookId,
          minute,
          p.path,
          p.type,
          p.count,
        );
      }
      const threshold = thresholds.get(row.webhookId)?.[cause];
      const occurrence = { count: row.count, at, sample: { reason: row.reason, at: row.lastAt, count: row.count, paths: row.paths.map((p) => p.path).slice(0, 5) }, paths: row.paths };
      const existing = issueOf(sql, row.webhookId, cause);
      if (existing !== null && existing.state !== 'resolved') {
        countOccurrence(sql, existing, occurrence);
        continue;
      }
      if (threshold === undefined || !threshold.enabled) continue;
      const from = minute - threshold.windowMinutes + 1;
      const inWindow = sumRefusals(sql, row.webhookId, cause, from, minute);
      if (inWindow < threshold.count) continue;
      if (threshold.share > 0 && inWindow < threshold.share * sumRequests(sql, row.webhookId, from, minute)) continue;
      // The issue starts with everything its window counted: the paths of the earlier flushes too.
      const paths = cause === 'content' ? refusedPathsIn(sql, row.webhookId, from, minute) : occurrence.paths;
      openIssue(deps, row.webhookId, cause, { ...occurrence, count: inWindow, paths }, now);
    }
  });
  await flushOutbox(deps);
}

/** Accepted events counted by minute: the denominator of the authentication share, and the traffic silence watches. */
export async function observeTraffic(deps: IssuesDeps, rows: readonly TrafficObservation[], now: number): Promise<void> {
  deps.storage.transactionSync(() => {
    for (const row of rows) {
      noteRequests(deps.sql, row.webhookId, row.minute, row.accepted, 0);
      endSilence(deps, row.webhookId, now);
    }
  });
  await flushOutbox(deps);
}

/**
 * The clock's turn: open and acknowledged issues quiet for 30 minutes resolve; a webhook with a
 * steady history and no request for its quiet period gets a silence issue; old counts go. Answers
 * when it should run next (null: nothing to watch).
 */
export async function tick(deps: IssuesDeps, now: number): Promise<number | null> {
  const { sql } = deps;
  const watched = sql.all<{ webhook_id: string; first_request_ms: number; last_request_ms: number }>(`SELECT webhook_id, first_request_ms, last_request_ms FROM health_webhooks`);
  const thresholds = new Map<string, Thresholds>();
  for (const w of watched) thresholds.set(w.webhook_id, await deps.thresholds(w.webhook_id));
  deps.storage.transactionSync(() => {
    const quiet = sql.all<IssueRow>(`SELECT * FROM issues WHERE state IN ('open', 'acknowledged') AND cause != 'silence' AND last_seen_ms <= ?`, now - QUIET_BEFORE_RESOLVED_MS);
    for (const row of quiet) resolveIssue(deps, row, now);
    for (const w of watched) {
      const silence = thresholds.get(w.webhook_id)?.silence;
      if (silence === undefined || !silence.enabled) continue;
      const quietMs = silence.quietMinutes * MINUTE_MS;
      // The last request's minute: a request late in it must not make the quiet look longer than it was.
      const lastRequest = w.last_request_ms + MINUTE_MS;
      if (now - lastRequest < quietMs) continue;
      if (!hasSteadyHistory(sql, w.webhook_id, w.last_request_ms, silence.minHourlyAverage)) continue;
      const existing = issueOf(sql, w.webhook_id, 'silence');
      const quietHours = Math.floor((now - lastRequest) / HOUR_MS);
      if (existing !== null && existing.state !== 'resolved') {
        sql.run(`UPDATE issues SET last_seen_at = ?, last_seen_ms = ?, count = ? WHERE id = ?`, iso(now), now, Math.max(1, quietHours), existing.id);
        continue;
      }
      if (existing !== null && existing.last_seen_ms >= lastRequest) continue;
      openIssue(deps, w.webhook_id, 'silence', { count: Math.max(1, quietHours), at: now, sample: null, paths: [] }, now);
      // Its first sighting is when the quiet began, so the issue says how long it has lasted.
      sql.run(`UPDATE issues SET first_seen_at = ? WHERE webhook_id = ? AND cause = 'silence' AND state = 'open'`, iso(lastRequest), w.webhook_id);
    }
    const minute = Math.floor(now / MINUTE_MS);
    sql.run(`DELETE FROM health_refusals WHERE minute < ?`, minute - DAY_MINUTES);
    sql.run(`DELETE FROM health_requests WHERE minute < ?`, minute - DAY_MINUTES);
    sql.run(`DELETE FROM health_refused_paths WHERE minute < ?`, minute - DAY_MINUTES);
    sql.run(`DELETE FROM health_hours WHERE hour < ?`, Math.floor(now / HOUR_MS) - HISTORY_HOURS - 24);
  });
  await flushOutbox(deps);
  return nextDue(deps, now, thresholds);
}

/** At least `minHourlyAverage` requests an hour over the 7 days that ended with the last request. */
function hasSteadyHistory(sql: LogSql, webhookId: string, lastRequestMs: number, minHourlyAverage: number): boolean {
  const lastHour = Math.floor(lastRequestMs / HOUR_MS);
  const total = sql.first<{ n: number | null }>(`SELECT SUM(requests) AS n FROM health_hours WHERE webhook_id = ? AND hour > ? AND hour <= ?`, webhookId, lastHour - HISTORY_HOURS, lastHour)?.n ?? 0;
  return total / HISTORY_HOURS >= minHourlyAverage;
}

/** When the next tick has something to do: an issue's 30 quiet minutes ending, or a watched webhook's quiet period. */
export function nextDue(deps: IssuesDeps, now: number, thresholds: ReadonlyMap<string, Thresholds>): number | null {
  const { sql } = deps;
  const times: number[] = [];
  const resolving = sql.first<{ at: number | null }>(`SELECT MIN(last_seen_ms) AS at FROM issues WHERE state IN ('open', 'acknowledged') AND cause != 'silence'`)?.at ?? null;
  if (resolving !== null) times.push(resolving + QUIET_BEFORE_RESOLVED_MS);
  for (const w of sql.all<{ webhook_id: string; last_request_ms: number }>(`SELECT webhook_id, last_request_ms FROM health_webhooks`)) {
    const silence = thresholds.get(w.webhook_id)?.silence;
    if (silence === undefined || !silence.enabled) continue;
    if (!hasSteadyHistory(sql, w.webhook_id, w.last_request_ms, silence.minHourlyAverage)) continue;
    const open = issueOf(sql, w.webhook_id, 'silence');
    // An open silence issue is refreshed hourly; otherwise the tick is due when the quiet period would end.
    times.push(open !== null && open.state !== 'resolved' && open.state !== 'ignored' ? now + HOUR_MS : w.last_request_ms + MINUTE_MS + silence.quietMinutes * MINUTE_MS);
  }
  // Old counts are pruned at least daily while the object holds any.
  if (times.length === 0 && sql.first(`SELECT 1 AS found FROM health_requests LIMIT 1`) !== null) times.push(now + DAY_MINUTES * MINUTE_MS);
  return times.length === 0 ? null : Math.max(Math.min(...times), now + MINUTE_MS / 2);
}

/** Hands the outbox's notices to the queue, oldest first; what fails stays for the next call or the alarm. */
export async function flushOutbox(deps: IssuesDeps): Promise<boolean> {
  const pending = deps.sql.all<{ id: string; notice: string }>(`SELECT id, notice FROM issue_outbox ORDER BY rowid LIMIT 50`);
  for (const { id, notice } of pending) {
    try {
      await deps.announce(JSON.parse(notice) as IssueNotice);
    } catch {
      return false;
    }
    deps.sql.run(`DELETE FROM issue_outbox WHERE id = ?`, id);
  }
  return deps.sql.first(`SELECT 1 AS found FROM issue_outbox LIMIT 1`) === null;
}

export function list(sql: LogSql, query: IssueQuery): { items: IssueRecord[]; next: { at: string; id: string } | null } {
  const rows = sql.all<IssueRow>(
    `SELECT * FROM issues
     WHERE (? IS NULL OR webhook_id = ?) AND (? IS NULL OR cause = ?) AND (? IS NULL OR state = ?)
       AND (? IS NULL OR (last_seen_at, id) < (?, ?))
     ORDER BY last_seen_at DESC, id DESC LIMIT ?`,
    query.webhookId ?? null,
    query.webhookId ?? null,
    query.cause ?? null,
    query.cause ?? null,
    query.state ?? null,
    query.state ?? null,
    query.after?.at ?? null,
    query.after?.at ?? null,
    query.after?.id ?? null,
    query.limit + 1,
  );
  const kept = rows.slice(0, query.limit);
  const last = kept[kept.length - 1];
  return { items: kept.map(record), next: rows.length > query.limit && last !== undefined ? { at: last.last_seen_at, id: last.id } : null };
}

export function get(sql: LogSql, id: string): IssueRecord | null {
  const row = sql.first<IssueRow>(`SELECT * FROM issues WHERE id = ?`, id);
  return row === null ? null : record(row);
}

/** Why a person's state change is refused, or null when it is allowed. */
export function refusedTransition(from: IssueState, to: SettableIssueState): string | null {
  if (from === to) return null;
  switch (to) {
    case 'acknowledged':
      return from === 'open' ? null : `Only an open issue can be acknowledged; this one is ${from}.`;
    case 'resolved':
      return from === 'open' || from === 'acknowledged' || from === 'ignored' ? null : `This issue is ${from}.`;
    case 'ignored':
      return null;
  }
}

/**
 * A person's change of state. Resolving by hand announces it like the rules do; acknowledging and
 * ignoring announce nothing (the person who did it knows). Answers null when there is no such issue.
 */
export async function setState(deps: IssuesDeps, id: string, state: SettableIssueState, now: number): Promise<{ issue: IssueRecord } | { refused: string } | null> {
  const row = deps.sql.first<IssueRow>(`SELECT * FROM issues WHERE id = ?`, id);
  if (row === null) return null;
  const refused = refusedTransition(row.state as IssueState, state);
  if (refused !== null) return { refused };
  if (row.state !== state) {
    deps.storage.transactionSync(() => {
      if (state === 'resolved') resolveIssue(deps, row, now);
      else if (state === 'acknowledged') deps.sql.run(`UPDATE issues SET state = 'acknowledged', acknowledged_at = ? WHERE id = ?`, iso(now), id);
      else deps.sql.run(`UPDATE issues SET state = 'ignored' WHERE id = ?`, id);
    });
    await flushOutbox(deps);
  }
  const updated = get(deps.sql, id);
  return updated === null ? null : { issue: updated };
}

/** A deleted webhook's issues and counts: its issues leave the list, the badges and the cron's watch. */
export function forgetWebhook(sql: LogSql, webhookId: string): void {
  for (const table of ['issues', 'health_refusals', 'health_refused_paths', 'health_requests', 'health_hours', 'health_webhooks']) {
    sql.run(`DELETE FROM ${table} WHERE webhook_id = ?`, webhookId);
  }
}

/** Open and acknowledged issues per webhook. */
export function openCounts(sql: LogSql): Record<string, number> {
  const rows = sql.all<{ webhook_id: string; n: number }>(`SELECT webhook_id, COUNT(*) AS n FROM issues WHERE state IN ('open', 'acknowledged') GROUP BY webhook_id`);
  return Object.fromEntries(rows.map((r) => [r.webhook_id, r.n]));
}
