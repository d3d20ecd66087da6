/**
 * Keeps refused requests to known webhooks visible (GET /v1/events?status=rejected) without a
 * write per refusal: per (webhook, reason) at most one row is written per FLUSH_INTERVAL_MS by each
 * isolate, carrying the count since the last write, to the project's log (shared/eventlog), and
 * always after the response (waitUntil). Refusals counted between writes are written when the
 * interval ends, by a flush the first of them schedules, so the last of a burst reaches the feed and
 * the hourly stats without waiting for another refusal. Counts still buffered when an isolate is
 * evicted are lost; rows are diagnostics, not events. A row never holds the payload: only the problem's detail, and
 * the id of the last request among those it counts that was kept for replay (./kept-requests.ts).
 */
import { projectLog, type LogEnv } from '../eventlog/client';
import type { LoggedRejection } from '../eventlog/types';
import { safeErrorText } from '../http/safe-error';
import { randomId } from '../ids';
import type { Background } from './ttl-cache';

export const FLUSH_INTERVAL_MS = 5_000;
const MAX_KEYS = 5_000;
const DAY_MS = 86_400_000;

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
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

export class RejectionLog {
  private readonly pending = new Map<string, Pending>();

  record(rejection: Rejection, now: number, env: LogEnv, background: Background): void {
    const key = `${rejection.webhookId}\n${rejection.reason}`;
    let entry = this.pending.get(key);
    if (!entry) {
      if (this.pending.size >= MAX_KEYS) return;
      entry = { ...rejection, lastRequestId: null, count: 0, firstAt: now, lastAt: now, lastWrite: 0, flushScheduled: false };
      this.pending.set(key, entry);
    }
    entry.count += 1;
    entry.lastAt = now;
    entry.detail = rejection.detail;
    entry.metadataRetentionDays = rejection.metadataRetentionDays;
    if (rejection.requestId !== undefined) entry.lastRequestId = rejection.requestId;
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
  private take(key: string, entry: Pending, now: number): { projectId: string; row: LoggedRejection } {
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
    this.pending.delete(key);
    this.pending.set(key, { ...entry, lastRequestId: null, count: 0, firstAt: now, lastWrite: now, flushScheduled: false });
    return { projectId: entry.projectId, row };
  }
}

async function write(env: LogEnv, { projectId, row }: { projectId: string; row: LoggedRejection }): Promise<void> {
  try {
    await projectLog(env, projectId).recordRejections([row]);
  } catch (err) {
    console.error('rejection log write failed', safeErrorText(err));
  }
}
