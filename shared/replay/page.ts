/**
 * One page of a replay job: up to REPLAY_PAGE_SIZE events from the job's cursor (newest first, as
 * the project's log pages), each replayed by the rule `POST /v1/events/{id}/replay` follows
 * (./replay-event.ts). Nothing is written here: the caller commits what the page did in one guarded
 * update (./jobs.ts), so a page that fails or is delivered twice is simply done again. Replaying is
 * idempotent (the fan-out starts only runs that do not exist), so doing a page again starts no run
 * twice; and an event that is dispatched with a run for every listening workflow is not sent at
 * all (skipped, `already-dispatched`), so a job run again over the same events replays none of
 * them again.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { inJsonArray } from '../db/json-rows';
import { webhooks } from '../db/schema';
import type { ProjectLogApi } from '../eventlog/types';
import { safeErrorText } from '../http/safe-error';
import type { EventMessage } from '../queue/event-message';
import { startCursor } from './filter';
import type { PageProgress, ReplayJob } from './jobs';
import { NOTHING_TO_START, listeningWorkflows, prepareReplay, replayBody, workflowsWithoutRun } from './replay-event';
import { sendEventMessages } from './send-events';

/** Events per page: one queue message's work, well within a consumer invocation's limits. */
export const REPLAY_PAGE_SIZE = 100;

/** Why an event a job could not replay counts as `failed` rather than `skipped`. */
export const PAYLOAD_UNREADABLE = 'payload-unreadable';

export interface PageDeps {
  db: Db;
  log: Pick<ProjectLogApi, 'listEvents'>;
  /** The job's project's data key: opens inline payloads. */
  dataKey: () => Promise<CryptoKey>;
  /** The job's project's events shard (shared/queue/shards.ts): a job replays one project's events. */
  events: Queue<EventMessage>;
}

/** Replays the job's next page and says what it did; throws when the log, D1 or the queue fails. */
export async function replayPage(deps: PageDeps, job: ReplayJob, orgSlug: string): Promise<PageProgress> {
  const { filter } = job;
  const listed = await deps.log.listEvents({
    webhookId: filter.webhook_id,
    status: filter.status,
    after: job.cursor ?? startCursor(filter, job.createdAt),
    limit: REPLAY_PAGE_SIZE,
  });
  // Newest first: the first event older than `since` ends the job.
  const since = filter.since;
  const events = since === undefined ? listed.items : listed.items.filter((e) => e.receivedAt >= since);
  const finished = listed.next === null || events.length < listed.items.length;
  const last = events[events.length - 1];

  if (last === undefined) return { counts: { scanned: 0, replayed: 0, skipped: 0, failed: 0, reasons: { skipped: {}, failed: {} } }, cursor: null, finished: true };

  const webhookIds = [...new Set(events.map((e) => e.webhookId))];
  const [slugs, listening, dataKey] = await Promise.all([webhookSlugs(deps.db, job.projectId, webhookIds), listeningWorkflows(deps.db, webhookIds), deps.dataKey()]);
  const owner = { orgSlug, projectId: job.projectId };
  const messages: EventMessage[] = [];
  const skipped: Record<string, number> = {};
  const failed: Record<string, number> = {};
  for (const event of events) {
    // A dead or accepted event is sent even then: its fan-out is what records it dispatched.
    if (event.status === 'dispatched' && slugs.has(event.webhookId) && workflowsWithoutRun(event, listening.get(event.webhookId) ?? []).length === 0) {
      skipped[NOTHING_TO_START] = (skipped[NOTHING_TO_START] ?? 0) + 1;
      continue;
    }
    try {
      const prepared = await prepareReplay(event, slugs.get(event.webhookId), owner, dataKey);
      if (prepared.ok) messages.push(replayBody(prepared.message));
      else skipped[prepared.refusal] = (skipped[prepared.refusal] ?? 0) + 1;
    } catch (err) {
      // A payload that does not open will not open on a retry either: counted, not retried.
      console.error('replay job: payload did not open', job.id, event.id, safeErrorText(err));
      failed[PAYLOAD_UNREADABLE] = (failed[PAYLOAD_UNREADABLE] ?? 0) + 1;
    }
  }
  await sendEventMessages(deps.events, messages);

  return {
    counts: {
      scanned: events.length,
      replayed: messages.length,
      skipped: sum(skipped),
      failed: sum(failed),
      reasons: { skipped, failed },
    },
    cursor: { at: last.receivedAt, id: last.id },
    finished,
  };
}

/** The slug of each of the events' webhooks that still exists in the project. */
async function webhookSlugs(db: Db, projectId: string, ids: readonly string[]): Promise<Map<string, string>> {
  const rows = await db
    .select({ id: webhooks.id, slug: webhooks.slug })
    .from(webhooks)
    .where(and(eq(webhooks.projectId, projectId), inJsonArray(webhooks.id, ids)))
    .all();
  return new Map(rows.map((r) => [r.id, r.slug]));
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
