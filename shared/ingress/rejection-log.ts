/**
 * Keeps refused requests to known webhooks visible (GET /v1/events?status=rejected) without a
 * write per refusal: per (webhook, reason) at most one row is written per FLUSH_INTERVAL_MS by each
 * isolate, carrying the count since the last write, to the project's log (shared/eventlog), and
 * always after the response (waitUntil). Refusals counted between writes are written when the
 * interval ends, by a flush the first of them schedules, so the last of a burst reaches the feed and
 * the hourly stats without waiting for another refusal. Counts still buffered when an isolate is
 * evicted are lost; rows are diagnostics, not events. A row never holds the payload: only the problem's detail, and
 * the id of the last request among those it counts that was kept for replay (./kept-requests.ts).
 * The same write tells the project's sender health (shared/health), with the failing JSON paths of
 * content refusals and the types sent there, so issues open from the counts this log already keeps.
 */
import { projectLog, type LogEnv } from '../eventlog/client';
import type { FailedPath, RefusalObservation } from '../health/types';
import { senderHealth } from '../health/watch';
import type { LoggedRejection } from '../eventlog/types';
import { safeErrorText } from '../http/safe-error';
import { randomId } from '../ids';
import type { Background } from './ttl-cache';

export const FLUSH_INTERVAL_MS = 5_000;
const MAX_KEYS = 5_000;
const DAY_MS = 86_400_000;
/** Failing (path, type) pairs tallied per entry between writes: the most a content issue names. */
const MAX_PATHS = 20;

export type RejectionLogEnv = LogEnv & Pick<Env, 'SENDER_HEALTH'>;

export interface Rejection {
  webhookId: string;
  projectId: string;
  reason: string;
  httpStatus: number;
  detail: string;
  /** The webhook's metadata_retention_days: how long the log keeps the row. */
  metadataRetentionDays: number;
  /** The request kept for replay (./kept-requests.ts), when this refusal's request was kept. */
  requestId?: string | undefined;
  /** Content refusals: the failing paths and the types sent there (shared/health/failed-paths.ts). */
  paths?: readonly FailedPath[] | undefined;
}

interface Pending extends Rejection {
  /** The last request kept among those counted since the last write. */
  lastRequestId: string | null;
  count: number;
  firstAt: number;
  lastAt: number;
  lastWrite: number;
  /** A write at the end of the current interval is already scheduled. */
  flushScheduled: boolean;
  /** (path, type) → refusals that failed there, since the last write. */
  pathCounts: Map<string, FailedPath>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

export class RejectionLog {
  private readonly pending = new Map<string, Pending>();

  record(rejection: Rejection, now: number, env: RejectionLogEnv, background: Background): void {
    const key = `${rejection.webhookId}\n${rejection.reason}`;
    let entry = this.pending.get(key);
    if (!entry) {
      if (this.pending.size >= MAX_KEYS) return;
      entry = { ...rejection, lastRequestId: null, count: 0, firstAt: now, lastAt: now, lastWrite: 0, flushScheduled: false, pathCounts: new Map() };
      this.pending.set(key, entry);
    }
    entry.count += 1;
    entry.lastAt = now;
    entry.detail = rejection.detail;
    entry.metadataRetentionDays = rejection.metadataRetentionDays;
    if (rejection.requestId !== undefined) entry.lastRequestId = rejection.requestId;
    for (const p of rejection.paths ?? []) {
      const key = `${p.path}\n${p.type}`;
      const counted = entry.pathCounts.get(key);
      if (counted !== undefined) counted.count += p.count;
      else if (entry.pathCounts.size < MAX_PATHS) entry.pathCounts.set(key, { ...p });
    }
    if (now - entry.lastWrite >= FLUSH_INTERVAL_MS) {
      const taken = this.take(key, entry, now);
      background(() => write(env, taken));
      return;
    }
    if (entry.flushScheduled) return;
    entry.flushScheduled = true;
    const scheduled = entry;
    const due = entry.lastWrite + FLUSH_INTERVAL_MS;
    background(async () => {
      await sleep(due - now);
      // Written already by a refusal after the interval (take() replaced the entry), or evicted.
      if (this.pending.get(key) !== scheduled || scheduled.count === 0) return;
      await write(env, this.take(key, scheduled, due));
    });
  }

  /** The row for what `entry` counted, leaving a fresh entry that counts from `now`. */
  private take(key: string, entry: Pending, now: number): Taken {
    const row: LoggedRejection = {
      id: randomId('rej'),
      webhookId: entry.webhookId,
      reason: entry.reason,
      httpStatus: entry.httpStatus,
      count: entry.count,
      firstAt: new Date(entry.firstAt).toISOString(),
      lastAt: new Date(entry.lastAt).toISOString(),
      detail: entry.detail,
      requestId: entry.lastRequestId,
      expiresAt: entry.lastAt + entry.metadataRetentionDays * DAY_MS,
    };
    const observation: RefusalObservation = {
      webhookId: entry.webhookId,
      reason: entry.reason,
      count: entry.count,
      firstAt: row.firstAt,
      lastAt: row.lastAt,
      paths: [...entry.pathCounts.values()].sort((a, b) => b.count - a.count),
    };
    this.pending.delete(key);
    this.pending.set(key, { ...entry, lastRequestId: null, count: 0, firstAt: now, lastWrite: now, flushScheduled: false, pathCounts: new Map() });
    return { projectId: entry.projectId, row, observation };
  }
}

interface Taken {
  projectId: string;
  row: LoggedRejection;
  observation: RefusalObservation;
}

/** The log's row and sender health's observation, each on its own: one failing does not lose the other. */
async function write(env: RejectionLogEnv, { projectId, row, observation }: Taken): Promise<void> {
  const [logged, observed] = await Promise.allSettled([
    projectLog(env, projectId).recordRejections([row]),
    senderHealth(env, projectId).observeRefusals(projectId, [observation], Date.now()),
  ]);
  if (logged.status === 'rejected') console.error('rejection log write failed', safeErrorText(logged.reason));
  if (observed.status === 'rejected') console.error('sender health observation failed', safeErrorText(observed.reason));
}
