/**
 * Fan-out: one run per (event, workflow), whatever the queue or the sender redelivers.
 */
import { createMessageBatch, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createDb } from '../shared/db/client';
import { MAX_EVENTS_PER_FAN_OUT, fanOut } from '../shared/fanout/fan-out';
import { backoffSeconds } from '../shared/queue/backoff';
import { EVENTS_DLQ, RUNS_QUEUE } from '../shared/queue/names';
import type { RunEnvelope } from '../shared/queue/run-envelope';
import type { RunMessage } from '../shared/queue/run-message';
import { countingD1, newStatementCounter } from '../bench/instrument/counting-d1';
import { recordRuns } from '../workers/runtime-standin/run-recorder';
import { CHART_SAMPLE, createProject, createWebhook, createWorkflow, createWorkflows } from './helpers/fixtures';
import { RecordingQueue, deliver, eventMessage, eventStatus, receiptsOf, runsOf } from './helpers/queue';
import { postSigned, webhookUrl } from './helpers/send';
import { waitFor } from './helpers/wait';

/** Events per consumer batch at most: max_batch_size of the hasp-events consumer in wrangler.toml. */
const FULL_CONSUMER_BATCH = 100;

/** When the fan-out last wrote the event, and its runs with when each was dispatched. */
async function dispatchRecord(eventId: string): Promise<{ event: string | null; runs: { id: string; dispatched_at: string | null }[] }> {
  const event = await env.DB.prepare('SELECT updated_at FROM events WHERE id = ?').bind(eventId).first<{ updated_at: string }>();
  const { results } = await env.DB.prepare('SELECT id, dispatched_at FROM runs WHERE event_id = ? ORDER BY id').bind(eventId).all<{ id: string; dispatched_at: string | null }>();
  return { event: event?.updated_at ?? null, runs: results };
}

