/**
 * The replays queue's consumer: each message is one page of one job (./message.ts). A job has one
 * message in flight at a time: a page is replayed, committed (./jobs.ts), and only then is the next
 * page's message sent. What makes that safe under at-least-once delivery:
 *
 * - A message naming a page the job has not reached or has passed is stale: acked, nothing done.
 * - Two deliveries of the same page may both replay it (harmless: replay is idempotent), but only
 *   one commits its cursor and counts; the other stops there, and the one that committed sends
 *   the next message.
 * - If the next message could not be sent after the commit, the retry of the message (attempt > 1)
 *   finds its page committed and sends the next message again. A first delivery that finds its page
 *   committed is a duplicate, and does not, so duplicates never multiply down a job.
 * - A page that keeps failing marks the job `failed` on its last attempt (there is no dead-letter
 *   queue: the job row is where the failure shows); `POST /v1/replays/{id}/resume` goes on from
 *   the committed page.
 *
 * Messages are handled one after another: a page can hold a hundred payloads in memory.
 */
import * as v from 'valibot';
import { createDb, type Db } from '../db/client';
import { projectLog } from '../eventlog/client';
import { safeErrorText } from '../http/safe-error';
import { backoffSeconds } from '../queue/backoff';
import { eventsQueueFor } from '../queue/shards';
import { DataKeyCache } from '../secrets/data-keys';
import { masterKeyFor } from '../secrets/master-key';
import { commitPage, loadJob, markFailed } from './jobs';
import { ReplayPageMessageSchema, sendPageMessage, type ReplayPageMessage } from './message';
import { replayPage } from './page';

/** Deliveries of one page before its job is marked failed; wrangler.toml's max_retries is 5. */
export const REPLAY_MAX_ATTEMPTS = 5;

export interface ReplayConsumerOptions {
  /** The isolate's data keys (default: a cache for this batch alone). */
  dataKeys?: DataKeyCache;
  now?: () => number;
}

interface Ctx {
  env: Env;
  db: Db;
  dataKeys: DataKeyCache;
  now: () => number;
}

/** Handles a batch of the replays queue; every message is acked or retried before it returns. */
export async function consumeReplayBatch(batch: MessageBatch<unknown>, env: Env, options: ReplayConsumerOptions = {}): Promise<void> {
  const ctx: Ctx = { env, db: createDb(env.DB), dataKeys: options.dataKeys ?? new DataKeyCache(), now: options.now ?? Date.now };
  for (const message of batch.messages) {
    const parsed = v.safeParse(ReplayPageMessageSchema, message.body);
    if (!parsed.success) {
      // No retry can make it well-formed.
      console.error('replay: malformed page message dropped', message.id);
      message.ack();
      continue;
    }
    try {
      await handlePage(ctx, parsed.output, message.attempts);
      message.ack();
    } catch (err) {
      await failedAttempt(ctx, message, parsed.output, safeErrorText(err));
    }
  }
}

async function handlePage(ctx: Ctx, message: ReplayPageMessage, attempts: number): Promise<void> {
  const loaded = await loadJob(ctx.db, message.job_id);
  if (loaded === null || loaded.job.status !== 'running') return;
  const { job, orgSlug } = loaded;
  if (message.page !== job.page) {
    // A retry whose page was committed before its next message failed to go out.
    if (message.page === job.page - 1 && attempts > 1) await sendPageMessage(ctx.env.REPLAYS, job.id, job.page);
    return;
  }
  const progress = await replayPage(
    {
      db: ctx.db,
      log: projectLog(ctx.env, job.projectId),
      dataKey: async () => {
        const key = (await ctx.dataKeys.get(ctx.env.DB, await masterKeyFor(ctx.env), [job.projectId])).get(job.projectId);
        if (key === undefined) throw new Error(`project ${job.projectId} has no data key`);
        return key;
      },
      events: eventsQueueFor(ctx.env, job.projectId),
    },
    job,
    orgSlug,
  );
  const committed = await commitPage(ctx.db, job, progress, new Date(ctx.now()).toISOString());
  if (committed && !progress.finished) await sendPageMessage(ctx.env.REPLAYS, job.id, job.page + 1);
}

async function failedAttempt(ctx: Ctx, message: Message<unknown>, page: ReplayPageMessage, reason: string): Promise<void> {
  console.error('replay page failed', page.job_id, `page ${page.page}`, `attempt ${message.attempts}`, reason);
  if (message.attempts < REPLAY_MAX_ATTEMPTS) {
    message.retry({ delaySeconds: backoffSeconds(message.attempts) });
    return;
  }
  try {
    // The reason stays in the log line above: the job view is a wire message, kept generic.
    const error = `Page ${page.page + 1} could not be replayed after ${message.attempts} attempts; resume the job (POST /v1/replays/${page.job_id}/resume) to go on from where it stopped.`;
    await markFailed(ctx.db, page.job_id, page.page, error, new Date(ctx.now()).toISOString());
    message.ack();
  } catch (err) {
    console.error('replay job could not be marked failed', page.job_id, safeErrorText(err));
    message.retry({ delaySeconds: backoffSeconds(message.attempts) });
  }
}
