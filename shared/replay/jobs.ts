/**
 * Replay job rows in D1 (`replay_jobs`). A job advances one committed page at a time: each commit
 * is one UPDATE guarded by the page number it expects (and `running`), so of two deliveries of the
 * same page only one commits its cursor and counts; the other changes nothing.
 */
import { and, eq, lte } from 'drizzle-orm';
import * as v from 'valibot';
import type { Db } from '../db/client';
import { orgs, projects, replayJobs } from '../db/schema';
import type { LogCursor } from '../eventlog/types';
import { ReplayFilterSchema, type ReplayFilter } from './filter';

export type ReplayJobStatus = 'running' | 'done' | 'failed';

/** How many events of each reason a job skipped (could not replay) or failed on. */
export interface ReplayReasons {
  skipped: Record<string, number>;
  failed: Record<string, number>;
}

export interface ReplayCounts {
  scanned: number;
  replayed: number;
  skipped: number;
  failed: number;
  reasons: ReplayReasons;
}

export interface ReplayJob extends ReplayCounts {
  id: string;
  projectId: string;
  tokenId: string;
  filter: ReplayFilter;
  status: ReplayJobStatus;
  /** The last event scanned; null before the first page. */
  cursor: LogCursor | null;
  /** Pages committed so far: the page the next message must name. */
  page: number;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

type JobRow = typeof replayJobs.$inferSelect;

const CursorSchema = v.object({ at: v.string(), id: v.string() });
const ReasonsSchema = v.object({ skipped: v.optional(v.record(v.string(), v.number()), {}), failed: v.optional(v.record(v.string(), v.number()), {}) });

export function jobOf(row: JobRow): ReplayJob {
  return {
    id: row.id,
    projectId: row.projectId,
    tokenId: row.tokenId,
    filter: v.parse(ReplayFilterSchema, JSON.parse(row.filter)),
    status: row.status,
    cursor: row.cursor === null ? null : v.parse(CursorSchema, JSON.parse(row.cursor)),
    page: row.page,
    scanned: row.scanned,
    replayed: row.replayed,
    skipped: row.skipped,
    failed: row.failed,
    reasons: v.parse(ReasonsSchema, JSON.parse(row.reasons)),
    error: row.error,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    finishedAt: row.finishedAt,
  };
}

export function newJobRow(job: { id: string; projectId: string; tokenId: string; filter: ReplayFilter; at: string }): typeof replayJobs.$inferInsert {
  return {
    id: job.id,
    projectId: job.projectId,
    tokenId: job.tokenId,
    filter: JSON.stringify(job.filter),
    status: 'running',
    cursor: null,
    page: 0,
    reasons: JSON.stringify({ skipped: {}, failed: {} } satisfies ReplayReasons),
    createdAt: job.at,
    updatedAt: job.at,
  };
}

/** A job with the slug of its project's org (which event messages name), or null. */
export async function loadJob(db: Db, jobId: string): Promise<{ job: ReplayJob; orgSlug: string } | null> {
  const row = await db
    .select({ job: replayJobs, orgSlug: orgs.slug })
    .from(replayJobs)
    .innerJoin(projects, eq(projects.id, replayJobs.projectId))
    .innerJoin(orgs, eq(orgs.id, projects.orgId))
    .where(eq(replayJobs.id, jobId))
    .get();
  return row === undefined ? null : { job: jobOf(row.job), orgSlug: row.orgSlug };
}

/** What one page added, and where the job stands after it. */
export interface PageProgress {
  counts: ReplayCounts;
  /** The last event the page scanned; null when the page was empty. */
  cursor: LogCursor | null;
  /** Whether the job has scanned every event its filter admits. */
  finished: boolean;
}

function added(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const sum = { ...a };
  for (const [reason, n] of Object.entries(b)) sum[reason] = (sum[reason] ?? 0) + n;
  return sum;
}

/**
 * Commits page `job.page`: cursor, counts and, when finished, `done`, in one guarded UPDATE.
 * False when another delivery of the page committed first (or the job stopped): nothing changed.
 */
export async function commitPage(db: Db, job: ReplayJob, progress: PageProgress, at: string): Promise<boolean> {
  const { counts } = progress;
  const cursor = progress.cursor ?? job.cursor;
  const reasons: ReplayReasons = { skipped: added(job.reasons.skipped, counts.reasons.skipped), failed: added(job.reasons.failed, counts.reasons.failed) };
  const updated = await db
    .update(replayJobs)
    .set({
      page: job.page + 1,
      cursor: cursor === null ? null : JSON.stringify(cursor),
      scanned: job.scanned + counts.scanned,
      replayed: job.replayed + counts.replayed,
      skipped: job.skipped + counts.skipped,
      failed: job.failed + counts.failed,
      reasons: JSON.stringify(reasons),
      updatedAt: at,
      ...(progress.finished ? { status: 'done' as const, finishedAt: at } : {}),
    })
    .where(and(eq(replayJobs.id, job.id), eq(replayJobs.page, job.page), eq(replayJobs.status, 'running')))
    .returning({ id: replayJobs.id });
  return updated.length === 1;
}

/**
 * Marks the job failed, unless it has moved past `page + 1` since (another delivery made progress,
 * and owns the job now).
 */
export async function markFailed(db: Db, jobId: string, page: number, error: string, at: string): Promise<void> {
  await db
    .update(replayJobs)
    .set({ status: 'failed', error, updatedAt: at, finishedAt: at })
    .where(and(eq(replayJobs.id, jobId), eq(replayJobs.status, 'running'), lte(replayJobs.page, page + 1)));
}

/**
 * Sets a failed or stalled job running again from its committed page, if it has not changed since
 * it was read as `job`. True when this call restarted it.
 */
export async function markResumed(db: Db, job: ReplayJob, at: string): Promise<boolean> {
  const updated = await db
    .update(replayJobs)
    .set({ status: 'running', error: null, updatedAt: at, finishedAt: null })
    .where(and(eq(replayJobs.id, job.id), eq(replayJobs.page, job.page), eq(replayJobs.status, job.status), eq(replayJobs.updatedAt, job.updatedAt)))
    .returning({ id: replayJobs.id });
  return updated.length === 1;
}

/** Puts a resumed job back as it was read, when its message could not be sent. */
export async function undoResume(db: Db, job: ReplayJob): Promise<void> {
  await db
    .update(replayJobs)
    .set({ status: job.status, error: job.error, updatedAt: job.updatedAt, finishedAt: job.finishedAt })
    .where(and(eq(replayJobs.id, job.id), eq(replayJobs.page, job.page), eq(replayJobs.status, 'running')));
}
