/** Drives bulk replay jobs (shared/replay) page by page, as the replays queue would. */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { createDb } from '../../shared/db/client';
import { replayJobs } from '../../shared/db/schema';
import { randomId } from '../../shared/ids';
import { REPLAYS_QUEUE } from '../../shared/queue/names';
import type { ReplayFilter } from '../../shared/replay/filter';
import { newJobRow } from '../../shared/replay/jobs';
import type { ReplayPageMessage } from '../../shared/replay/message';
import worker from '../../workers/hasp/index';
import { tokenIdOf } from './control-api';
import type { TestProject } from './fixtures';

/** Hands one page message to the Worker's queue handler; `bindings` replace the test env's. */
export async function deliverPage(message: ReplayPageMessage, attempts: number, bindings: Partial<Env>) {
  const batch = createMessageBatch<ReplayPageMessage>(REPLAYS_QUEUE, [{ id: `rpl-msg-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body: message }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, ...bindings }, ctx);
  return getQueueResult(batch, ctx);
}

/** A job row as POST /v1/replays writes it, but with no message sent: the test delivers its pages. */
export async function insertJob(project: TestProject, filter: ReplayFilter): Promise<string> {
  const id = randomId('rpl');
  const at = new Date().toISOString();
  await createDb(env.DB)
    .insert(replayJobs)
    .values(newJobRow({ id, projectId: project.projectId, tokenId: await tokenIdOf(project), filter, at }));
  return id;
}