describe('fan-out', () => {
  it.each([0, 1, 3])('starts one run for each of %i listening workflows and none for others', async (count) => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const otherHook = await createWebhook(project);
    const listening = await Promise.all(Array.from({ length: count }, () => createWorkflow(project, [hook.id])));
    await createWorkflow(project, [hook.id], { enabled: false });
    await createWorkflow(project, [otherHook.id]);

    const message = eventMessage(project, hook);
    const result = await deliver([message]);

    expect(result.explicitAcks).toEqual([`msg-0-${message.event_id}`]);
    const runs = await runsOf(message.event_id);
    expect(runs.map((r) => r.workflow_id).sort()).toEqual([...listening].sort());
    expect(runs.every((r) => r.status === 'dispatched')).toBe(true);
    expect(await eventStatus(message.event_id)).toBe('dispatched');
    const receipts = await waitFor(async () => {
      const found = await receiptsOf(message.event_id);
      return found.length === count && found;
    }, `${count} runtime receipts`);
    expect(receipts.map((r) => r.run_id).sort()).toEqual(runs.map((r) => r.id).sort());
  });

  it('hands each run the contract envelope', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const workflowId = await createWorkflow(project, [hook.id]);
    // The payload as a sender may format it: the envelope splices this text in as it is.
    const message = eventMessage(project, hook, { delivery_id: 'msg_abc', payload_json: `${JSON.stringify(CHART_SAMPLE, null, 2)}\n` });
    await deliver([message]);
    const [receipt] = await waitFor(async () => {
      const found = await receiptsOf(message.event_id);
      return found.length === 1 && found;
    }, 'a receipt');
    const envelope = JSON.parse(receipt?.envelope ?? '{}') as RunEnvelope;
    const [run] = await runsOf(message.event_id);
    expect(envelope).toEqual({
      event_id: message.event_id,
      run_id: run?.id,
      workflow_id: workflowId,
      webhook: { id: hook.id, slug: hook.slug, org: project.orgSlug, project: project.projectId },
      received_at: message.received_at,
      delivery_id: 'msg_abc',
      payload: CHART_SAMPLE,
      input: CHART_SAMPLE,
    });
  });

  it('maps the payload into the input of a Class B trigger', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    await createWorkflow(project, [hook.id], { mapping: { patient: '/patient_id', first_field: '/updated_fields/0' } });
    const message = eventMessage(project, hook);
    await deliver([message]);
    const [receipt] = await waitFor(async () => {
      const found = await receiptsOf(message.event_id);
      return found.length === 1 && found;
    }, 'a receipt');
    expect((JSON.parse(receipt?.envelope ?? '{}') as RunEnvelope).input).toEqual({ patient: 'p1', first_field: 'allergies' });
  });

  it('starts nothing twice when the queue redelivers a message', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    await Promise.all([createWorkflow(project, [hook.id]), createWorkflow(project, [hook.id])]);
    const message = eventMessage(project, hook);
    await deliver([message]);
    const first = await runsOf(message.event_id);
    // The redelivery's runs queue keeps what it is sent: nothing, since both runs are dispatched.
    const runtime = new RecordingQueue<RunMessage>();
    const again = await deliver([message], undefined, 2, { RUNS: runtime });
    expect(again.explicitAcks).toHaveLength(1);
    expect(runtime.sent).toEqual([]);
    expect(await runsOf(message.event_id)).toEqual(first);
    await waitFor(async () => (await receiptsOf(message.event_id)).length === 2, 'two receipts');
  });

  it('retries only the failed message of a batch, and the redelivered batch adds no run', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    await createWorkflow(project, [hook.id]);
    const good = eventMessage(project, hook);
    const missing = eventMessage(project, hook, { payload_json: undefined, payload_key: `events/none/${crypto.randomUUID()}.json` });

    const first = await deliver([good, missing]);
    expect(first.explicitAcks).toEqual([`msg-0-${good.event_id}`]);
    expect(first.retryMessages.map((m) => m.msgId)).toEqual([`msg-1-${missing.event_id}`]);
    // While it waits for its retry, the event is visible with the reason.
    const waiting = await env.DB.prepare('SELECT status, error FROM events WHERE id = ?').bind(missing.event_id).first<{ status: string; error: string }>();
    expect(waiting?.status).toBe('accepted');
    expect(waiting?.error).toContain('is missing');
    expect(await runsOf(missing.event_id)).toEqual([]);

    await env.PAYLOADS.put(missing.payload_key ?? '', JSON.stringify(CHART_SAMPLE));
    const second = await deliver([good, missing], undefined, 2);
    expect(second.explicitAcks).toHaveLength(2);
    expect(await runsOf(good.event_id)).toHaveLength(1);
    expect(await runsOf(missing.event_id)).toHaveLength(1);
  });

  it('stays within D1 and Queues batch limits for 250 workflows, and the runtime records each run once', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    await createWorkflows(project, hook.id, 250);
    const message = eventMessage(project, hook);
    const result = await deliver([message]);
    expect(result.explicitAcks).toHaveLength(1);
    const runs = await runsOf(message.event_id);
    expect(runs).toHaveLength(250);
    expect(new Set(runs.map((r) => r.id)).size).toBe(250);
    await waitFor(async () => (await receiptsOf(message.event_id)).length === 250, '250 runtime receipts');
  });

  it('fans a whole batch of 100 events out in one read and one write round trip, sending runs 100 at a time', async () => {
    const project = await createProject();
    const busy = await createWebhook(project);
    const quiet = await createWebhook(project);
    await createWorkflows(project, busy.id, 150);
    const quietWorkflow = await createWorkflow(project, [quiet.id]);
    // A full consumer batch (max_batch_size = 100 in wrangler.toml), fanned out in one call: more
    // event ids than D1 binds parameters, and more event rows than one insert could bind value by value.
    const messages = [eventMessage(project, busy), eventMessage(project, busy), eventMessage(project, quiet)];
    const quietEvents = Array.from({ length: FULL_CONSUMER_BATCH - messages.length }, () => eventMessage(project, quiet));

    const counter = newStatementCounter();
    const sent: RunMessage[][] = [];
    const runtime = { sendBatch: async (batch: Iterable<MessageSendRequest<RunMessage>>) => void sent.push([...batch].map((m) => m.body)) } as unknown as Queue<RunMessage>;
    const deps = { db: createDb(countingD1(env.DB, counter)), payloads: env.PAYLOADS, runtime, now: Date.now };
    const result = await fanOut(deps, [...messages, ...quietEvents]);

    expect(result).toEqual({ runs: 398, sendBatchCalls: 4 });
    expect(sent.map((b) => b.length)).toEqual([100, 100, 100, 98]);
    // Reads: listening workflows and dispatched runs, in one batch. Writes, in one batch: one
    // statement for the 100 events and one for the 398 runs, each binding its rows as one JSON array.
    expect(counter.statements).toBe(2 + 1 + 1);
    expect(counter.roundTrips).toBe(2);
    expect((await runsOf(messages[2]?.event_id ?? '')).map((r) => r.workflow_id)).toEqual([quietWorkflow]);
    for (const m of [...messages, ...quietEvents]) expect(await eventStatus(m.event_id)).toBe('dispatched');

    // A redelivery of the whole batch sends nothing: every run is already recorded as dispatched.
    counter.statements = 0;
    counter.roundTrips = 0;
    expect(await fanOut(deps, [...messages, ...quietEvents])).toEqual({ runs: 0, sendBatchCalls: 0 });
    expect(sent).toHaveLength(4);
    expect(counter.statements).toBe(2 + 1);
    expect(counter.roundTrips).toBe(2);
    // One event over the limit is refused whole, before anything is sent or written.
    const tooMany = Array.from({ length: MAX_EVENTS_PER_FAN_OUT + 1 }, () => eventMessage(project, quiet));
    await expect(fanOut(deps, tooMany)).rejects.toThrow(RangeError);
    expect(sent).toHaveLength(4);
    expect(await eventStatus(tooMany[0]?.event_id ?? '')).toBeNull();
  });

  it('claim-checks a run envelope too large for a queue message', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    await createWorkflow(project, [hook.id]);
    const payload = { ...CHART_SAMPLE, notes: 'n'.repeat(90_000) };
    // The payload fits the event message inline, but payload plus input does not fit a run message.
    const message = eventMessage(project, hook, { payload_json: JSON.stringify(payload) });
    const sent: RunMessage[] = [];
    const runtime = { sendBatch: async (batch: Iterable<MessageSendRequest<RunMessage>>) => void sent.push(...[...batch].map((m) => m.body)) } as unknown as Queue<RunMessage>;
    await fanOut({ db: createDb(env.DB), payloads: env.PAYLOADS, runtime, now: Date.now }, [message]);

    const [run] = await runsOf(message.event_id);
    expect(sent).toEqual([{ v: 1, run_id: run?.id, event_id: message.event_id, workflow_id: run?.workflow_id, envelope_key: `runs/${run?.id}.json` }]);
    const stored = await env.PAYLOADS.get(`runs/${run?.id}.json`);
    expect(((await stored?.json()) as RunEnvelope).payload).toEqual(payload);
  });
  it('records a dead-lettered event as dead, keeping its payload for replay', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const message = eventMessage(project, hook);
    const result = await deliver([message], EVENTS_DLQ, 6);
    expect(result.explicitAcks).toHaveLength(1);
    const row = await env.DB.prepare('SELECT status, error, payload FROM events WHERE id = ?').bind(message.event_id).first<{
      status: string;
      error: string;
      payload: string;
    }>();
    expect(row?.status).toBe('dead');
    expect(row?.error).toContain('replay');
    expect(JSON.parse(row?.payload ?? 'null')).toEqual(CHART_SAMPLE);
  });
});

