/**
 * Fan-out: one run per (event, workflow), whatever the queue or the sender redelivers.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { EVENTS_DLQ, backoffSeconds } from '../shared/fanout/queues';
import type { RunEnvelope } from '../shared/fanout/envelope';
import { CHART_SAMPLE, createProject, createWebhook, createWorkflow, createWorkflows } from './helpers/fixtures';
import { deliver, eventMessage, eventStatus, receiptsOf, runsOf } from './helpers/queue';
import { postSigned, webhookUrl } from './helpers/send';
import { waitFor } from './helpers/wait';

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
    const message = eventMessage(project, hook, { delivery_id: 'msg_abc' });
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
    const again = await deliver([message], undefined, 2);
    expect(again.explicitAcks).toHaveLength(1);
    expect(await runsOf(message.event_id)).toEqual(first);
    await waitFor(async () => (await receiptsOf(message.event_id)).length === 2, 'two receipts');
    // Give a stray second instance time to show up before asserting it never did.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await receiptsOf(message.event_id)).toHaveLength(2);
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

    await env.PAYLOADS.put(missing.payload_key ?? '', JSON.stringify(CHART_SAMPLE));
    const second = await deliver([good, missing], undefined, 2);
    expect(second.explicitAcks).toHaveLength(2);
    expect(await runsOf(good.event_id)).toHaveLength(1);
    expect(await runsOf(missing.event_id)).toHaveLength(1);
  });

  it('stays within D1 and Workflows batch limits for 250 workflows', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    await createWorkflows(project, hook.id, 250);
    const message = eventMessage(project, hook);
    const result = await deliver([message]);
    expect(result.explicitAcks).toHaveLength(1);
    const runs = await runsOf(message.event_id);
    expect(runs).toHaveLength(250);
    expect(new Set(runs.map((r) => r.id)).size).toBe(250);
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
    const again = await (await postSigned(url, hook.secret, CHART_SAMPLE, { id: 'msg_redelivered' })).json<{ event_id: string }>();
    expect(again.event_id).toBe(first.event_id);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await runsOf(first.event_id)).toHaveLength(1);
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
