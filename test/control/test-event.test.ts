/**
 * `POST /v1/webhooks/{id}/test-event`: the service signs as the webhook's sender would, with the
 * current secret, and posts through the ingress in-process; the answer is the ingress's own.
 */
import { describe, expect, it } from 'vitest';
import { api, apiProblem, auditLog, createWebhookViaApi, dispatchedEvent, type EventView } from '../helpers/control-api';
import { CHART_SAMPLE, CHART_SCHEMA, createProject } from '../helpers/fixtures';

interface TestEventAnswer {
  status: number;
  body: { event_id?: string; code?: string; errors?: { path: string; message: string }[] } & Record<string, unknown>;
}

const testEvent = (token: string, id: string, body?: unknown) => api<TestEventAnswer>(token, 'POST', `/v1/webhooks/${id}/test-event`, body);

describe('POST /v1/webhooks/{id}/test-event', () => {
  it('signs an example of the schema with the Standard Webhooks secret; the event is real and audited', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'chart', schema: CHART_SCHEMA });
    const answer = await testEvent(project.token, hook.id);
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe(202);
    const eventId = answer.body.body.event_id ?? '';
    expect(eventId).toMatch(/^evt_/);
    const event: EventView = await dispatchedEvent(project.token, eventId);
    expect(event.webhook_id).toBe(hook.id);
    expect(JSON.stringify(answer.body)).not.toContain(hook.secret ?? 'no secret');
    const audit = await auditLog(project.token);
    expect(audit.find((e) => e.action === 'webhook.test_event')).toMatchObject({ resource_id: hook.id, outcome: 'ok' });
  });

  it("passes on the ingress's schema refusal with each failing path", async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'chart', schema: CHART_SCHEMA });
    const answer = await testEvent(project.token, hook.id, { payload: { patient_id: 7, event: 'x' } });
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe(400);
    expect(answer.body.body.code).toBe('schema-mismatch');
    expect((answer.body.body.errors ?? []).map((e) => e.path).sort()).toEqual(['/patient_id', '/updated_fields'].sort());
  });

  it.each([
    ['github', { method: 'hmac', preset: 'github' }, 'github-webhook-secret-0123'],
    ['stripe', { method: 'hmac', preset: 'stripe' }, 'whsec_stripe_test_secret_0123'],
    ['twilio', { method: 'hmac', preset: 'twilio' }, '12345678901234567890123456789012'],
    ['header token', { method: 'header', header: 'X-Api-Key' }, 'a-shared-token-of-enough-length-0123'],
    ['bearer token', { method: 'bearer' }, 'a-bearer-token-of-enough-length-0123'],
  ])('signs as %s does with the supplied secret', async (_name, auth, secret) => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'sender', auth, secret, sample_payload: { id: 'evt_x', type: 'ping' } });
    const answer = await testEvent(project.token, hook.id, { payload: { id: `evt_${crypto.randomUUID()}`, type: 'ping' } });
    expect(answer.body).toMatchObject({ status: 202 });
    expect(JSON.stringify(answer.body)).not.toContain(secret);
  });

  it('accepts on an open webhook (auth none)', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'open', auth: { method: 'none' } });
    expect((await testEvent(project.token, hook.id, { payload: CHART_SAMPLE })).body.status).toBe(202);
  });

  it('signs with the newest secret after a rotation without overlap', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'rotating', sample_payload: CHART_SAMPLE });
    const rotated = await api(project.token, 'POST', `/v1/webhooks/${hook.id}/rotate-secret`, { overlap_seconds: 0 });
    expect(rotated.status).toBe(200);
    expect((await testEvent(project.token, hook.id, { payload: CHART_SAMPLE })).body.status).toBe(202);
  });

  it('answers 409 saying how to add the secret when the sender has not issued one yet', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'stripe', auth: { method: 'hmac', preset: 'stripe' } });
    const problem = await apiProblem(project.token, 'POST', `/v1/webhooks/${hook.id}/test-event`, {});
    expect(problem.status).toBe(409);
    expect(problem.body.detail).toContain('rotate-secret');
  });

  it("answers 404 for another project's webhook and 400 for a payload that is not an object", async () => {
    const [mine, theirs] = [await createProject(), await createProject()];
    const hook = await createWebhookViaApi(theirs.token, { name: 'theirs' });
    expect((await apiProblem(mine.token, 'POST', `/v1/webhooks/${hook.id}/test-event`, {})).status).toBe(404);
    expect((await apiProblem(theirs.token, 'POST', `/v1/webhooks/${hook.id}/test-event`, { payload: [1] })).status).toBe(400);
  });
});
