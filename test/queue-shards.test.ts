/**
 * The events and runs queues in shards (shared/queue/shards.ts): a project's shard is a stable hash
 * of its id; the ingress and every replay send its events to its events shard, the fan-out its runs
 * to its runs shard; the consumer takes every shard and every shard's dead letters; a shard
 * missing from the configuration fails loudly, naming what to bind.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { randomId } from '../shared/ids';
import type { EventMessage } from '../shared/queue/event-message';
import type { RunMessage } from '../shared/queue/run-message';
import {
  LEGACY_EVENTS_DLQ,
  LEGACY_EVENTS_QUEUE,
  QueueShardsMisconfigured,
  eventsBinding,
  eventsDeadLetterQueueName,
  eventsQueueFor,
  eventsQueueName,
  eventsQueueRole,
  fnv1a32,
  queueShardCount,
  runsBinding,
  runsQueueFor,
  runsQueueName,
  shardOf,
} from '../shared/queue/shards';
import { pageMessage } from '../shared/replay/message';
import worker from '../workers/hasp/index';
import { API } from './helpers/control-api';
import { CHART_SAMPLE, createProject, createWebhook, createWorkflow, type TestProject, type TestWebhook } from './helpers/fixtures';
import { RecordingQueue, deadLettersOf, deliver, eventMessage, eventStatus, receiptsOf, runsOf, shardOfProject } from './helpers/queue';
import { deliverPage, insertJob } from './helpers/replay-jobs';
import { postSigned, standardSignature, webhookUrl } from './helpers/send';
import { waitFor } from './helpers/wait';

/** The test env's N (wrangler.toml: QUEUE_SHARDS = "2"). */
const SHARDS = 2;

interface Tenant {
  project: TestProject;
  hook: TestWebhook;
  workflowId: string;
}

/** A project on `shard` with one webhook and one workflow listening to it. */
async function tenantOn(shard: number): Promise<Tenant> {
  const project = await createProject({ shard });
  const hook = await createWebhook(project);
  const workflowId = await createWorkflow(project, [hook.id]);
  return { project, hook, workflowId };
}

/** One recording queue per events shard, and the bindings that put them in place of the env's. */
function recordingEventsShards() {
  const queues = Array.from({ length: SHARDS }, () => new RecordingQueue<EventMessage>());
  const bindings: Partial<Env> = {};
  queues.forEach((queue, shard) => {
    bindings[eventsBinding(shard)] = queue;
  });
  return { queues, bindings };
}

/** One recording queue per runs shard, and the bindings that put them in place of the env's. */
function recordingRunsShards() {
  const queues = Array.from({ length: SHARDS }, () => new RecordingQueue<RunMessage>());
  const bindings: Partial<Env> = {};
  queues.forEach((queue, shard) => {
    bindings[runsBinding(shard)] = queue;
  });
  return { queues, bindings };
}

/** A signed event through the Worker's fetch with `bindings` in place of the env's; waits for its background work. */
async function sendSigned(tenant: Tenant, bindings: Partial<Env>): Promise<{ status: number; retryAfter: string | null; eventId: string }> {
  const body = JSON.stringify(CHART_SAMPLE);
  const request = new Request(webhookUrl(tenant.project.orgSlug, tenant.hook.slug), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...standardSignature(tenant.hook.secret, body) },
    body,
  });
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, { ...env, ...bindings }, ctx);
  await waitOnExecutionContext(ctx);
  const answer = await response.json<{ event_id?: string }>();
  return { status: response.status, retryAfter: response.headers.get('retry-after'), eventId: answer.event_id ?? '' };
}

