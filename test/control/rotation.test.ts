/** `POST /v1/webhooks/{id}/rotate-secret`: old and new verify during the overlap, then only the new. */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { CHART_SAMPLE, createProject } from '../helpers/fixtures';
import { api, apiProblem, createWebhookViaApi, errorPaths, type WebhookBody } from '../helpers/control-api';
import { postSigned } from '../helpers/send';
import { waitFor } from '../helpers/wait';

interface Rotated {
  id: string;
  secret_id: string;
  secret?: string;
  overlap_seconds: number;
  previous_secrets_expire_at: string | null;
  secrets: { id: string; expires_at: string | null }[];
}

async function storedExpiries(webhookId: string): Promise<(string | null)[]> {
  const row = await env.DB.prepare('SELECT secrets FROM webhooks WHERE id = ?').bind(webhookId).first<{ secrets: string }>();
  return (JSON.parse(row?.secrets ?? '[]') as { expires_at: string | null }[]).map((s) => s.expires_at);
}

describe('POST /v1/webhooks/{id}/rotate-secret', () => {
  it('verifies old and new during the overlap, then only the new one', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'rotating', sample_payload: CHART_SAMPLE });
    const old = hook.secret ?? '';
    const before = Date.now();
    const rotated = await api<Rotated>(project.token, 'POST', `/v1/webhooks/${hook.id}/rotate-secret`, { overlap_seconds: 2 });
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret ?? '';
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(old);
    expect(rotated.body.overlap_seconds).toBe(2);

    // The stored clock: the new secret never expires, the old one at rotation time + overlap.
    const [newExpiry, oldExpiry] = await storedExpiries(hook.id);
    expect(newExpiry).toBeNull();
    const oldExpiresAt = Date.parse(oldExpiry ?? '');
    expect(oldExpiresAt - before).toBeGreaterThanOrEqual(2000);
    expect(oldExpiresAt - Date.now()).toBeLessThanOrEqual(2000);
    expect(rotated.body.previous_secrets_expire_at).toBe(oldExpiry);

    expect((await postSigned(hook.url, old, CHART_SAMPLE)).status).toBe(202);
    expect((await postSigned(hook.url, fresh, CHART_SAMPLE)).status).toBe(202);

    await waitFor(async () => Date.now() > oldExpiresAt + 50, 'the overlap to end', 5_000);
    const late = await postSigned(hook.url, old, CHART_SAMPLE);
    expect(late.status).toBe(401);
    expect((await postSigned(hook.url, fresh, CHART_SAMPLE)).status).toBe(202);

    const view = await api<WebhookBody>(project.token, 'GET', `/v1/webhooks/${hook.id}`);
    expect(view.body.secrets.map((s) => s.id)).toEqual([rotated.body.secret_id]);
    expect(JSON.stringify(view.body)).not.toContain(fresh);
  });

  it('with overlap_seconds 0 the old secret stops at once', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'instant', sample_payload: CHART_SAMPLE });
    const rotated = await api<Rotated>(project.token, 'POST', `/v1/webhooks/${hook.id}/rotate-secret`, { overlap_seconds: 0 });
    expect(rotated.body.secrets).toHaveLength(1);
    expect(rotated.body.previous_secrets_expire_at).toBeNull();
    expect((await postSigned(hook.url, hook.secret ?? '', CHART_SAMPLE)).status).toBe(401);
    expect((await postSigned(hook.url, rotated.body.secret ?? '', CHART_SAMPLE)).status).toBe(202);
  });

  it('defaults the overlap to 24 hours and accepts a supplied secret without echoing it', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'supplied', sample_payload: CHART_SAMPLE });
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const rotated = await api<Rotated>(project.token, 'POST', `/v1/webhooks/${hook.id}/rotate-secret`, { secret });
    expect(rotated.body.overlap_seconds).toBe(86_400);
    expect(rotated.body.secret).toBeUndefined();
    expect(JSON.stringify(rotated.body)).not.toContain('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect((await postSigned(hook.url, secret, CHART_SAMPLE)).status).toBe(202);
    expect((await postSigned(hook.url, hook.secret ?? '', CHART_SAMPLE)).status).toBe(202);
  });

  it('adds the secret a sender issued (Stripe) to a webhook awaiting it', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'stripe', auth: { method: 'hmac', preset: 'stripe' } });
    const missing = await apiProblem(project.token, 'POST', `/v1/webhooks/${hook.id}/rotate-secret`, {});
    expect(missing.status).toBe(400);
    expect(errorPaths(missing.body)).toEqual(['/secret']);
    const added = await api<Rotated>(project.token, 'POST', `/v1/webhooks/${hook.id}/rotate-secret`, { secret: 'whsec_stripeIssuedSecretValue123', overlap_seconds: 0 });
    expect(added.status).toBe(200);
    const view = await api<WebhookBody>(project.token, 'GET', `/v1/webhooks/${hook.id}`);
    expect(view.body.awaiting_secret).toBe(false);
  });

  it('answers 409 for auth none, 400 for a bad overlap or secret, 404 for an unknown webhook', async () => {
    const project = await createProject();
    const open = await createWebhookViaApi(project.token, { name: 'open', auth: { method: 'none' } });
    const none = await apiProblem(project.token, 'POST', `/v1/webhooks/${open.id}/rotate-secret`, {});
    expect(none.status).toBe(409);
    const hook = await createWebhookViaApi(project.token, { name: 'hmac' });
    const overlap = await apiProblem(project.token, 'POST', `/v1/webhooks/${hook.id}/rotate-secret`, { overlap_seconds: -5, extra: 1 });
    expect(errorPaths(overlap.body).sort()).toEqual(['/extra', '/overlap_seconds']);
    const tooLong = await apiProblem(project.token, 'POST', `/v1/webhooks/${hook.id}/rotate-secret`, { overlap_seconds: 8 * 86_400 });
    expect(errorPaths(tooLong.body)).toEqual(['/overlap_seconds']);
    const badSecret = await apiProblem(project.token, 'POST', `/v1/webhooks/${hook.id}/rotate-secret`, { secret: 'whsec_not base64!' });
    expect(errorPaths(badSecret.body)).toEqual(['/secret']);
    const unknown = await apiProblem(project.token, 'POST', '/v1/webhooks/wh_nope/rotate-secret', {});
    expect(unknown.status).toBe(404);
  });
});
