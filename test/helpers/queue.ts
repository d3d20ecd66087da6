/** Drives the queue handler directly, as workers-sdk's queue-consumer examples do. */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import worker from '../../workers/hasp/index';
import { projectLog } from '../../shared/eventlog/client';
import type { EventRecord } from '../../shared/eventlog/types';
import type { EventMessage } from '../../shared/queue/event-message';
import type { RunMessage } from '../../shared/queue/run-message';
import { eventsBinding, eventsDeadLetterQueueName, eventsQueueName, queueShardCount, runsBinding, shardOf } from '../../shared/queue/shards';
import { randomId } from '../../shared/ids';
import { envelopeAad, openText } from '../../shared/secrets/payload-seal';
import { CHART_SAMPLE, dataKeyOf, type TestProject, type TestWebhook } from './fixtures';

type ProjectRef = Pick<TestProject, 'projectId'>;

export function eventMessage(project: TestProject, hook: TestWebhook, overrides: Partial<EventMessage> = {}): EventMessage {
  return {
    v: 1,
    event_id: randomId('evt'),
    webhook_id: hook.id,
    webhook_slug: hook.slug,
    org: project.orgSlug,
    project_id: project.projectId,
    delivery_id: null,
    received_at: new Date().toISOString(),
    payload_json: JSON.stringify(CHART_SAMPLE),
    ...overrides,
  };
}

/** The shard of a project's events and runs under the test env's QUEUE_SHARDS (wrangler.toml: 2). */
export function shardOfProject(project: ProjectRef): number {
  return shardOf(project.projectId, queueShardCount(env));
}

/** The events shard a project's messages come from, as the consumer sees it in `batch.queue`. */
export function eventsQueueOf(project: ProjectRef): string {
  return eventsQueueName(shardOfProject(project));
}

/** The dead-letter queue of a project's events shard. */
export function deadLettersOf(project: ProjectRef): string {
  return eventsDeadLetterQueueName(shardOfProject(project));
}

/** Bindings that put `queue` in place of every events shard: it sees every event, whatever its project. */
export function everyEventsShard(queue: Queue<EventMessage>): Partial<Env> {
  const bindings: Partial<Env> = {};
  for (let shard = 0; shard < queueShardCount(env); shard += 1) bindings[eventsBinding(shard)] = queue;
  return bindings;
}

/** Bindings that put `queue` in place of every runs shard: it sees every run, whatever its project. */
export function everyRunsShard(queue: Queue<RunMessage>): Partial<Env> {
  const bindings: Partial<Env> = {};
  for (let shard = 0; shard < queueShardCount(env); shard += 1) bindings[runsBinding(shard)] = queue;
  return bindings;
}

/**
 * Hands `messages` to the Worker's queue handler as one batch; `bindings` replace the test env's.
 * By default the batch comes from the first message's project's events shard, as it would.
 */
export async function deliver(messages: EventMessage[], queue?: string, attempts = 1, bindings: Partial<Env> = {}) {
  const first = messages[0];
  const from = queue ?? (first === undefined ? eventsQueueName(0) : eventsQueueName(shardOf(first.project_id, queueShardCount(env))));
  const batch = createMessageBatch<EventMessage>(
    from,
    messages.map((body, i) => ({ id: `msg-${i}-${body.event_id}`, timestamp: new Date(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, ...bindings }, ctx);
  return getQueueResult(batch, ctx);
}

/**
 * A queue binding that keeps what is sent to it, in place of a real one: a test can then say
 * that nothing was sent, at once, instead of waiting to see whether something arrives.
 */
export class RecordingQueue<Body> implements Queue<Body> {
  readonly sent: Body[] = [];
  /** The messages of each send or sendBatch call, in order. */
  readonly calls: Body[][] = [];

  async metrics(): Promise<QueueMetrics> {
    return { backlogCount: 0, backlogBytes: 0 };
  }

  async send(message: Body): Promise<QueueSendResponse> {
    this.sent.push(message);
    this.calls.push([message]);
    return { metadata: { metrics: { backlogCount: this.sent.length, backlogBytes: 0 } } };
  }

  async sendBatch(messages: Iterable<MessageSendRequest<Body>>): Promise<QueueSendBatchResponse> {
    const bodies = [...messages].map((m) => m.body);
    this.sent.push(...bodies);
    this.calls.push(bodies);
    return { metadata: { metrics: { backlogCount: this.sent.length, backlogBytes: 0 } } };
  }
}

/** The event as its project's log holds it (shared/eventlog), or null. */
export async function eventOf(project: ProjectRef, eventId: string): Promise<EventRecord | null> {
  return projectLog(env, project.projectId).getEvent(eventId);
}

/** The event's runs in its project's log, by workflow id. */
export async function runsOf(project: ProjectRef, eventId: string): Promise<{ id: string; workflow_id: string; status: string }[]> {
  const event = await eventOf(project, eventId);
  return (event?.runs ?? []).map((r) => ({ id: r.id, workflow_id: r.workflow_id, status: r.status }));
}

export async function eventStatus(project: ProjectRef, eventId: string): Promise<string | null> {
  return (await eventOf(project, eventId))?.status ?? null;
}

export interface Receipt {
  run_id: string;
  /** The envelope JSON, opened with the project's data key. */
  envelope: string;
  /** The envelope as the stand-in stored it. */
  sealed: string;
}

/**
 * What the stand-in runtime (workers/runtime-standin) recorded for the event's runs, from its own
 * database, each envelope opened with the project's data key as the stand-in sealed it.
 */
export async function receiptsOf(project: ProjectRef, eventId: string): Promise<Receipt[]> {
  const { results } = await env.RUNTIME_RECEIPTS.prepare('SELECT run_id, envelope FROM runtime_receipts WHERE event_id = ? ORDER BY run_id').bind(eventId).all<{
    run_id: string;
    envelope: string;
  }>();
  if (results.length === 0) return [];
  const dataKey = await dataKeyOf(project);
  return Promise.all(results.map(async (r) => ({ run_id: r.run_id, sealed: r.envelope, envelope: await openText(dataKey, r.envelope, envelopeAad(r.run_id)) })));
}