describe('the shard of a project', () => {
  it('is FNV-1a 32-bit of the UTF-8 project id: the published test vectors hold', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    // Non-ASCII text is hashed as its UTF-8 bytes, as another language's FNV-1a would.
    expect(fnv1a32('prj_ü-ünïcode')).toBe(0x3c7444de);
  });

  it('stays the same for the same id, so a change of hash (which would move every project) fails here', () => {
    const expected: [string, number, number][] = [
      ['prj_default000000000000000', 1, 7],
      ['prj_01hzx3k5m9q7w2e4r6t8y0u1i3', 1, 5],
      ['prj_a', 1, 3],
      ['prj_b', 0, 6],
      ['prj_c', 1, 1],
      ['prj_d', 0, 4],
    ];
    for (const [id, of2, of8] of expected) {
      expect([shardOf(id, 2), shardOf(id, 8)], id).toEqual([of2, of8]);
      expect(shardOf(id, 1)).toBe(0);
    }
  });

  it.each([2, 8])('spreads 10,000 random project ids evenly over %i shards, each shard in range', (shards) => {
    const counts = new Array<number>(shards).fill(0);
    for (let i = 0; i < 10_000; i += 1) {
      const shard = shardOf(randomId('prj'), shards);
      expect(Number.isInteger(shard) && shard >= 0 && shard < shards).toBe(true);
      counts[shard] = (counts[shard] ?? 0) + 1;
    }
    // Binomial spread: a shard more than 10 % off its share is over 3.5 standard deviations out.
    const share = 10_000 / shards;
    for (const count of counts) expect(Math.abs(count - share)).toBeLessThan(share * 0.1);
  });

  it('refuses a shard count below one', () => {
    expect(() => shardOf('prj_a', 0)).toThrow(RangeError);
    expect(() => shardOf('prj_a', 1.5)).toThrow(RangeError);
  });
});

describe('queue names', () => {
  it('name each shard, its dead letters and its runs queue by index', () => {
    expect([eventsQueueName(0), eventsDeadLetterQueueName(0), runsQueueName(0)]).toEqual(['hasp-events-0', 'hasp-events-0-dlq', 'hasp-runs-0']);
    expect([eventsQueueName(11), eventsDeadLetterQueueName(11), runsQueueName(11)]).toEqual(['hasp-events-11', 'hasp-events-11-dlq', 'hasp-runs-11']);
    expect([eventsBinding(1), runsBinding(1)]).toEqual(['EVENTS_1', 'RUNS_1']);
  });

  it('tell events shards (any index, and the queue from before the shards) from their dead letters and from other queues', () => {
    for (const name of ['hasp-events-0', 'hasp-events-1', 'hasp-events-63', LEGACY_EVENTS_QUEUE]) expect(eventsQueueRole(name), name).toBe('events');
    for (const name of ['hasp-events-0-dlq', 'hasp-events-1-dlq', 'hasp-events-63-dlq', LEGACY_EVENTS_DLQ]) expect(eventsQueueRole(name), name).toBe('dead-letters');
    for (const name of ['hasp-replays', 'hasp-runs-0', 'hasp-events-01', 'hasp-events--1', 'hasp-events-1-dlq-dlq', 'xhasp-events-1', 'hasp-events-x']) {
      expect(eventsQueueRole(name), name).toBeNull();
    }
  });
});

