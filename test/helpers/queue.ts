/** Drives the queue handler directly, as workers-sdk's queue-consumer examples do. */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import worker from '../../workers/hasp/index';
import { projectLog } from '../../shared/eventlog/client';
import type { EventRecord } from '../../shared/eventlog/types';
import type { EventMessage } from '../../shared/queue/event-message';
import { parseRunEnvelope, type RunEnvelope } from '../../shared/queue/run-envelope';
import type { RunMessage } from '../../shared/queue/run-message';
import { getSealedObject } from '../../shared/queue/sealed-object';
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
    // The payload as the ingress sends it, unless the test says where the payload is.
    ...('payload_bytes' in overrides || 'payload_json' in overrides || 'payload_key' in overrides ? {} : inline(JSON.stringify(CHART_SAMPLE))),
    ...overrides,
  };
}

/** An inline payload as the ingress sends it: the JSON's UTF-8 bytes. */
export function inline(json: string): Pick<EventMessage, 'payload_bytes'> {
  return { payload_bytes: new TextEncoder().encode(json) };
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
  /** The contract envelope the run receives: parseRunEnvelope of what the run message carried. */
  envelope: RunEnvelope;
  /** The envelope JSON as the run message carried it (the payload once), opened with the project's data key. */
  json: string;
  /** The inline envelope as the stand-in stored it, sealed; null for a claim-checked one. */
  sealed: string | null;
  /** R2 key of a claim-checked envelope, which the stand-in records instead; null when inline. */
  envelopeKey: string | null;
}

/**
 * What the stand-in runtime (workers/runtime-standin) recorded for the event's runs, from its own
 * database: each envelope opened with the project's data key, from the receipt (AAD
 * `envelopeAad(run_id)`) or, for a claim-checked one, from its R2 object (AAD `objectAad(key)`),
 * as a runtime would read it.
 */
export async function receiptsOf(project: ProjectRef, eventId: string): Promise<Receipt[]> {
  const { results } = await env.RUNTIME_RECEIPTS.prepare('SELECT run_id, envelope, envelope_key FROM runtime_receipts WHERE event_id = ? ORDER BY run_id')
    .bind(eventId)
    .all<ReceiptRow>();
  if (results.length === 0) return [];
  const dataKey = await dataKeyOf(project);
  return Promise.all(
    results.map(async (r) => {
      const json = await receiptEnvelopeJson(dataKey, r);
      return { run_id: r.run_id, envelope: parseRunEnvelope(json), json, sealed: r.envelope, envelopeKey: r.envelope_key };
    }),
  );
}

interface ReceiptRow {
  run_id: string;
  envelope: string | null;
  envelope_key: string | null;
}

/** The envelope JSON a receipt holds: sealed in its row, or in the R2 object at its key. */
async function receiptEnvelopeJson(dataKey: CryptoKey, row: ReceiptRow): Promise<string> {
  if (row.envelope !== null) return openText(dataKey, row.envelope, envelopeAad(row.run_id));
  if (row.envelope_key !== null) return claimCheckedEnvelopeText(dataKey, row.envelope_key);
  throw new Error(`the receipt of ${row.run_id} holds neither an envelope nor its key`);
}

/** The claim-checked envelope at `key`, opened with `dataKey` as a runtime would (AAD `objectAad(key)`). */
async function claimCheckedEnvelopeText(dataKey: CryptoKey, key: string): Promise<string> {
  const read = await getSealedObject(env.PAYLOADS, dataKey, key);
  if (read.found !== 'text') throw new Error(`the sealed object at ${key} is ${read.found}`);
  return read.text;
}

/** How often `part` occurs in `text`: a run's envelope JSON carries its payload's text once. */
export function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}
