/**
 * The message of the replays queue: "process page `page` of job `job_id`". It carries no cursor
 * and no event: the job row holds where the job stands, and a message naming a page the row has
 * already committed is stale (./consumer.ts).
 */
import * as v from 'valibot';

export const ReplayPageMessageSchema = v.object({
  v: v.literal(1),
  job_id: v.pipe(v.string(), v.startsWith('rpl_')),
  page: v.pipe(v.number(), v.integer(), v.minValue(0)),
});

export type ReplayPageMessage = v.InferOutput<typeof ReplayPageMessageSchema>;

export function pageMessage(jobId: string, page: number): ReplayPageMessage {
  return { v: 1, job_id: jobId, page };
}

/** Sends the message of one page of a job; throws when the queue refused it. */
export async function sendPageMessage(queue: Queue<ReplayPageMessage>, jobId: string, page: number): Promise<void> {
  await queue.send(pageMessage(jobId, page), { contentType: 'json' });
}