describe('the shards of the test env', () => {
  it('are two, as wrangler.toml says for dev and tests', () => {
    expect(queueShardCount(env)).toBe(SHARDS);
  });

  it('fail loudly, naming the binding and the queue to add, when a shard is not bound', () => {
    const missing = { ...env, [eventsBinding(1)]: undefined };
    const projectOnShard1 = ['prj_a', 'prj_b', 'prj_c'].find((id) => shardOf(id, SHARDS) === 1) ?? 'prj_a';
    expect(() => eventsQueueFor(missing, projectOnShard1)).toThrow(QueueShardsMisconfigured);
    expect(() => eventsQueueFor(missing, projectOnShard1)).toThrow(/QUEUE_SHARDS is "2" but no queue is bound as EVENTS_1: add \[\[queues.producers\]\] binding = "EVENTS_1", queue = "hasp-events-1"/);
    // Every shard is checked at first use, not only the one a project happens to use.
    expect(() => runsQueueFor({ ...env, [runsBinding(0)]: undefined }, projectOnShard1)).toThrow(/no queue is bound as RUNS_0.*queue = "hasp-runs-0"/);
  });

  it('fail loudly when QUEUE_SHARDS is missing or not a positive integer', () => {
    for (const value of [undefined, '', '0', 'two', '2.5', '-1']) {
      // `undefined` as the string type says it cannot be: an env whose config lacks the var.
      const broken = { ...env, QUEUE_SHARDS: value as string };
      expect(() => queueShardCount(broken), String(value)).toThrow(/QUEUE_SHARDS is .*: set it in wrangler.toml's \[vars\] to the number of queue shards/);
    }
  });
});

describe('events and runs through their project\'s shard', () => {
  it('sends each project\'s signed event to its own events shard, and its runs to its own runs shard', async () => {
    const tenants = [await tenantOn(0), await tenantOn(1)];
    const events = recordingEventsShards();
    const sent: EventMessage[][] = [];
    for (const tenant of tenants) {
      const { status, eventId } = await sendSigned(tenant, events.bindings);
      expect(status).toBe(202);
      sent.push(events.queues.map((q) => q.sent.find((m) => m.event_id === eventId)).filter((m): m is EventMessage => m !== undefined));
    }
    expect(events.queues.map((q) => q.sent.map((m) => m.project_id))).toEqual([[tenants[0]?.project.projectId], [tenants[1]?.project.projectId]]);

    const runs = recordingRunsShards();
    for (const [shard, messages] of sent.entries()) {
      const result = await deliver(messages, eventsQueueName(shard), 1, runs.bindings);
      expect(result.explicitAcks).toHaveLength(1);
    }
    expect(runs.queues.map((q) => q.sent.map((r) => r.workflow_id))).toEqual([[tenants[0]?.workflowId], [tenants[1]?.workflowId]]);
  });

  it('takes events on both real shards end to end: each dispatched, each run received by the runtime', async () => {
    const tenants = [await tenantOn(0), await tenantOn(1)];
    for (const tenant of tenants) {
      const response = await postSigned(webhookUrl(tenant.project.orgSlug, tenant.hook.slug), tenant.hook.secret, CHART_SAMPLE);
      expect(response.status).toBe(202);
      const { event_id: eventId } = await response.json<{ event_id: string }>();
      await waitFor(async () => (await eventStatus(tenant.project, eventId)) === 'dispatched', `the event on shard ${shardOfProject(tenant.project)} to be dispatched`);
      const receipts = await waitFor(async () => {
        const found = await receiptsOf(tenant.project, eventId);
        return found.length === 1 && found;
      }, `the run of the event on shard ${shardOfProject(tenant.project)} at the runtime`);
      expect(receipts.map((r) => r.run_id)).toEqual((await runsOf(tenant.project, eventId)).map((r) => r.id));
    }
  });

  it('replays an event into its project\'s events shard', async () => {
    const tenants = [await tenantOn(0), await tenantOn(1)];
    for (const [shard, tenant] of tenants.entries()) {
      const message = eventMessage(tenant.project, tenant.hook);
      expect((await deliver([message], deadLettersOf(tenant.project), 6)).explicitAcks).toHaveLength(1);
      const events = recordingEventsShards();
      const request = new Request(`${API}/v1/events/${message.event_id}/replay`, { method: 'POST', headers: { authorization: `Bearer ${tenant.project.token}` } });
      const response = await worker.fetch(request, { ...env, ...events.bindings }, createExecutionContext());
      expect(response.status).toBe(202);
      const expected = events.queues.map((_, i) => (i === shard ? [message.event_id] : []));
      expect(events.queues.map((q) => q.sent.map((m) => m.event_id))).toEqual(expected);
    }
  });

  it('runs a bulk replay job\'s pages into its project\'s events shard', async () => {
    const tenant = await tenantOn(1);
    const dead = Array.from({ length: 3 }, () => eventMessage(tenant.project, tenant.hook));
    expect((await deliver(dead, deadLettersOf(tenant.project), 6)).explicitAcks).toHaveLength(3);
    const jobId = await insertJob(tenant.project, { webhook_id: tenant.hook.id, status: 'dead' });
    const events = recordingEventsShards();
    const result = await deliverPage(pageMessage(jobId, 0), 1, { ...events.bindings, REPLAYS: new RecordingQueue() });
    expect(result.explicitAcks).toHaveLength(1);
    expect(events.queues[0]?.sent).toEqual([]);
    expect(new Set(events.queues[1]?.sent.map((m) => m.event_id))).toEqual(new Set(dead.map((m) => m.event_id)));
  });
});

describe('the consumer of every shard', () => {
  it('fans out a batch from any events shard, a shard beyond N, and the queue from before the shards', async () => {
    const tenant = await tenantOn(0);
    // A shard beyond N still holds what it took before N was lowered; the legacy queue what it took before the shards.
    for (const queue of [eventsQueueName(0), eventsQueueName(1), eventsQueueName(7), LEGACY_EVENTS_QUEUE]) {
      const message = eventMessage(tenant.project, tenant.hook);
      const result = await deliver([message], queue);
      expect(result.explicitAcks, queue).toHaveLength(1);
      expect(await eventStatus(tenant.project, message.event_id), queue).toBe('dispatched');
      expect(await runsOf(tenant.project, message.event_id), queue).toHaveLength(1);
    }
  });

  it('records as dead what reaches any shard\'s dead-letter queue, and the legacy one', async () => {
    const tenants = [await tenantOn(0), await tenantOn(1)];
    for (const tenant of tenants) {
      // Exhausted retries land in the dead-letter queue of the project's own shard (wrangler.toml).
      for (const queue of [deadLettersOf(tenant.project), LEGACY_EVENTS_DLQ]) {
        const message = eventMessage(tenant.project, tenant.hook);
        const result = await deliver([message], queue, 6);
        expect(result.explicitAcks, queue).toHaveLength(1);
        expect(await eventStatus(tenant.project, message.event_id), queue).toBe('dead');
        expect(await runsOf(tenant.project, message.event_id), queue).toEqual([]);
      }
    }
    expect(tenants.map((t) => deadLettersOf(t.project))).toEqual(['hasp-events-0-dlq', 'hasp-events-1-dlq']);
  });

  it('refuses a batch of a queue that is not an events queue, acking nothing', async () => {
    const tenant = await tenantOn(0);
    const message = eventMessage(tenant.project, tenant.hook);
    await expect(deliver([message], 'hasp-runs-0')).rejects.toThrow(/hasp-runs-0, which is neither an events shard nor its dead letters/);
    expect(await eventStatus(tenant.project, message.event_id)).toBeNull();
  });

  it('fails a whole batch, acking nothing, when a runs shard is not bound', async () => {
    const tenant = await tenantOn(0);
    const message = eventMessage(tenant.project, tenant.hook);
    const batch = createMessageBatch<EventMessage>(eventsQueueName(0), [{ id: 'msg-0', timestamp: new Date(), attempts: 1, body: message }]);
    const ctx = createExecutionContext();
    await expect(worker.queue(batch, { ...env, [runsBinding(1)]: undefined }, ctx)).rejects.toThrow(QueueShardsMisconfigured);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual([]);
    expect(await eventStatus(tenant.project, message.event_id)).toBeNull();
  });

  it('answers a sender 503 with Retry-After, enqueuing nothing, when its project\'s events shard is not bound', async () => {
    const tenant = await tenantOn(1);
    const events = recordingEventsShards();
    const { status, retryAfter } = await sendSigned(tenant, { ...events.bindings, [eventsBinding(1)]: undefined });
    expect(status).toBe(503);
    expect(retryAfter).toBe('5');
    expect(events.queues.map((q) => q.sent)).toEqual([[], []]);
  });
});
