/**
 * A project's own log object (`idFromName(projectId)`): the directory of its segments, its audit
 * trail, and segment 0, the rows written before the log had segments, which it keeps serving and
 * expiring as it always did (./README.md). New rows go to segments (./segment.ts); the log client
 * (./client.ts) asks this object which segment is open and which segments hold a time range.
 */
import { EMPTY_SEGMENT_BYTES, LEGACY_SEGMENT, logLayout, segmentName } from './layout';
import { pageSize } from './page-size';
import { auditExpiresAt, retentionAlarm, scheduleRetention } from './retention';
import { LogSegment } from './segment';
import { LogSql, jsonList } from './storage';
import type { AuditEntry, AuditQuery, LogPage } from './types';

/** What a write promises the open segment: its rows' time range, bytes and expiries. */
export interface Reservation {
  projectId: string;
  /** The writer's clock, epoch ms: a segment past its window closes before this write. */
  at: number;
  minAt: string;
  maxAt: string;
  bytes: number;
  payloadUntil: number;
  metadataUntil: number;
  /** Event ids to look for in segment 0, which the id index does not know. */
  eventIds?: string[] | undefined;
}

export interface Reserved {
  open: number;
  /** The ids among `eventIds` that segment 0 holds. */
  legacy: string[];
}

/** One segment as the directory knows it. */
export interface SegmentEntry {
  n: number;
  minAt: string;
  maxAt: string;
  closed: boolean;
}

type SegmentRow = { n: number; min_at: string; max_at: string; closed_at: number | null };

const MAX_SEGMENTS_PER_ANSWER = 64;

/** Whether `a` comes after `b` in newest-first order: (max_at, n) below. */
function byTimeBefore(a: { maxAt: string; n: number }, b: { maxAt: string; n: number }): boolean {
  return a.maxAt < b.maxAt || (a.maxAt === b.maxAt && a.n < b.n);
}

function entry(r: SegmentRow): SegmentEntry {
  return { n: r.n, minAt: r.min_at, maxAt: r.max_at, closed: r.closed_at !== null };
}

