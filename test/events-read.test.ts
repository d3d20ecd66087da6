/**
 * GET /v1/events/{id} on the control host: the event and its runs, for the owning project only.
 */
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createProject, createWebhook, createWorkflow } from './helpers/fixtures';
import { deliver, eventMessage } from './helpers/queue';
import { problemOf } from './helpers/send';

const api = (path: string, token?: string) =>
  SELF.fetch(`https://api.usehasp.run${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('GET /v1/events/{id}', () => {
  it('returns the event with one run per workflow, in the contract shape', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const workflowIds = [await createWorkflow(project, [hook.id]), await createWorkflow(project, [hook.id])].sort();
    const message = eventMessage(project, hook, { delivery_id: 'd-1' });
    await deliver([message]);
    const response = await api(`/v1/events/${message.event_id}`, project.token);
    expect(response.status).toBe(200);
    const body = await response.json<{ id: string; webhook_id: string; status: string; received_at: string; runs: { id: string; workflow_id: string; status: string }[] }>();
    expect(body).toMatchObject({ id: message.event_id, webhook_id: hook.id, status: 'dispatched', received_at: message.received_at });
    expect(body.runs.map((r) => r.workflow_id).sort()).toEqual(workflowIds);
    for (const run of body.runs) {
      expect(run.id).toMatch(/^run_/);
      expect(run.status).toBe('dispatched');
    }
  });

  it('answers 401 without a token and with a wrong one', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const message = eventMessage(project, hook);
    await deliver([message]);
    const missing = await api(`/v1/events/${message.event_id}`);
    const wrong = await api(`/v1/events/${message.event_id}`, `${project.token}x`);
    expect([missing.status, wrong.status]).toEqual([401, 401]);
    expect((await problemOf(missing)).code).toBe('unauthorized');
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
  });

  it("answers 404 for another project's event", async () => {
    const owner = await createProject();
    const stranger = await createProject();
    const hook = await createWebhook(owner);
    const message = eventMessage(owner, hook);
    await deliver([message]);
    const response = await api(`/v1/events/${message.event_id}`, stranger.token);
    expect(response.status).toBe(404);
  });
});
