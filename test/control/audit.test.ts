/**
 * The audit log (`GET /v1/audit`): each control-plane change and each payload read, with the token
 * that acted, the action, the resource and the outcome, newest first; never a secret or a payload.
 */
import { createExecutionContext, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createControlApp } from '../../shared/control/app';
import type { ProjectLog } from '../../shared/eventlog/project-log';
import { WebhookResolver } from '../../shared/ingress/webhook-resolver';
import { masterKeyFor } from '../../shared/secrets/master-key';
import {
  allPages,
  api,
  apiProblem,
  auditLog,
  createWebhookViaApi,
  createWorkflowViaApi,
  dispatchedEvent,
  errorPaths,
  logStorageText,
  sendToWebhook,
  tokenIdOf,
  type AuditItem,
} from '../helpers/control-api';
import { CHART_SAMPLE, createProject, newStandardSecret } from '../helpers/fixtures';

/** What an entry says, without its id and time. */
function summary(entry: AuditItem): [string, string | null, string] {
  return [entry.action, entry.resource_id, entry.outcome];
}

describe('GET /v1/audit', () => {
  it('records every change and payload read with token, action, resource and outcome, newest first with a cursor', async () => {
    const project = await createProject({ plan: 'enterprise' });
    const tokenId = await tokenIdOf(project);
    const secret = newStandardSecret();
    const rotated = newStandardSecret();
    const marker = `phi-marker-${crypto.randomUUID()}`;
    const expected: [string, string | null, string][] = [];

    const invalid = await apiProblem(project.token, 'POST', '/v1/webhooks', { name: 'x', payload_retention_days: 0 });
    expect(invalid.status).toBe(400);
    expected.push(['webhook.create', null, 'invalid-request (400)']);
    const hook = await createWebhookViaApi(project.token, { name: 'audited', secret, sample_payload: { ...CHART_SAMPLE, note: 'n' } });
    expected.push(['webhook.create', hook.id, 'ok']);
    expect((await api(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { name: 'audited 2' })).status).toBe(200);
    expected.push(['webhook.update', hook.id, 'ok']);
    expect((await api(project.token, 'POST', `/v1/webhooks/${hook.id}/rotate-secret`, { secret: rotated, overlap_seconds: 0 })).status).toBe(200);
    expected.push(['webhook.secret.rotate', hook.id, 'ok']);

    const workflow = await createWorkflowViaApi(project.token, { name: 'wf', triggers: [{ webhook_id: hook.id }] });
    expected.push(['workflow.create', workflow.id, 'ok']);
    expect((await api(project.token, 'PATCH', `/v1/workflows/${workflow.id}`, { name: 'wf 2' })).status).toBe(200);
    expected.push(['workflow.update', workflow.id, 'ok']);
    const other = await createWebhookViaApi(project.token, { name: 'other', sample_payload: { ...CHART_SAMPLE, note: 'n' } });
    expected.push(['webhook.create', other.id, 'ok']);
    expect((await api(project.token, 'POST', `/v1/workflows/${workflow.id}/triggers`, { webhook_id: other.id })).status).toBe(201);
    expected.push(['workflow.trigger.attach', workflow.id, 'ok']);
    expect((await api(project.token, 'DELETE', `/v1/workflows/${workflow.id}/triggers/${other.id}`)).status).toBe(204);
    expected.push(['workflow.trigger.detach', workflow.id, 'ok']);
    // A refused delete is recorded too.
    expect((await apiProblem(project.token, 'DELETE', `/v1/webhooks/${hook.id}`)).status).toBe(409);
    expected.push(['webhook.delete', hook.id, 'conflict (409)']);

    const hostname = `audit.${project.orgSlug}-hooks.com`;
    expect((await api(project.token, 'POST', '/v1/domains', { hostname })).status).toBe(201);
    expected.push(['domain.create', hostname, 'ok']);
    expect((await api(project.token, 'POST', `/v1/domains/${hostname}/verify`)).status).toBe(200);
    expected.push(['domain.verify', hostname, 'ok']);
    expect((await api(project.token, 'DELETE', `/v1/domains/${hostname}`)).status).toBe(204);
    expected.push(['domain.delete', hostname, 'ok']);

    const eventId = await sendToWebhook(hook, rotated, { ...CHART_SAMPLE, note: marker });
    await dispatchedEvent(project.token, eventId, 1);
    // A read without the payload is not a payload read.
    expect((await api(project.token, 'GET', `/v1/events/${eventId}`)).status).toBe(200);
    const read = await api<{ payload: { note: string } }>(project.token, 'GET', `/v1/events/${eventId}?include=payload`);
    expect(read.body.payload.note).toBe(marker);
    expected.push(['event.payload.read', eventId, 'ok']);
    // While the payload is kept, the log holds it sealed: the marker is not in its storage.
    expect(await logStorageText(project)).not.toContain(marker);
    expect((await api(project.token, 'POST', `/v1/events/${eventId}/replay`)).status).toBe(202);
    expected.push(['event.replay', eventId, 'ok']);
    expect((await api(project.token, 'DELETE', `/v1/events/${eventId}/payload`)).status).toBe(200);
    expected.push(['event.payload.expunge', eventId, 'ok']);
    expect((await apiProblem(project.token, 'POST', `/v1/events/${eventId}/replay`)).status).toBe(409);
    expected.push(['event.replay', eventId, 'conflict (409)']);

    expect((await api(project.token, 'DELETE', `/v1/workflows/${workflow.id}`)).status).toBe(204);
    expected.push(['workflow.delete', workflow.id, 'ok']);
    expect((await api(project.token, 'DELETE', `/v1/webhooks/${hook.id}`)).status).toBe(204);
    expected.push(['webhook.delete', hook.id, 'ok']);
    expect((await apiProblem(project.token, 'DELETE', '/v1/webhooks/wh_nope')).status).toBe(404);
    expected.push(['webhook.delete', 'wh_nope', 'not-found (404)']);

    // Small pages, so the cursor is followed across many of them.
    const pages = await allPages<AuditItem>(project.token, '/v1/audit', 4);
    expect(pages.length).toBe(Math.ceil(expected.length / 4));
    expect(pages.slice(0, -1).every((p) => p.has_more && p.next_cursor !== null)).toBe(true);
    expect(pages.at(-1)?.has_more).toBe(false);
    const entries = pages.flatMap((p) => p.data);
    expect(entries.map(summary)).toEqual([...expected].reverse());
    for (const entry of entries) {
      expect(entry.token_id).toBe(tokenId);
      expect(entry.id).toMatch(/^aud_/);
      expect(Object.keys(entry).sort()).toEqual(['action', 'at', 'id', 'outcome', 'resource_id', 'token_id']);
    }
    const times = entries.map((e) => e.at);
    expect([...times].sort().reverse()).toEqual(times);

    // Neither secret nor the payload is anywhere in the audit list or in the log's storage.
    const listed = JSON.stringify(entries);
    const stored = await logStorageText(project);
    for (const text of [listed, stored]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(rotated);
      expect(text).not.toContain(marker);
    }
  });

  it('answers 400 for a bad limit, cursor or parameter', async () => {
    const project = await createProject();
    const bad = await apiProblem(project.token, 'GET', '/v1/audit?limit=0&cursor=zzz&sort=asc');
    expect(bad.status).toBe(400);
    expect(errorPaths(bad.body).sort()).toEqual(['/limit', '/sort']);
    expect(errorPaths((await apiProblem(project.token, 'GET', '/v1/audit?cursor=zzz')).body)).toEqual(['/cursor']);
  });

  it('refuses to return a payload whose read cannot be audited', async () => {
    const project = await createProject();
    const marker = `phi-marker-${crypto.randomUUID()}`;
    const hook = await createWebhookViaApi(project.token, { name: 'unaudited', sample_payload: { ...CHART_SAMPLE, note: 'n' } });
    const eventId = await sendToWebhook(hook, hook.secret ?? '', { ...CHART_SAMPLE, note: marker });
    await dispatchedEvent(project.token, eventId);

    // The project's log as production reaches it, except that it refuses audit entries.
    const failingLog = {
      idFromName: (name: string) => env.PROJECT_LOG.idFromName(name),
      get: (id: DurableObjectId) => {
        const stub = env.PROJECT_LOG.get(id);
        return {
          getEvent: (eventId: string) => stub.getEvent(eventId),
          appendAudit: async () => {
            throw new Error('the log is unavailable');
          },
        };
      },
    } as unknown as DurableObjectNamespace<ProjectLog>;
    const app = createControlApp({ resolver: new WebhookResolver(), masterKey: masterKeyFor });
    const response = await app.fetch(
      new Request(`https://api.usehasp.run/v1/events/${eventId}?include=payload`, { headers: { authorization: `Bearer ${project.token}` } }),
      { ...env, PROJECT_LOG: failingLog },
      createExecutionContext(),
    );
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const text = await response.text();
    expect(text).toContain('audit log');
    expect(text).not.toContain(marker);
    expect((await auditLog(project.token)).filter((e) => e.action === 'event.payload.read')).toEqual([]);
  });
});
