/**
 * The consumer of every events shard and of every shard's dead letters (shared/queue/shards.ts):
 * a batch holds the events of the projects of one shard, and each project's runs go to its own
 * runs shard. A batch is read from D1 together (one round trip: listening workflows
 * and retention of its webhooks) and fanned out per project: each project's events go to its own
 * log (shared/eventlog) in one call to learn which runs exist and one to record events and runs.
 * If a project's fan-out fails, each of its messages is tried alone and acked or retried on its
 * own, so a failure costs only what failed: another project's log, or the rest of the batch,
 * is not retried for it. Nothing is left to waitUntil: a failure must reach the retries and, at
 * last, the dead-letter queue.
 *
 * Project data keys come from a per-isolate cache (shared/secrets/data-keys.ts): a warm batch
 * reads none from D1. A payload is sealed under its project's key before it reaches the log.
 */
import * as v from 'valibot';
import { chunkByWeight } from '../db/batching';
import { createDb, type Db } from '../db/client';
import { projectLog } from '../eventlog/client';
import { reportAccepted } from '../health/report-accepted';
import { safeErrorText } from '../http/safe-error';
import { logDeadEvent } from '../observability/log-lines';
import { backoffSeconds } from '../queue/backoff';
import { EventMessageSchema, INLINE_PAYLOAD_MAX_BYTES, inlinePayloadSize, type EventMessage } from '../queue/event-message';
import { eventsQueueRole, queueShardCount, runsQueueFor } from '../queue/shards';
import { DataKeyCache } from '../secrets/data-keys';
import { masterKeyFor } from '../secrets/master-key';
import { MAX_EVENTS_PER_FAN_OUT, deadLetterReason, fanOutProject, readWebhooks, retentionOf, type WebhookFacts } from './fan-out';
import { loggedEvent, retentionByWebhook, retentionQuery, type Retention } from './logged-event';
import { settleTogetherOrAlone } from './settle';

interface Parsed {
  message: Message<unknown>;
  event: EventMessage;
}

/**
 * Bytes of payload copies a fan-out holds at once: as much again as the largest batch of inline
 * payloads holds itself, so a batch nobody listens to is logged in one part. Each part costs its
 * project's log a few object calls, and each a write and its sync: at 64 KB and 10 connections under
 * `npm run dev`, parts of 1 MB (seven a batch) held the service to 0.64x of the enqueue-only
 * baseline, one part to 0.71x (BENCHMARKS.md).
 */
const FAN_OUT_MEMORY_BUDGET_BYTES = MAX_EVENTS_PER_FAN_OUT * INLINE_PAYLOAD_MAX_BYTES;

/**
 * The copies of its payload an event adds while it is fanned out: the sealed one the log keeps and
 * each listening workflow's run envelope. A claim-checked payload a workflow listens to is read
 * from R2 and may be larger than any inline one, so it is fanned out alone; one nobody listens to is
 * never read (./fan-out.ts).
 */
function payloadWeight(webhooks: WebhookFacts): (item: Parsed) => number {
  return ({ event }) => {
    const listeners = webhooks.targets.get(event.webhook_id)?.length ?? 0;
    const inline = inlinePayloadSize(event);
    if (inline !== undefined) return inline * (1 + listeners);
    return listeners > 0 ? FAN_OUT_MEMORY_BUDGET_BYTES : 0;
  };
}

/** What one batch of an events shard did, for a {@link ConsumerOptions.metrics} sink. */
export interface FanOutMetric {
  /** Events fanned out (or recorded dead for a payload that does not open) and acked. */
  eventIds: readonly string[];
  /** Runs handed to the runs shards. */
  runs: number;
  sendBatchCalls: number;
  ms: number;
}

/**
 * Seams for a measuring copy of the consumer (`npm run bench`) and for tests; production passes
 * only `dataKeys`, and each default is what the consumer would do without the seam.
 */
export interface ConsumerOptions {
  /** Wraps the D1 binding the batch uses, data keys' reads included (default: the binding itself). */
  db?: (binding: D1Database) => D1Database;
  /** Told what a batch of an events shard (not of its dead letters) did (default: nothing). */
  metrics?: (metric: FanOutMetric) => void;
  /** The isolate's data keys (default: a cache for this batch alone, which reads D1 each batch). */
  dataKeys?: DataKeyCache;
  now?: () => number;
}

/** What a batch's handlers share. */
interface BatchContext {
  env: Env;
  db: Db;
  /** The data key of each project; throws when one has none. */
  dataKey: (projectId: string) => Promise<CryptoKey>;
  /** Loads the keys of these projects into the cache in one read; never throws. */
  warmKeys: (projectIds: readonly string[]) => Promise<void>;
  now: () => number;
}

/**
 * Fans out a batch of an events shard, or records a batch of a shard's dead letters; every message
 * is acked or retried before it returns. Throws, so the platform retries the whole batch, for a
 * queue that is not an events queue or a shard configuration that does not hold together: then
 * nothing can be done right, and nothing has been done yet.
 */
