/**
 * Keeps refused requests to known webhooks visible (GET /v1/events?status=rejected) without a
 * write per refusal: per (webhook, reason) at most one row is written per FLUSH_INTERVAL_MS by each
 * isolate, carrying the count since the last write, to the project's log (shared/eventlog), and
 * always after the response (waitUntil). Counts still buffered when an isolate is evicted are lost;
 * rows are diagnostics, not events. A row never holds the payload: only the problem's detail.
 */
import { projectLog } from '../eventlog/client';
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
}

interface Pending extends Rejection {
  count: number;
  firstAt: number;
  lastAt: number;
  lastWrite: number;
}

export class RejectionLog {
  private readonly pending = new Map<string, Pending>();

  record(rejection: Rejection, now: number, env: Pick<Env, 'PROJECT_LOG'>, background: Background): void {
    const key = `${rejection.webhookId}\n${rejection.reason}`;
    let entry = this.pending.get(key);
    if (!entry) {
      if (this.pending.size >= MAX_KEYS) return;
      entry = { ...rejection, count: 0, firstAt: now, lastAt: now, lastWrite: 0 };
      this.pending.set(key, entry);
    }
    entry.count += 1;
    entry.lastAt = now;
    entry.detail = rejection.detail;
    entry.metadataRetentionDays = rejection.metadataRetentionDays;
    if (now - entry.lastWrite < FLUSH_INTERVAL_MS) return;

    const row: LoggedRejection = {
      id: randomId('rej'),
      webhookId: entry.webhookId,
      reason: entry.reason,
      httpStatus: entry.httpStatus,
      count: entry.count,
      firstAt: new Date(entry.firstAt).toISOString(),
      lastAt: new Date(entry.lastAt).toISOString(),
      detail: entry.detail,
      expiresAt: entry.lastAt + entry.metadataRetentionDays * DAY_MS,
    };
    const projectId = entry.projectId;
    this.pending.delete(key);
    this.pending.set(key, { ...entry, count: 0, firstAt: now, lastWrite: now });
    background(() =>
      projectLog(env, projectId)
        .recordRejections([row])
        .then(
          () => undefined,
          (err: unknown) => console.error('rejection log write failed', safeErrorText(err)),
        ),
    );
  }
}
