/**
 * `/v1/replays`: bulk replay of the caller's events by filter (webhook, status, time range), run
 * as a job that reports its progress. The job itself runs on the replays queue, a page at a time
 * (shared/replay/consumer.ts); each event is replayed by the rule `POST /v1/events/{id}/replay`
 * follows, so a job, a job run again with the same filter, or a resumed job starts no run twice.
 */
import { eq } from 'drizzle-orm';
import { createFactory } from 'hono/factory';
import * as v from 'valibot';
import type { Db } from '../db/client';
import { replayJobs, webhooks } from '../db/schema';
import { ProblemError } from '../http/problem';
import { safeErrorText } from '../http/safe-error';
import { randomId } from '../ids';
import { queueUnavailable } from '../queue/enqueue';
import { REPLAY_STATUSES, normaliseIsoTime, type ReplayFilter } from '../replay/filter';
import { jobOf, markResumed, newJobRow, undoResume, type ReplayJob } from '../replay/jobs';
import { sendPageMessage } from '../replay/message';
import { clockOf, pathParam, type Caller, type ControlDeps, type ControlEnv } from './context';
import { WEBHOOK, ownedBy, pageOwned, type ListedKind } from './owned';
import { PAGE_PARAMS, pageBody } from './pagination';
import { ControlRoutes } from './route-doc';
import { invalidRequest, jsonBody, queryParams } from './validation';

/** A running job that has committed no page for this long may be resumed. */
export const RESUME_AFTER_SECONDS = 60;

function isoTime(field: string) {
  return v.pipe(
    v.string(`${field} must be a string`),
    v.check((text) => normaliseIsoTime(text) !== null, `${field} must be an ISO 8601 time with a zone, such as "2026-11-26T12:00:00Z", or a date such as "2026-11-26"`),
    v.transform((text) => normaliseIsoTime(text) ?? text),
  );
}

export const CreateReplayBody = v.strictObject({
  webhook_id: v.optional(v.pipe(v.string('webhook_id must be a string'), v.startsWith('wh_', 'webhook_id must be a webhook id (wh_…)'))),
  status: v.optional(v.picklist(REPLAY_STATUSES, `status must be one of: ${REPLAY_STATUSES.join(', ')}`)),
  since: v.optional(isoTime('since')),
  until: v.optional(isoTime('until')),
});

export const ListReplaysQuery = v.strictObject(PAGE_PARAMS);

const REPLAY_JOB = {
  table: replayJobs,
  key: replayJobs.id,
  project: replayJobs.projectId,
  createdAt: replayJobs.createdAt,
  missing: 'No replay job with this id in your project.',
} satisfies ListedKind<typeof replayJobs>;

const factory = createFactory<ControlEnv>();

/** The job as the API, the CLI and the console show it. */
export function replayJobView(job: ReplayJob) {
  return {
    id: job.id,
    status: job.status,
    filter: job.filter,
    scanned: job.scanned,
    replayed: job.replayed,
    skipped: job.skipped,
    failed: job.failed,
    skipped_reasons: job.reasons.skipped,
    failed_reasons: job.reasons.failed,
    /** The job walks newest first: events received at or after this time have been scanned. */
    scanned_back_to: job.cursor?.at ?? null,
    error: job.error,
    created_at: job.createdAt,
    updated_at: job.updatedAt,
    finished_at: job.finishedAt,
  };
}

async function findJob(db: Db, caller: Caller, id: string): Promise<ReplayJob> {
  const row = await db.select().from(replayJobs).where(ownedBy(REPLAY_JOB, caller, id)).get();
  if (row === undefined) throw new ProblemError('not-found', REPLAY_JOB.missing);
  return jobOf(row);
}

function createReplay(deps: ControlDeps) {
  return factory.createHandlers(jsonBody(CreateReplayBody), async (c) => {
    const { db, caller } = c.var;
    const body = c.req.valid('json');
    if (body.since !== undefined && body.until !== undefined && body.since >= body.until) {
      throw invalidRequest([{ path: '/until', message: `until (${body.until}) must be later than since (${body.since})` }]);
    }
    if (body.webhook_id !== undefined) {
      const found = await db.select({ id: webhooks.id }).from(webhooks).where(ownedBy(WEBHOOK, caller, body.webhook_id)).get();
      if (!found) throw new ProblemError('not-found', 'No webhook with this id in your project.', { errors: [{ path: '/webhook_id', message: `No webhook ${body.webhook_id} in your project` }] });
    }
    const filter: ReplayFilter = {
      ...(body.webhook_id === undefined ? {} : { webhook_id: body.webhook_id }),
      ...(body.status === undefined ? {} : { status: body.status }),
      ...(body.since === undefined ? {} : { since: body.since }),
      ...(body.until === undefined ? {} : { until: body.until }),
    };
    const row = newJobRow({ id: randomId('rpl'), projectId: caller.projectId, tokenId: caller.tokenId, filter, at: new Date(clockOf(deps)()).toISOString() });
    const [inserted] = await db.insert(replayJobs).values(row).returning();
    if (inserted === undefined) throw new Error('replay job insert returned no row');
    try {
      await sendPageMessage(c.env.REPLAYS, inserted.id, 0);
    } catch (err) {
      console.error('replay job enqueue failed', inserted.id, safeErrorText(err));
      // No message, no progress: the job would only ever show `running`.
      await db.delete(replayJobs).where(eq(replayJobs.id, inserted.id));
      throw queueUnavailable('The replay job');
    }
    c.header('location', `/v1/replays/${inserted.id}`);
    return c.json(replayJobView(jobOf(inserted)), 202);
  });
}

