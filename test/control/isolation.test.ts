/**
 * Tokens and tenancy: no token or a wrong one is 401; a token of project B cannot read, patch,
 * delete, rotate or attach project A's webhooks, workflows, events (their payloads included) or
 * domains: 404, as if absent (removing another org's hostname: 409, the name being taken); nor read A's audit log.
 */
import { describe, expect, it } from 'vitest';
import { CHART_SAMPLE, createProject } from '../helpers/fixtures';
import { api, apiProblem, auditLog, createWebhookViaApi, createWorkflowViaApi, dispatchedEvent, sendToWebhook, tokenIdOf, type EventView, type WebhookBody } from '../helpers/control-api';

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
    const eventId = await sendToWebhook(hook, hook.secret ?? '', CHART_SAMPLE);
    await dispatchedEvent(a.token, eventId, 1);
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
      ['GET', `/v1/events/${eventId}?include=payload`],
      ['DELETE', `/v1/events/${eventId}/payload`],
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
    const allEvents = await api<{ data: { id: string }[] }>(b.token, 'GET', '/v1/events');
    expect(allEvents.body.data).toEqual([]);
    const rejections = await api<{ data: { id: string }[] }>(b.token, 'GET', `/v1/events?status=rejected&webhook_id=${hook.id}`);
    expect(rejections.body.data).toEqual([]);

    // Each audit log holds its own project's entries only: B's shows B's refused attempts, A's none of them.
    const [aToken, bToken] = [await tokenIdOf(a), await tokenIdOf(b)];
    const bAudit = await auditLog(b.token);
    expect(new Set(bAudit.map((e) => e.token_id))).toEqual(new Set([bToken]));
    for (const entry of bAudit.filter((e) => e.resource_id === hook.id || e.resource_id === workflow.id || e.resource_id === eventId)) {
      expect(entry.outcome).toBe('not-found (404)');
    }
    const aAudit = await auditLog(a.token);
    expect(aAudit.length).toBeGreaterThan(0);
    expect(new Set(aAudit.map((e) => e.token_id))).toEqual(new Set([aToken]));
    const workflows = await api<{ data: { id: string }[] }>(b.token, 'GET', '/v1/workflows');
    expect(workflows.body.data.map((w) => w.id)).toEqual([bWorkflow.id]);

    // A's resources are untouched.
    const mine = await api<WebhookBody>(a.token, 'GET', `/v1/webhooks/${hook.id}`);
    expect(mine.body.name).toBe('private');
    expect(mine.body.dependents.map((d) => d.id)).toEqual([workflow.id]);
    const event = await api<EventView>(a.token, 'GET', `/v1/events/${eventId}?include=payload`);
    expect(event.body).toMatchObject({ payload_state: 'kept', payload: CHART_SAMPLE, runs: [{ workflow_id: workflow.id }] });
  });

  it("hides another project's custom hostnames", async () => {
    const a = await createProject({ plan: 'enterprise' });
    const b = await createProject({ plan: 'enterprise' });
    const hostname = `iso.${a.orgSlug}-hooks.com`;
    expect((await api(a.token, 'POST', '/v1/domains', { hostname })).status).toBe(201);
    expect((await apiProblem(b.token, 'GET', `/v1/domains/${hostname}`)).status).toBe(404);
    expect((await apiProblem(b.token, 'POST', `/v1/domains/${hostname}/verify`)).status).toBe(404);
    // Removing another org's hostname is refused as a conflict (the name is taken), and changes nothing.
    expect((await apiProblem(b.token, 'DELETE', `/v1/domains/${hostname}`)).status).toBe(409);
    expect((await api(a.token, 'GET', `/v1/domains/${hostname}`)).status).toBe(200);
    expect((await api<{ data: unknown[] }>(b.token, 'GET', '/v1/domains')).body.data).toEqual([]);
  });
});