export async function consumeBatch(batch: MessageBatch<unknown>, env: Env, options: ConsumerOptions = {}): Promise<void> {
  const role = eventsQueueRole(batch.queue);
  if (role === null) throw new Error(`the events consumer was handed a batch of ${batch.queue}, which is neither an events shard nor its dead letters`);
  // The runs shards are checked before any event is fanned out, not one project at a time.
  queueShardCount(env);
  const binding = options.db ? options.db(env.DB) : env.DB;
  const keys = options.dataKeys ?? new DataKeyCache();
  const keysOf = async (projectIds: readonly string[]) => keys.get(binding, await masterKeyFor(env), projectIds);
  const context: BatchContext = {
    env,
    db: createDb(binding),
    dataKey: async (projectId) => {
      const key = (await keysOf([projectId])).get(projectId);
      if (key === undefined) throw new Error(`project ${projectId} has no data key`);
      return key;
    },
    // A project without a key (deleted since) fails only its own messages, each on its own.
    warmKeys: (projectIds) => keysOf(projectIds).then(() => undefined, () => undefined),
    now: options.now ?? Date.now,
  };

  const parsed: Parsed[] = [];
  for (const message of batch.messages) {
    const result = v.safeParse(EventMessageSchema, message.body);
    if (result.success) parsed.push({ message, event: result.output });
    else retry(message, 'malformed event message');
  }

  if (role === 'dead-letters') {
    await recordDeadLetters(context, parsed);
    return;
  }

  const started = Date.now();
  const acked: string[] = [];
  const accepted = new Map<string, EventMessage[]>();
  let runs = 0;
  let sendBatchCalls = 0;
  // One D1 round trip for the whole batch (max_batch_size is at most MAX_EVENTS_PER_FAN_OUT).
  let webhooks: WebhookFacts;
  try {
    [webhooks] = await Promise.all([readWebhooks(context.db, unique(parsed.map((p) => p.event.webhook_id))), context.warmKeys(unique(parsed.map((p) => p.event.project_id)))]);
  } catch (error) {
    // Without the triggers nothing can be fanned out; nothing was sent or recorded yet.
    for (const { message } of parsed) retry(message, safeErrorText(error));
    return;
  }
  // A batch of large payloads would hold them all, and their envelopes, in memory at once.
  for (const part of chunkByWeight(parsed, MAX_EVENTS_PER_FAN_OUT, FAN_OUT_MEMORY_BUDGET_BYTES, payloadWeight(webhooks))) {
    await Promise.all(
      [...byProject(part)].map(async ([projectId, items]) => {
        const log = projectLog(env, projectId);
        const { done, failed } = await settleTogetherOrAlone(
          items,
          async (some) => {
            const deps = { log, dataKey: await context.dataKey(projectId), payloads: env.PAYLOADS, runtime: runsQueueFor(env, projectId), now: context.now };
            const result = await fanOutProject(deps, webhooks, some.map((p) => p.event));
            runs += result.runs;
            sendBatchCalls += result.sendBatchCalls;
          },
          (error) => console.error(`fan-out of project ${projectId}'s events failed; trying each event alone`, safeErrorText(error)),
        );
        const reported = accepted.get(projectId) ?? [];
        accepted.set(projectId, reported);
        for (const { message, event } of done) {
          message.ack();
          acked.push(event.event_id);
          reported.push(event);
        }
        await Promise.all(failed.map(({ item, error }) => retryVisibly(context, webhooks.retention, item, safeErrorText(error))));
      }),
    );
  }
  // Once per project and batch, not per part: one call to its health object, one shape sample.
  await Promise.all([...accepted].map(([projectId, events]) => reportAccepted(env, projectId, events, context.now())));
  options.metrics?.({ eventIds: acked, runs, sendBatchCalls, ms: Date.now() - started });
}

/** Records each dead letter in its project's log as dead; one call per event, each acked or retried on its own. */
async function recordDeadLetters(context: BatchContext, parsed: readonly Parsed[]): Promise<void> {
  if (parsed.length === 0) return;
  let retention: ReadonlyMap<string, Retention>;
  try {
    const [[rows]] = await Promise.all([
      context.db.batch([retentionQuery(context.db, unique(parsed.map((p) => p.event.webhook_id)))]),
      context.warmKeys(unique(parsed.map((p) => p.event.project_id))),
    ]);
    retention = retentionByWebhook(rows);
  } catch (error) {
    for (const { message } of parsed) retry(message, safeErrorText(error));
    return;
  }
  await Promise.all(
    parsed.map(async ({ message, event }) => {
      try {
        const now = context.now();
        const logged = await loggedEvent(event, retentionOf(retention, event.webhook_id), await context.dataKey(event.project_id), now);
        await projectLog(context.env, event.project_id).recordDead(logged, deadLetterReason(event, message.attempts), new Date(now).toISOString());
        logDeadEvent({ cause: 'retries-exhausted', webhookId: event.webhook_id, eventId: event.event_id });
        message.ack();
      } catch (error) {
        retry(message, safeErrorText(error));
      }
    }),
  );
}

function retry(message: Message<unknown>, reason: string): void {
  console.error('fan-out failed', message.id, `attempt ${message.attempts}`, reason);
  message.retry({ delaySeconds: backoffSeconds(message.attempts) });
}

/** Retries the message and, best effort, shows the event in its log as accepted with why it is waiting. */
async function retryVisibly(context: BatchContext, retention: ReadonlyMap<string, Retention>, { message, event }: Parsed, reason: string): Promise<void> {
  retry(message, reason);
  const delay = backoffSeconds(message.attempts);
  const error = `Fan-out attempt ${message.attempts} failed (${reason}); next attempt in ${delay} s.`;
  try {
    const now = context.now();
    const logged = await loggedEvent(event, retentionOf(retention, event.webhook_id), await context.dataKey(event.project_id), now);
    await projectLog(context.env, event.project_id).recordFailedAttempt(logged, error, new Date(now).toISOString());
  } catch (err) {
    console.error('could not record the failed attempt', event.event_id, safeErrorText(err));
  }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function byProject(items: readonly Parsed[]): Map<string, Parsed[]> {
  const groups = new Map<string, Parsed[]>();
  for (const item of items) {
    const group = groups.get(item.event.project_id) ?? [];
    group.push(item);
    groups.set(item.event.project_id, group);
  }
  return groups;
}