describe('the runtime stand-in', () => {
  it('records a run once however often the runs queue delivers it, reading claim-checked envelopes from R2', async () => {
    const receivedAt = new Date().toISOString();
    const envelope = (runId: string): RunEnvelope => ({
      event_id: 'evt_runtime',
      run_id: runId,
      workflow_id: 'wf_runtime',
      webhook: { id: 'wh_runtime', slug: 'runtime', org: 'acme', project: 'prj_runtime' },
      received_at: receivedAt,
      delivery_id: null,
      payload: CHART_SAMPLE,
      input: CHART_SAMPLE,
    });
    await env.PAYLOADS.put('runs/run_big.json', JSON.stringify(envelope('run_big')));
    const ids = (runId: string) => ({ v: 1 as const, run_id: runId, event_id: 'evt_runtime', workflow_id: 'wf_runtime' });
    const bodies: RunMessage[] = [
      { ...ids('run_small'), envelope_json: JSON.stringify(envelope('run_small')) },
      { ...ids('run_big'), envelope_key: 'runs/run_big.json' },
    ];
    for (const attempts of [1, 2]) {
      const batch = createMessageBatch<RunMessage>(RUNS_QUEUE, bodies.map((body, i) => ({ id: `run-${i}`, timestamp: new Date(), attempts, body })));
      await recordRuns(batch, { RECEIPTS: env.RUNTIME_RECEIPTS, PAYLOADS: env.PAYLOADS });
    }
    const receipts = await receiptsOf('evt_runtime');
    expect(receipts.map((r) => r.run_id)).toEqual(['run_big', 'run_small']);
    expect(JSON.parse(receipts[0]?.envelope ?? '{}')).toEqual(envelope('run_big'));
  });
});