export class ProjectLog extends LogSegment {
  readonly #dir: LogSql;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#dir = new LogSql(ctx.storage.sql);
    // The directory and the audit trail are read before anything is written: its tables always exist.
    void ctx.blockConcurrencyWhile(async () => this.ensureStorage());
  }

  /**
   * The segment open for a write at `r.at`, opening one when none is, or when the open one's window
   * has passed or the write would take it past what it may hold. Records what the write promises.
   */
  async reserve(r: Reservation): Promise<Reserved> {
    const layout = logLayout(this.env);
    const open = this.ctx.storage.transactionSync(() => {
      // The directory names its segments' objects after its project, which only its callers know.
      this.#dir.run(`INSERT INTO log_meta (key, value) VALUES ('project_id', ?) ON CONFLICT (key) DO NOTHING`, r.projectId);
      let current = this.#dir.first<{ n: number; opened_at: number; promised_bytes: number }>(
        `SELECT n, opened_at, promised_bytes FROM segments WHERE closed_at IS NULL ORDER BY n DESC LIMIT 1`,
      );
      if (current !== null) {
        const windowOver = r.at - current.opened_at >= layout.windowMs;
        // A segment takes at least one write, however large: a write never waits for a segment that fits it.
        const full = current.promised_bytes > EMPTY_SEGMENT_BYTES && current.promised_bytes + r.bytes > layout.closeAtBytes;
        if (windowOver || full) {
          this.#dir.run(`UPDATE segments SET closed_at = ? WHERE n = ?`, r.at, current.n);
          current = null;
        }
      }
      if (current === null) {
        const last = this.#dir.first<{ n: number | null }>(`SELECT MAX(n) AS n FROM segments`)?.n ?? null;
        const counted = Number(this.#dir.first<{ value: string }>(`SELECT value FROM log_meta WHERE key = 'last_segment'`)?.value ?? '0');
        const n = Math.max(last ?? 0, counted) + 1;
        this.#dir.run(
          `INSERT INTO segments (n, opened_at, closed_at, min_at, max_at, promised_bytes, payload_until, metadata_until) VALUES (?, ?, NULL, ?, ?, ?, 0, 0)`,
          n,
          r.at,
          r.minAt,
          r.maxAt,
          EMPTY_SEGMENT_BYTES,
        );
        // Numbers are never reused, even after a segment is dropped: change numbers depend on it.
        this.#dir.run(
          `INSERT INTO log_meta (key, value) VALUES ('last_segment', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
          String(n),
        );
        current = { n, opened_at: r.at, promised_bytes: EMPTY_SEGMENT_BYTES };
      }
      this.#dir.run(
        `UPDATE segments SET promised_bytes = promised_bytes + ?, min_at = MIN(min_at, ?), max_at = MAX(max_at, ?),
           payload_until = MAX(payload_until, ?), metadata_until = MAX(metadata_until, ?) WHERE n = ?`,
        r.bytes,
        r.minAt,
        r.maxAt,
        r.payloadUntil,
        r.metadataUntil,
        current.n,
      );
      return current.n;
    });
    // The directory's alarm drops the segment's payloads, then the segment, when they fall due.
    const due = [r.payloadUntil, r.metadataUntil].filter((t) => t > 0);
    if (due.length > 0) await scheduleRetention(this.ctx.storage, Math.min(...due));
    const ids = r.eventIds ?? [];
    const legacy =
      ids.length === 0 || !this.#hasLegacyEvents()
        ? []
        : this.#dir.all<{ id: string }>(`SELECT id FROM events WHERE id IN (SELECT value FROM json_each(?))`, jsonList(ids)).map((row) => row.id);
    return { open, legacy };
  }

  /** Closes segment `n` (its writer saw it reach what it may hold); the next write opens another. */
  async closeSegment(n: number, at: number): Promise<void> {
    this.#dir.run(`UPDATE segments SET closed_at = ? WHERE n = ? AND closed_at IS NULL`, at, n);
  }

  /**
   * Segments that may hold rows at or before `atMost`, newest `max_at` first, after the position
   * `after` of a previous answer. Segment 0 is among them while it holds rows.
   */
  async segmentsByTime(atMost: string | null, after: { maxAt: string; n: number } | null): Promise<SegmentEntry[]> {
    const rows = this.#dir.all<SegmentRow>(
      `SELECT n, min_at, max_at, closed_at FROM segments
       WHERE (? IS NULL OR min_at <= ?) AND (? IS NULL OR (max_at, n) < (?, ?))
       ORDER BY max_at DESC, n DESC LIMIT ?`,
      atMost,
      atMost,
      after?.maxAt ?? null,
      after?.maxAt ?? null,
      after?.n ?? null,
      MAX_SEGMENTS_PER_ANSWER,
    );
    const list = rows.map(entry);
    const legacy = this.#legacyEntry();
    if (legacy !== null && (atMost === null || legacy.minAt <= atMost) && (after === null || byTimeBefore(legacy, after))) {
      list.push(legacy);
      list.sort((x, y) => (byTimeBefore(x, y) ? 1 : -1));
      if (list.length > MAX_SEGMENTS_PER_ANSWER) list.length = MAX_SEGMENTS_PER_ANSWER;
    }
    return list;
  }

  /** Segments by number from `from` (inclusive) up, or from the newest down when `from` is null. */
  async segmentsByNumber(from: number | null, order: 'asc' | 'desc'): Promise<SegmentEntry[]> {
    const rows =
      order === 'asc'
        ? this.#dir.all<SegmentRow>(`SELECT n, min_at, max_at, closed_at FROM segments WHERE n >= ? ORDER BY n ASC LIMIT ?`, from ?? 0, MAX_SEGMENTS_PER_ANSWER)
        : this.#dir.all<SegmentRow>(`SELECT n, min_at, max_at, closed_at FROM segments WHERE n <= ? ORDER BY n DESC LIMIT ?`, from ?? Number.MAX_SAFE_INTEGER, MAX_SEGMENTS_PER_ANSWER);
    const list = rows.map(entry);
    const legacy = this.#legacyEntry();
    if (legacy !== null && (from === null || order === 'desc' || from <= LEGACY_SEGMENT)) {
      if (order === 'asc') list.unshift(legacy);
      else if (list.length < MAX_SEGMENTS_PER_ANSWER) list.push(legacy);
    }
    return list;
  }

  /** Segments that may hold rows in [from, to). */
  async segmentsOverlapping(from: string, to: string): Promise<SegmentEntry[]> {
    const list = this.#dir.all<SegmentRow>(`SELECT n, min_at, max_at, closed_at FROM segments WHERE min_at < ? AND max_at >= ? ORDER BY n`, to, from).map(entry);
    const legacy = this.#legacyEntry();
    if (legacy !== null && legacy.minAt < to && legacy.maxAt >= from) list.unshift(legacy);
    return list;
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    this.#dir.run(
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
    type AuditRow = { id: string; at: string; token_id: string; action: string; resource_id: string | null; outcome: string };
    const columns = 'id, at, token_id, action, resource_id, outcome';
    const rows =
      query.after === undefined
        ? this.#dir.all<AuditRow>(`SELECT ${columns} FROM audit ORDER BY at DESC, id DESC LIMIT ?`, limit + 1)
        : this.#dir.all<AuditRow>(`SELECT ${columns} FROM audit WHERE (at, id) < (?, ?) ORDER BY at DESC, id DESC LIMIT ?`, query.after.at, query.after.id, limit + 1);
    const kept = rows.slice(0, limit);
    const last = kept[kept.length - 1];
    return {
      items: kept.map((r) => ({ id: r.id, at: r.at, tokenId: r.token_id, action: r.action, resourceId: r.resource_id, outcome: r.outcome })),
      next: rows.length > limit && last !== undefined ? { at: last.at, id: last.id } : null,
    };
  }

  /**
   * Retention: segment 0's rows and the audit trail row by row (./retention.ts), and whole
   * segments: one whose every payload has expired drops them at once, one whose every row has
   * expired is deleted whole. Then the alarm is set for whatever falls due next.
   */
  override async alarm(): Promise<void> {
    await this.retainSegments(Date.now());
  }

  /** One retention pass at `now` (the alarm's, or a test's moved clock); returns what it dropped. */
  async retainSegments(now: number): Promise<{ payloadsDropped: number[]; segmentsDropped: number[] }> {
    await retentionAlarm(this.ctx.storage, this.env.PAYLOADS, now);
    // A segment nobody wrote to since its window passed is closed here, so that it can expire.
    this.#dir.run(`UPDATE segments SET closed_at = ? WHERE closed_at IS NULL AND opened_at + ? <= ?`, now, logLayout(this.env).windowMs, now);
    const stamp = new Date(now).toISOString();
    const payloadsDue = this.#dir.all<{ n: number }>(
      `SELECT n FROM segments WHERE closed_at IS NOT NULL AND payloads_dropped_at IS NULL AND payload_until <= ? AND metadata_until > ? ORDER BY n LIMIT 16`,
      now,
      now,
    );
    const payloadsDropped: number[] = [];
    for (const { n } of payloadsDue) {
      await this.#segment(n).dropPayloads(stamp);
      this.#dir.run(`UPDATE segments SET payloads_dropped_at = ? WHERE n = ?`, now, n);
      payloadsDropped.push(n);
    }
    const expired = this.#dir.all<{ n: number }>(`SELECT n FROM segments WHERE closed_at IS NOT NULL AND metadata_until <= ? ORDER BY n LIMIT 16`, now);
    const segmentsDropped: number[] = [];
    for (const { n } of expired) {
      await this.#segment(n).drop();
      this.#dir.run(`DELETE FROM segments WHERE n = ?`, n);
      segmentsDropped.push(n);
    }
    const more = payloadsDue.length === 16 || expired.length === 16;
    const next = this.#dir.first<{ at: number | null }>(
      `SELECT MIN(CASE WHEN payloads_dropped_at IS NULL THEN MIN(payload_until, metadata_until) ELSE metadata_until END) AS at FROM segments`,
    )?.at;
    // A segment still open is checked again when its window has passed.
    if (more) await scheduleRetention(this.ctx.storage, now + 1_000);
    else if (next !== null && next !== undefined) await scheduleRetention(this.ctx.storage, Math.max(next, now + 1_000));
    return { payloadsDropped, segmentsDropped };
  }

  #segment(n: number): DurableObjectStub<LogSegment> {
    const project = this.#dir.first<{ value: string }>(`SELECT value FROM log_meta WHERE key = 'project_id'`)?.value;
    if (project === undefined) throw new Error('the project log has segments but does not know its project id');
    return this.env.LOG_SEGMENTS.get(this.env.LOG_SEGMENTS.idFromName(segmentName(project, n)));
  }

  #hasLegacyEvents(): boolean {
    return this.#dir.first(`SELECT 1 AS found FROM events LIMIT 1`) !== null;
  }

  /** Segment 0 as a directory entry, while it holds rows (it never closes to writes of its own rows). */
  #legacyEntry(): SegmentEntry | null {
    // Each bound on its own index; the object may not hold more terms in one compound SELECT.
    const times = [
      `SELECT MIN(received_at) AS t FROM events`,
      `SELECT MAX(received_at) AS t FROM events`,
      `SELECT MIN(last_at) AS t FROM rejections`,
      `SELECT MAX(last_at) AS t FROM rejections`,
      `SELECT MIN(received_at) AS t FROM kept_requests`,
      `SELECT MAX(received_at) AS t FROM kept_requests`,
    ].flatMap((query) => {
      const t = this.#dir.first<{ t: string | null }>(query)?.t ?? null;
      return t === null ? [] : [t];
    });
    if (times.length === 0) return null;
    times.sort();
    return { n: LEGACY_SEGMENT, minAt: times[0] ?? '', maxAt: times[times.length - 1] ?? '', closed: true };
  }
}