function listReplays() {
  return factory.createHandlers(queryParams(ListReplaysQuery), async (c) => {
    const { db, caller } = c.var;
    const page = await pageOwned(db, caller, REPLAY_JOB, c.req.valid('query'), (r) => ({ at: r.createdAt, id: r.id }));
    return c.json(pageBody(page, (row) => replayJobView(jobOf(row))));
  });
}

function getReplay() {
  return factory.createHandlers(async (c) => {
    const { db, caller } = c.var;
    return c.json(replayJobView(await findJob(db, caller, pathParam(c, 'id'))));
  });
}

function resumeReplay(deps: ControlDeps) {
  return factory.createHandlers(async (c) => {
    const { db, caller } = c.var;
    const job = await findJob(db, caller, pathParam(c, 'id'));
    const now = clockOf(deps)();
    switch (job.status) {
      case 'done':
        throw new ProblemError('conflict', 'This replay job is done; to replay the same events again, start a new job (POST /v1/replays) with the same filter.', { status: job.status });
      case 'running': {
        const idleSeconds = Math.floor((now - Date.parse(job.updatedAt)) / 1000);
        if (idleSeconds < RESUME_AFTER_SECONDS) {
          throw new ProblemError('conflict', `This replay job is running and made progress ${idleSeconds} s ago; a running job can be resumed after ${RESUME_AFTER_SECONDS} s without progress.`, { status: job.status, updated_at: job.updatedAt });
        }
        break;
      }
      case 'failed':
        break;
    }
    if (!(await markResumed(db, job, new Date(now).toISOString()))) {
      throw new ProblemError('conflict', 'This replay job changed while it was being resumed; read it again (GET /v1/replays/{id}).');
    }
    try {
      await sendPageMessage(c.env.REPLAYS, job.id, job.page);
    } catch (err) {
      console.error('replay job resume enqueue failed', job.id, safeErrorText(err));
      await undoResume(db, job).catch(() => undefined);
      throw queueUnavailable('The resumed replay job');
    }
    return c.json(replayJobView(await findJob(db, caller, job.id)), 202);
  });
}

export function replaysRoutes(deps: ControlDeps): ControlRoutes {
  return new ControlRoutes()
    .route(
      { method: 'post', path: '/v1/replays', summary: 'Start a job replaying every event that matches the filter (webhook_id, status, received in [since, until); none received after the job starts), newest first, to workflows that have no run for it', body: CreateReplayBody, responses: { 202: 'The job, `running`; poll `GET /v1/replays/{id}`', 400: 'Invalid filter', 404: 'No such webhook in this project', 503: 'The queue refused the job; nothing was started, retry' }, audit: { action: 'replay.create', resource: { created: 'id' } } },
      ...createReplay(deps),
    )
    .route(
      { method: 'get', path: '/v1/replays', summary: 'The project’s replay jobs, newest first', query: ListReplaysQuery, responses: { 200: '`{ data, has_more, next_cursor }`', 400: 'Invalid query' } },
      ...listReplays(),
    )
    .route(
      { method: 'get', path: '/v1/replays/:id', summary: 'A replay job and its progress: scanned, replayed, skipped and failed events, with reasons', responses: { 200: 'The job', 404: 'No such job in this project' } },
      ...getReplay(),
    )
    .route(
      { method: 'post', path: '/v1/replays/:id/resume', summary: `Go on with a failed job, or a running one that made no progress for ${RESUME_AFTER_SECONDS} s, from its last committed page`, responses: { 202: 'The job, `running` again', 404: 'No such job in this project', 409: 'The job is done, or still making progress', 503: 'The queue refused the message; retry' }, audit: { action: 'replay.resume', resource: { param: 'id' } } },
      ...resumeReplay(deps),
    );
}
