/**
 * Keeps refused requests to known webhooks visible (GET /v1/events?status=rejected) without a D1
 * write per refusal: per (webhook, reason) at most one row is written per FLUSH_INTERVAL_MS by each
 * isolate, carrying the count since the last write, and always after the response (waitUntil).
 * Counts still buffered when an isolate is evicted are lost; rows are diagnostics, not events.
 */
import { safeErrorText } from '../http/safe-error';
import type { Db } from '../db/client';
import { rejections } from '../db/schema';
import { randomId } from '../ids';
import type { Background } from './ttl-cache';

export const FLUSH_INTERVAL_MS = 5_000;
const MAX_KEYS = 5_000;

interface Pending {
  webhookId: string;
  projectId: string;
  reason: string;
  httpStatus: number;
  detail: string;
  count: number;
  firstAt: number;
  lastAt: number;
  lastWrite: number;
}

export interface Rejection {
  webhookId: string;
  projectId: string;
  reason: string;
  httpStatus: number;
  detail: string;
}

export class RejectionLog {
  private readonly pending = new Map<string, Pending>();

  record(rejection: Rejection, now: number, db: () => Db, background: Background): void {
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
    if (now - entry.lastWrite < FLUSH_INTERVAL_MS) return;

    const row = {
      id: randomId('rej'),
      webhookId: entry.webhookId,
      projectId: entry.projectId,
      reason: entry.reason,
      httpStatus: entry.httpStatus,
      count: entry.count,
      firstAt: new Date(entry.firstAt).toISOString(),
      lastAt: new Date(entry.lastAt).toISOString(),
      detail: entry.detail,
    };
    this.pending.delete(key);
    this.pending.set(key, { ...entry, count: 0, firstAt: now, lastWrite: now });
    background(() =>
      db()
        .insert(rejections)
        .values(row)
        .then(() => undefined, (err: unknown) => console.error('rejection log write failed', safeErrorText(err))),
    );
  }
}
