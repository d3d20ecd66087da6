/** `/v1/events`: list (filter, newest first, cursor), get with runs and (on request) the payload, rejected requests, replay. */
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { CHART_SAMPLE, createProject, createWebhook, createWorkflow } from '../helpers/fixtures';
import { api, apiProblem, createWebhookViaApi, createWorkflowViaApi, dispatchedEvent, errorPaths, payloadKeyOf, sendToWebhook, type EventView, type Page } from '../helpers/control-api';
import { deliver, eventMessage } from '../helpers/queue';
import { postSigned } from '../helpers/send';
import { waitFor } from '../helpers/wait';
import type { RefusalView } from '../../shared/control/responses';


describe('GET /v1/events/{id}', () => {
  it('shows the event with its runs and payload_state, and the payload only with include=payload; 404 for an unknown id', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'ev', sample_payload: CHART_SAMPLE });
    const workflow = await createWorkflowViaApi(project.token, { name: 'wf', triggers: [{ webhook_id: hook.id }] });
    const eventId = await sendToWebhook(hook, hook.secret ?? '', CHART_SAMPLE);
    const event = await dispatchedEvent(project.token, eventId, 1);
    expect(event).toMatchObject({ kind: 'event', id: eventId, webhook_id: hook.id, status: 'dispatched', payload_state: 'kept' });
    expect(event).not.toHaveProperty('payload');
    expect(event.runs).toMatchObject([{ workflow_id: workflow.id, status: 'dispatched' }]);

    const withPayload = await api<EventView>(project.token, 'GET', `/v1/events/${eventId}?include=payload`);
    expect(withPayload.status).toBe(200);
    expect(withPayload.body).toMatchObject({ id: eventId, payload_state: 'kept', payload: CHART_SAMPLE });

    const list = await api<Page<EventView>>(project.token, 'GET', `/v1/events?webhook_id=${hook.id}`);
    expect(list.body.data.map((e) => [e.id, e.payload_state, 'payload' in e])).toEqual([[eventId, 'kept', false]]);

    expect((await apiProblem(project.token, 'GET', '/v1/events/evt_nope')).status).toBe(404);
    expect((await apiProblem(project.token, 'GET', '/v1/events/evt_nope?include=payload')).status).toBe(404);
    const bad = await apiProblem(project.token, 'GET', `/v1/events/${eventId}?include=everything`);
    expect(bad.status).toBe(400);
    expect(errorPaths(bad.body)).toEqual(['/include']);
  });

  it('opens a claim-checked payload (over 100 KB, sealed in R2) with include=payload', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'large' });
    const large = { ...CHART_SAMPLE, notes: 'n'.repeat(120_000) };
    const eventId = await sendToWebhook(hook, hook.secret ?? '', large);
    await dispatchedEvent(project.token, eventId);
    const read = await api<EventView>(project.token, 'GET', `/v1/events/${eventId}?include=payload`);
    expect(read.status).toBe(200);
    expect(read.body.payload).toEqual(large);
  });

  it('shows an event the queue delivered with one run per workflow, in the contract shape', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const workflowIds = [await createWorkflow(project, [hook.id]), await createWorkflow(project, [hook.id])].sort();
    const message = eventMessage(project, hook, { delivery_id: 'd-1' });
    await deliver([message]);
    const response = await api<EventView>(project.token, 'GET', `/v1/events/${message.event_id}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: message.event_id, webhook_id: hook.id, status: 'dispatched', received_at: message.received_at });
    expect(response.body.runs.map((r) => r.workflow_id).sort()).toEqual(workflowIds);
    for (const run of response.body.runs) {
      expect(run.id).toMatch(/^run_/);
      expect(run.status).toBe('dispatched');
    }
  });

  it('answers 401 without a token and with a wrong one', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const message = eventMessage(project, hook);
    await deliver([message]);
    const missing = await apiProblem(null, 'GET', `/v1/events/${message.event_id}`);
    const wrong = await apiProblem(`${project.token}x`, 'GET', `/v1/events/${message.event_id}`);
    expect([missing.status, wrong.status]).toEqual([401, 401]);
    expect(missing.body.code).toBe('unauthorized');
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
  });
});

describe('GET /v1/events', () => {
  it('filters by webhook and status, newest first, with cursor pagination', async () => {
    const project = await createProject();
    const a = await createWebhookViaApi(project.token, { name: 'a', sample_payload: CHART_SAMPLE });
    const b = await createWebhookViaApi(project.token, { name: 'b', sample_payload: CHART_SAMPLE });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await sendToWebhook(a, a.secret ?? '', CHART_SAMPLE);
      await dispatchedEvent(project.token, id, 0);
      ids.push(id);
    }
    const other = await sendToWebhook(b, b.secret ?? '', CHART_SAMPLE);
    await dispatchedEvent(project.token, other, 0);

    const first = await api<Page<EventView>>(project.token, 'GET', `/v1/events?webhook_id=${a.id}&limit=2`);
    expect(first.body.data.map((e) => e.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.has_more).toBe(true);
    const second = await api<Page<EventView>>(project.token, 'GET', `/v1/events?webhook_id=${a.id}&limit=2&cursor=${first.body.next_cursor ?? ''}`);
    expect(second.body.data.map((e) => e.id)).toEqual([ids[0]]);
    expect(second.body.next_cursor).toBeNull();

    const all = await api<Page<EventView>>(project.token, 'GET', '/v1/events?status=dispatched');
    expect(all.body.data.map((e) => e.id)).toEqual([other, ids[2], ids[1], ids[0]]);
    const dead = await api<Page<EventView>>(project.token, 'GET', '/v1/events?status=dead');
    expect(dead.body.data).toEqual([]);
  });

  it('lists refused requests with their reason under status=rejected', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'refusing', sample_payload: CHART_SAMPLE });
    const forged = await postSigned(hook.url, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', CHART_SAMPLE);
    expect(forged.status).toBe(401);
    const page = await waitFor(async () => {
      const response = await api<Page<RefusalView>>(project.token, 'GET', `/v1/events?webhook_id=${hook.id}&status=rejected`);
      return response.body.data.length > 0 && response.body;
    }, 'the rejection row');
    expect(page.data[0]).toMatchObject({ kind: 'rejection', webhook_id: hook.id, status: 'rejected', reason: 'bad-signature', http_status: 401, count: 1 });
    expect(page.data[0]?.id).toMatch(/^rej_/);
    const events = await api<Page<EventView>>(project.token, 'GET', `/v1/events?webhook_id=${hook.id}`);
    expect(events.body.data).toEqual([]);
  });

  it('answers 400 for an unknown status, a bad webhook id, a bad cursor or an unknown parameter', async () => {
    const project = await createProject();
    const bad = await apiProblem(project.token, 'GET', '/v1/events?status=lost&webhook_id=wf_1&cursor=zzz&sort=asc');
    expect(bad.status).toBe(400);
    expect(errorPaths(bad.body).sort()).toEqual(['/sort', '/status', '/webhook_id']);
    const cursor = await apiProblem(project.token, 'GET', '/v1/events?cursor=zzz');
    expect(errorPaths(cursor.body)).toEqual(['/cursor']);
  });
});

describe('POST /v1/events/{id}/replay', () => {
  it('fans out again only to workflows without a run for the event', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'replay', sample_payload: CHART_SAMPLE });
    const first = await createWorkflowViaApi(project.token, { name: 'first', triggers: [{ webhook_id: hook.id }] });
    const eventId = await sendToWebhook(hook, hook.secret ?? '', CHART_SAMPLE);
    const before = await dispatchedEvent(project.token, eventId, 1);

    const second = await createWorkflowViaApi(project.token, { name: 'second', triggers: [{ webhook_id: hook.id }] });
    const replay = await api<{ event_id: string; status: string; workflows: string[] }>(project.token, 'POST', `/v1/events/${eventId}/replay`);
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ event_id: eventId, status: 'queued', workflows: [second.id] });

    const after = await dispatchedEvent(project.token, eventId, 2);
    const firstRun = after.runs.find((r) => r.workflow_id === first.id);
    expect(firstRun?.id).toBe(before.runs[0]?.id);
    expect(after.runs.map((r) => r.workflow_id).sort()).toEqual([first.id, second.id].sort());
  });

  it('answers 404 for an unknown event and 409 once the webhook is gone', async () => {
    const project = await createProject();
    expect((await apiProblem(project.token, 'POST', '/v1/events/evt_nope/replay')).status).toBe(404);
    const hook = await createWebhookViaApi(project.token, { name: 'gone', sample_payload: CHART_SAMPLE });
    const eventId = await sendToWebhook(hook, hook.secret ?? '', CHART_SAMPLE);
    await dispatchedEvent(project.token, eventId, 0);
    await api(project.token, 'DELETE', `/v1/webhooks/${hook.id}`);
    expect((await apiProblem(project.token, 'POST', `/v1/events/${eventId}/replay`)).status).toBe(409);
  });

  it('replays a claim-checked payload by its R2 key', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'large replay' });
    const eventId = await sendToWebhook(hook, hook.secret ?? '', { ...CHART_SAMPLE, notes: 'r'.repeat(120_000) });
    await dispatchedEvent(project.token, eventId, 0);
    const workflow = await createWorkflowViaApi(project.token, { name: 'late', input_schema: { type: 'object' }, triggers: [{ webhook_id: hook.id }] });
    const replay = await api<{ workflows: string[] }>(project.token, 'POST', `/v1/events/${eventId}/replay`);
    expect(replay.status).toBe(202);
    expect(replay.body.workflows).toEqual([workflow.id]);
    const after = await dispatchedEvent(project.token, eventId, 1);
    expect(after.runs.map((r) => r.workflow_id)).toEqual([workflow.id]);
  });
});

describe('DELETE /v1/events/{id}/payload', () => {
  it('expunges the payload: the view says so, include=payload returns none, a repeat is 200, replay is 409 saying why', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'expunge', sample_payload: CHART_SAMPLE });
    const workflow = await createWorkflowViaApi(project.token, { name: 'wf', triggers: [{ webhook_id: hook.id }] });
    const eventId = await sendToWebhook(hook, hook.secret ?? '', CHART_SAMPLE);
    const before = await dispatchedEvent(project.token, eventId, 1);

    const expunged = await api<EventView>(project.token, 'DELETE', `/v1/events/${eventId}/payload`);
    expect(expunged.status).toBe(200);
    expect(expunged.body).toMatchObject({ id: eventId, status: 'dispatched', payload_state: 'expunged', payload: 'expunged' });
    // The metadata stays: the event and its runs are still there.
    expect(expunged.body.runs).toEqual(before.runs);
    expect(expunged.body.runs.map((r) => r.workflow_id)).toEqual([workflow.id]);

    const read = await api<EventView>(project.token, 'GET', `/v1/events/${eventId}?include=payload`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ payload_state: 'expunged', payload: 'expunged' });

    const again = await api<EventView>(project.token, 'DELETE', `/v1/events/${eventId}/payload`);
    expect(again.status).toBe(200);
    expect(again.body.payload_state).toBe('expunged');

    const replay = await apiProblem(project.token, 'POST', `/v1/events/${eventId}/replay`);
    expect(replay.status).toBe(409);
    expect(replay.body.code).toBe('conflict');
    expect(replay.body.detail).toContain('expunged');
    expect(replay.body.detail).toContain('cannot be replayed');
    expect(replay.body.payload_state).toBe('expunged');

    expect((await apiProblem(project.token, 'DELETE', '/v1/events/evt_nope/payload')).status).toBe(404);
  });

  it('deletes a claim-checked payload from R2 at once', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'expunge large' });
    await createWorkflowViaApi(project.token, { name: 'wf', input_schema: { type: 'object' }, triggers: [{ webhook_id: hook.id }] });
    const eventId = await sendToWebhook(hook, hook.secret ?? '', { ...CHART_SAMPLE, notes: 'e'.repeat(120_000) });
    const event = await dispatchedEvent(project.token, eventId, 1);
    const key = await payloadKeyOf(project, eventId);
    if (key === null) throw new Error('a payload over 100 KB should be claim-checked');
    expect(await env.PAYLOADS.head(key)).not.toBeNull();

    expect((await api(project.token, 'DELETE', `/v1/events/${eventId}/payload`)).status).toBe(200);
    expect(await env.PAYLOADS.head(key)).toBeNull();
    // Nor is any claim-checked run envelope of the event left.
    for (const run of event.runs) expect(await env.PAYLOADS.head(`runs/${run.id}.json`)).toBeNull();
    expect(await payloadKeyOf(project, eventId)).toBeNull();
    const read = await api<EventView>(project.token, 'GET', `/v1/events/${eventId}?include=payload`);
    expect(read.body).toMatchObject({ payload_state: 'expunged', payload: 'expunged' });
  });

  it("leaves another project's identical event untouched", async () => {
    const a = await createProject();
    const b = await createProject();
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const hookA = await createWebhookViaApi(a.token, { name: 'twin', slug: 'twin', secret, sample_payload: CHART_SAMPLE });
    const hookB = await createWebhookViaApi(b.token, { name: 'twin', slug: 'twin', secret, sample_payload: CHART_SAMPLE });
    // The same delivery, sent to both projects.
    const eventA = await sendToWebhook(hookA, secret, CHART_SAMPLE, { id: 'msg_same_delivery' });
    const eventB = await sendToWebhook(hookB, secret, CHART_SAMPLE, { id: 'msg_same_delivery' });
    await dispatchedEvent(a.token, eventA);
    await dispatchedEvent(b.token, eventB);

    // B cannot expunge A's event, by any id.
    expect((await apiProblem(b.token, 'DELETE', `/v1/events/${eventA}/payload`)).status).toBe(404);
    expect((await api(a.token, 'DELETE', `/v1/events/${eventA}/payload`)).status).toBe(200);

    const kept = await api<EventView>(b.token, 'GET', `/v1/events/${eventB}?include=payload`);
    expect(kept.body).toMatchObject({ payload_state: 'kept', payload: CHART_SAMPLE });
    const gone = await api<EventView>(a.token, 'GET', `/v1/events/${eventA}?include=payload`);
    expect(gone.body.payload_state).toBe('expunged');
  });
});
