/**
 * Tokens and tenancy: no token or a wrong one is 401; a token of project B cannot read, patch,
 * delete, rotate or attach project A's webhooks, workflows, events or domains: 404, as if absent.
 */
import { describe, expect, it } from 'vitest';
import { CHART_SAMPLE, createProject } from '../helpers/fixtures';
import { api, apiProblem, createWebhookViaApi, createWorkflowViaApi, type WebhookBody } from '../helpers/control-api';
import { postSigned } from '../helpers/send';
import { waitFor } from '../helpers/wait';

describe('API tokens', () => {
  it('answers 401 without a token, with a wrong one and with a malformed header', async () => {
    const missing = await apiProblem(null, 'GET', '/v1/webhooks');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await apiProblem('hasp_not-a-real-token', 'GET', '/v1/webhooks');
    expect(wrong.status).toBe(401);
    expect(wrong.body.detail).toBe(missing.body.detail);
  });

  it('answers an unknown route with a problem+json 404', async () => {
    const project = await createProject();
    const unknown = await apiProblem(project.token, 'GET', '/v1/nothing-here');
    expect(unknown.status).toBe(404);
  });
});

describe('project isolation', () => {
  it("gives project B's token 404 for every call on project A's resources", async () => {
    const a = await createProject();
    const b = await createProject();
    const hook = await createWebhookViaApi(a.token, { name: 'private', sample_payload: CHART_SAMPLE });
    const workflow = await createWorkflowViaApi(a.token, { name: 'private', triggers: [{ webhook_id: hook.id }] });
    const sent = await postSigned(hook.url, hook.secret ?? '', CHART_SAMPLE);
    const { event_id: eventId } = await sent.json<{ event_id: string }>();
    await waitFor(async () => (await api(a.token, 'GET', `/v1/events/${eventId}`)).status === 200, 'the event');
    const bHook = await createWebhookViaApi(b.token, { name: 'mine', sample_payload: CHART_SAMPLE });
    const bWorkflow = await createWorkflowViaApi(b.token, { name: 'mine', triggers: [{ webhook_id: bHook.id }] });

    const attempts: [string, string, unknown?][] = [
      ['GET', `/v1/webhooks/${hook.id}`],
      ['PATCH', `/v1/webhooks/${hook.id}`, { name: 'stolen' }],
      ['DELETE', `/v1/webhooks/${hook.id}`],
      ['POST', `/v1/webhooks/${hook.id}/rotate-secret`, {}],
      ['GET', `/v1/workflows/${workflow.id}`],
      ['PATCH', `/v1/workflows/${workflow.id}`, { name: 'stolen' }],
      ['DELETE', `/v1/workflows/${workflow.id}`],
      ['POST', `/v1/workflows/${workflow.id}/triggers`, { webhook_id: bHook.id }],
      ['DELETE', `/v1/workflows/${workflow.id}/triggers/${hook.id}`],
      // B attaching A's webhook to B's own workflow, at creation and later.
      ['POST', '/v1/workflows', { name: 'thief', triggers: [{ webhook_id: hook.id }] }],
      ['POST', `/v1/workflows/${bWorkflow.id}/triggers`, { webhook_id: hook.id }],
      ['PATCH', `/v1/workflows/${bWorkflow.id}`, { triggers: [{ webhook_id: hook.id }] }],
      ['GET', `/v1/events/${eventId}`],
      ['POST', `/v1/events/${eventId}/replay`],
    ];
    for (const [method, path, body] of attempts) {
      const response = await apiProblem(b.token, method, path, body);
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 404 });
    }

    const list = await api<{ data: WebhookBody[] }>(b.token, 'GET', '/v1/webhooks');
    expect(list.body.data.map((w) => w.id)).toEqual([bHook.id]);
    const events = await api<{ data: { id: string }[] }>(b.token, 'GET', `/v1/events?webhook_id=${hook.id}`);
    expect(events.body.data).toEqual([]);
    const workflows = await api<{ data: { id: string }[] }>(b.token, 'GET', '/v1/workflows');
    expect(workflows.body.data.map((w) => w.id)).toEqual([bWorkflow.id]);

    // A's resources are untouched.
    const mine = await api<WebhookBody>(a.token, 'GET', `/v1/webhooks/${hook.id}`);
    expect(mine.body.name).toBe('private');
    expect(mine.body.dependents.map((d) => d.id)).toEqual([workflow.id]);
  });

  it("hides another project's custom hostnames", async () => {
    const a = await createProject({ plan: 'enterprise' });
    const b = await createProject({ plan: 'enterprise' });
    const hostname = `iso.${a.orgSlug}.example`;
    await api(a.token, 'POST', '/v1/domains', { hostname });
    expect((await apiProblem(b.token, 'GET', `/v1/domains/${hostname}`)).status).toBe(404);
    expect((await apiProblem(b.token, 'POST', `/v1/domains/${hostname}/verify`)).status).toBe(404);
    expect((await apiProblem(b.token, 'DELETE', `/v1/domains/${hostname}`)).status).toBe(404);
    expect((await api<{ data: unknown[] }>(b.token, 'GET', '/v1/domains')).body.data).toEqual([]);
  });
});
