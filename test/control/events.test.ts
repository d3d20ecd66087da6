/** `/v1/events`: list (filter, newest first, cursor), get with runs, rejected requests, replay. */
import { describe, expect, it } from 'vitest';
import { CHART_SAMPLE, createProject, createWebhook, createWorkflow } from '../helpers/fixtures';
import { api, apiProblem, createWebhookViaApi, createWorkflowViaApi, errorPaths } from '../helpers/control-api';
import { deliver, eventMessage } from '../helpers/queue';
import { postSigned } from '../helpers/send';
import { waitFor } from '../helpers/wait';

interface Run {
  id: string;
  workflow_id: string;
  status: string;
}
interface EventItem {
  kind: 'event';
  id: string;
  webhook_id: string;
  status: string;
  received_at: string;
  runs: Run[];
  payload?: unknown;
}
interface RejectionItem {
  kind: 'rejection';
  id: string;
  webhook_id: string;
  status: 'rejected';
  reason: string;
  http_status: number;
  count: number;
}
interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

async function sendEvent(url: string, secret: string, payload: unknown = CHART_SAMPLE): Promise<string> {
  const response = await postSigned(url, secret, payload);
  expect(response.status).toBe(202);
  return (await response.json<{ event_id: string }>()).event_id;
}

async function dispatched(token: string, eventId: string, runs = 1): Promise<EventItem> {
  return waitFor(async () => {
    const response = await api<EventItem>(token, 'GET', `/v1/events/${eventId}`);
    return response.status === 200 && response.body.status === 'dispatched' && response.body.runs.length === runs && response.body.runs.every((r) => r.status === 'dispatched') && response.body;
  }, `event ${eventId} dispatched with ${runs} run(s)`);
}

describe('GET /v1/events/{id}', () => {
  it('shows the event with its runs and payload; 404 for an unknown id', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'ev', sample_payload: CHART_SAMPLE });
    const workflow = await createWorkflowViaApi(project.token, { name: 'wf', triggers: [{ webhook_id: hook.id }] });
    const eventId = await sendEvent(hook.url, hook.secret ?? '');
    const event = await dispatched(project.token, eventId);
    expect(event).toMatchObject({ kind: 'event', id: eventId, webhook_id: hook.id, status: 'dispatched', payload: CHART_SAMPLE });
    expect(event.runs).toMatchObject([{ workflow_id: workflow.id, status: 'dispatched' }]);
    expect((await apiProblem(project.token, 'GET', '/v1/events/evt_nope')).status).toBe(404);
  });

  it('shows an event the queue delivered with one run per workflow, in the contract shape', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const workflowIds = [await createWorkflow(project, [hook.id]), await createWorkflow(project, [hook.id])].sort();
    const message = eventMessage(project, hook, { delivery_id: 'd-1' });
    await deliver([message]);
    const response = await api<EventItem>(project.token, 'GET', `/v1/events/${message.event_id}`);
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
      const id = await sendEvent(a.url, a.secret ?? '');
      await dispatched(project.token, id, 0);
      ids.push(id);
    }
    const other = await sendEvent(b.url, b.secret ?? '');
    await dispatched(project.token, other, 0);

    const first = await api<Page<EventItem>>(project.token, 'GET', `/v1/events?webhook_id=${a.id}&limit=2`);
    expect(first.body.data.map((e) => e.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.has_more).toBe(true);
    const second = await api<Page<EventItem>>(project.token, 'GET', `/v1/events?webhook_id=${a.id}&limit=2&cursor=${first.body.next_cursor ?? ''}`);
    expect(second.body.data.map((e) => e.id)).toEqual([ids[0]]);
    expect(second.body.next_cursor).toBeNull();

    const all = await api<Page<EventItem>>(project.token, 'GET', '/v1/events?status=dispatched');
    expect(all.body.data.map((e) => e.id)).toEqual([other, ids[2], ids[1], ids[0]]);
    const dead = await api<Page<EventItem>>(project.token, 'GET', '/v1/events?status=dead');
    expect(dead.body.data).toEqual([]);
  });

  it('lists refused requests with their reason under status=rejected', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'refusing', sample_payload: CHART_SAMPLE });
    const forged = await postSigned(hook.url, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', CHART_SAMPLE);
    expect(forged.status).toBe(401);
    const page = await waitFor(async () => {
      const response = await api<Page<RejectionItem>>(project.token, 'GET', `/v1/events?webhook_id=${hook.id}&status=rejected`);
      return response.body.data.length > 0 && response.body;
    }, 'the rejection row');
    expect(page.data[0]).toMatchObject({ kind: 'rejection', webhook_id: hook.id, status: 'rejected', reason: 'bad-signature', http_status: 401, count: 1 });
    expect(page.data[0]?.id).toMatch(/^rej_/);
    const events = await api<Page<EventItem>>(project.token, 'GET', `/v1/events?webhook_id=${hook.id}`);
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
    const eventId = await sendEvent(hook.url, hook.secret ?? '');
    const before = await dispatched(project.token, eventId, 1);

    const second = await createWorkflowViaApi(project.token, { name: 'second', triggers: [{ webhook_id: hook.id }] });
    const replay = await api<{ event_id: string; status: string; workflows: string[] }>(project.token, 'POST', `/v1/events/${eventId}/replay`);
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ event_id: eventId, status: 'queued', workflows: [second.id] });

    const after = await dispatched(project.token, eventId, 2);
    const firstRun = after.runs.find((r) => r.workflow_id === first.id);
    expect(firstRun?.id).toBe(before.runs[0]?.id);
    expect(after.runs.map((r) => r.workflow_id).sort()).toEqual([first.id, second.id].sort());
  });

  it('answers 404 for an unknown event and 409 once the webhook is gone', async () => {
    const project = await createProject();
    expect((await apiProblem(project.token, 'POST', '/v1/events/evt_nope/replay')).status).toBe(404);
    const hook = await createWebhookViaApi(project.token, { name: 'gone', sample_payload: CHART_SAMPLE });
    const eventId = await sendEvent(hook.url, hook.secret ?? '');
    await dispatched(project.token, eventId, 0);
    await api(project.token, 'DELETE', `/v1/webhooks/${hook.id}`);
    expect((await apiProblem(project.token, 'POST', `/v1/events/${eventId}/replay`)).status).toBe(409);
  });
});