describe('retry backoff', () => {
  it('doubles from 5 seconds and stops at 5 minutes', () => {
    expect([1, 2, 3, 4, 7, 20].map(backoffSeconds)).toEqual([5, 10, 20, 40, 300, 300]);
  });
});

describe('end to end through the queue', () => {
  it('turns a signed request into runs, and a sender redelivery into no second run', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    await createWorkflow(project, [hook.id]);
    const url = webhookUrl(project.orgSlug, hook.slug);
    const first = await (await postSigned(url, hook.secret, CHART_SAMPLE, { id: 'msg_redelivered' })).json<{ event_id: string }>();
    await waitFor(async () => (await eventStatus(first.event_id)) === 'dispatched', 'the event to be dispatched');
    const dispatched = await dispatchRecord(first.event_id);
    const again = await (await postSigned(url, hook.secret, CHART_SAMPLE, { id: 'msg_redelivered' })).json<{ event_id: string }>();
    expect(again.event_id).toBe(first.event_id);
    // The fan-out stamps the event on every message it takes, so a new stamp means the redelivered
    // message was consumed. A run sent again would have been stamped again too; it was not.
    const redelivered = await waitFor(async () => {
      const now = await dispatchRecord(first.event_id);
      return now.event !== dispatched.event && now;
    }, 'the redelivered message to be consumed');
    expect(redelivered.runs).toEqual(dispatched.runs);
    expect(redelivered.runs).toHaveLength(1);
    await waitFor(async () => (await receiptsOf(first.event_id)).length === 1, 'one receipt');
  });

  it('claim-checks a body too large for a queue message through R2 and delivers it whole', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    await createWorkflow(project, [hook.id]);
    const payload = { ...CHART_SAMPLE, notes: 'n'.repeat(400_000) };
    const response = await postSigned(webhookUrl(project.orgSlug, hook.slug), hook.secret, payload);
    expect(response.status).toBe(202);
    const { event_id } = await response.json<{ event_id: string }>();
    const stored = await env.PAYLOADS.list({ prefix: `events/${event_id}/` });
    expect(stored.objects).toHaveLength(1);
    const [receipt] = await waitFor(async () => {
      const found = await receiptsOf(event_id);
      return found.length === 1 && found;
    }, 'the large event to reach its run');
    expect((JSON.parse(receipt?.envelope ?? '{}') as RunEnvelope).payload).toEqual(payload);
    const row = await env.DB.prepare('SELECT payload, payload_key FROM events WHERE id = ?').bind(event_id).first<{ payload: string | null; payload_key: string }>();
    expect(row?.payload).toBeNull();
    expect(row?.payload_key).toBe(stored.objects[0]?.key);
  });
});
