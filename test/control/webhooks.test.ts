/** `/v1/webhooks`: create, list, get, patch, delete, with each call's errors. */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { CHART_SAMPLE, CHART_SCHEMA, createProject, uniqueSlug } from '../helpers/fixtures';
import { api, apiProblem, createWebhookViaApi, createWorkflowViaApi, dispatchedEvent, errorPaths, expiriesOf, sendToWebhook, type EventView, type WebhookBody } from '../helpers/control-api';
import { postSigned, post } from '../helpers/send';

describe('POST /v1/webhooks', () => {
  it('creates a webhook from a name: slug derived, whsec_ secret shown once, schema from the sample', async () => {
    const project = await createProject();
    const created = await createWebhookViaApi(project.token, { name: 'EHR Chart — Updated!', sample_payload: CHART_SAMPLE });
    expect(created.id).toMatch(/^wh_/);
    expect(created.slug).toBe('ehr-chart-updated');
    expect(created.url).toBe(`https://${project.orgSlug}.usehasp.run/webhooks/ehr-chart-updated`);
    expect(created.urls).toEqual([]);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.auth).toEqual({ method: 'hmac', scheme: 'standard-webhooks', recommended: true });
    expect(created.schema).toMatchObject({ type: 'object', required: ['patient_id', 'event', 'updated_fields'] });
    expect(created.dependents).toEqual([]);
    expect(created.enabled).toBe(true);
    expect(created.body_limit_bytes).toBe(1_048_576);
    expect([created.payload_retention_days, created.metadata_retention_days]).toEqual([30, 90]);

    const got = await api<WebhookBody>(project.token, 'GET', `/v1/webhooks/${created.id}`);
    expect(JSON.stringify(got.body)).not.toContain(created.secret ?? 'no secret');
    expect(got.body.secret).toBeUndefined();

    const sent = await postSigned(created.url, created.secret ?? '', CHART_SAMPLE);
    expect(sent.status).toBe(202);
  });

  it('creates a webhook from a description alone', async () => {
    const project = await createProject();
    const created = await createWebhookViaApi(project.token, { description: 'Lab results ready\nSent by the LIS when a panel is final.' });
    expect(created.name).toBe('Lab results ready');
    expect(created.slug).toBe('lab-results-ready');
    expect(created.description).toContain('panel is final');
    expect(created.schema).toEqual({ type: 'object' });
  });

  it('suffixes a derived slug that is taken in the org', async () => {
    const project = await createProject();
    const first = await createWebhookViaApi(project.token, { name: 'Orders' });
    const second = await createWebhookViaApi(project.token, { name: 'orders' });
    const third = await createWebhookViaApi(project.token, { name: 'ORDERS!' });
    expect([first.slug, second.slug, third.slug]).toEqual(['orders', 'orders-2', 'orders-3']);
  });

  it('answers 409 naming the slug when an explicit slug is taken anywhere in the org', async () => {
    const project = await createProject();
    await createWebhookViaApi(project.token, { name: 'A', slug: 'taken' });
    const clash = await apiProblem(project.token, 'POST', '/v1/webhooks', { name: 'B', slug: 'taken' });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe('conflict');
    expect(errorPaths(clash.body)).toEqual(['/slug']);
    expect(clash.body.slug).toBe('taken');
  });

  it('keeps a supplied secret and never echoes it', async () => {
    const project = await createProject();
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const response = await api<WebhookBody>(project.token, 'POST', '/v1/webhooks', { name: 'supplied', secret, schema: CHART_SCHEMA });
    expect(response.status).toBe(201);
    expect(response.body.secret).toBeUndefined();
    expect(JSON.stringify(response.body)).not.toContain('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect((await postSigned(response.body.url, secret, CHART_SAMPLE)).status).toBe(202);
  });

  it('creates each auth method and each works at the edge', async () => {
    const project = await createProject();
    const header = await createWebhookViaApi(project.token, { name: 'header', auth: { method: 'header', header: 'X-Hasp-Token' } });
    expect(header.auth).toEqual({ method: 'header', header: 'X-Hasp-Token', recommended: true });
    expect(header.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const body = JSON.stringify(CHART_SAMPLE);
    expect((await post(header.url, body, { headers: { 'x-hasp-token': header.secret ?? '' } })).status).toBe(202);
    expect((await post(header.url, body, { headers: { 'x-hasp-token': 'wrong-token-here' } })).status).toBe(401);

    const bearer = await createWebhookViaApi(project.token, { name: 'bearer', auth: { method: 'bearer' } });
    expect((await post(bearer.url, body, { headers: { authorization: `Bearer ${bearer.secret ?? ''}` } })).status).toBe(202);

    const generic = await createWebhookViaApi(project.token, {
      name: 'generic',
      auth: { method: 'hmac', header: 'X-Signature', prefix: 'sha256=', algorithm: 'sha256', encoding: 'hex', signed_content: 'body' },
    });
    expect(generic.auth).toMatchObject({ method: 'hmac', scheme: 'generic-hmac', header: 'X-Signature' });
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(generic.secret ?? ''), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(body)));
    const hex = [...mac].map((b) => b.toString(16).padStart(2, '0')).join('');
    expect((await post(generic.url, body, { headers: { 'x-signature': `sha256=${hex}` } })).status).toBe(202);
  });

  it('flags auth none as not recommended in the 201, get and list views', async () => {
    const project = await createProject();
    const open = await createWebhookViaApi(project.token, { name: 'open', auth: { method: 'none' } });
    expect(open.secret).toBeUndefined();
    expect(open.auth).toMatchObject({ method: 'none', recommended: false });
    expect(open.auth.warning).toMatch(/Not recommended/);
    const got = await api<WebhookBody>(project.token, 'GET', `/v1/webhooks/${open.id}`);
    expect(got.body.auth.recommended).toBe(false);
    const list = await api<{ data: WebhookBody[] }>(project.token, 'GET', '/v1/webhooks');
    expect(list.body.data.find((w) => w.id === open.id)?.auth.warning).toMatch(/Not recommended/);
    expect((await post(open.url, JSON.stringify(CHART_SAMPLE))).status).toBe(202);
  });

  it('generates no secret for a sender that issues its own and says how to add it', async () => {
    const project = await createProject();
    const stripe = await createWebhookViaApi(project.token, { name: 'stripe', auth: { method: 'hmac', preset: 'stripe' } });
    expect(stripe.secret).toBeUndefined();
    expect(stripe.awaiting_secret).toBe(true);
    expect(stripe.next_step).toContain('rotate-secret');
    expect(stripe.auth).toMatchObject({ method: 'hmac', preset: 'stripe', scheme: 'stripe' });
  });

  it('answers 400 naming every bad field', async () => {
    const project = await createProject();
    const bad = await apiProblem(project.token, 'POST', '/v1/webhooks', {
      name: 5,
      slug: 'Not A Slug',
      auth: { method: 'hmac', header: 'X-Sig' },
      body_limit_bytes: -1,
      enabled: 'yes',
      surprise: true,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid-request');
    expect(errorPaths(bad.body).sort()).toEqual(['/auth/algorithm', '/auth/encoding', '/auth/signed_content', '/body_limit_bytes', '/enabled', '/name', '/slug', '/surprise'].sort());
  });

  it('answers 400 for an unknown preset, a missing name, a bad secret and an unenforceable schema', async () => {
    const project = await createProject();
    const preset = await apiProblem(project.token, 'POST', '/v1/webhooks', { name: 'x', auth: { method: 'hmac', preset: 'acme-corp' } });
    expect(errorPaths(preset.body)).toEqual(['/auth/preset']);
    const method = await apiProblem(project.token, 'POST', '/v1/webhooks', { name: 'x', auth: { method: 'carrier-pigeon' } });
    expect(errorPaths(method.body)).toEqual(['/auth/method']);
    const nameless = await apiProblem(project.token, 'POST', '/v1/webhooks', {});
    expect(errorPaths(nameless.body)).toEqual(['/name']);
    const secret = await apiProblem(project.token, 'POST', '/v1/webhooks', { name: 'x', secret: 'short' });
    expect(errorPaths(secret.body)).toEqual(['/secret']);
    const noneSecret = await apiProblem(project.token, 'POST', '/v1/webhooks', { name: 'x', auth: { method: 'none' }, secret: 'whatever-secret' });
    expect(errorPaths(noneSecret.body)).toEqual(['/secret']);
    const schema = await apiProblem(project.token, 'POST', '/v1/webhooks', {
      name: 'x',
      schema: { type: 'object', properties: { a: { oneOf: [{ type: 'string' }] }, b: { $ref: '#/x' } } },
    });
    expect(schema.status).toBe(400);
    expect(errorPaths(schema.body)).toEqual(['/schema/properties/a/oneOf', '/schema/properties/b/$ref']);
    const both = await apiProblem(project.token, 'POST', '/v1/webhooks', { name: 'x', schema: CHART_SCHEMA, sample_payload: CHART_SAMPLE });
    expect(errorPaths(both.body)).toEqual(['/sample_payload']);
  });

  it('answers 415 for a non-JSON body and 400 invalid-json for malformed JSON', async () => {
    const project = await createProject();
    const form = await apiProblem(project.token, 'POST', '/v1/webhooks', undefined, { raw: 'name=x', contentType: 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    const broken = await apiProblem(project.token, 'POST', '/v1/webhooks', undefined, { raw: '{"name": ' });
    expect(broken.status).toBe(400);
    expect(broken.body.code).toBe('invalid-json');
  });

  it('lists active custom hostnames as urls', async () => {
    const project = await createProject({ plan: 'enterprise' });
    const hostname = `hooks.${project.orgSlug}-hooks.com`;
    await api(project.token, 'POST', '/v1/domains', { hostname });
    const pending = await createWebhookViaApi(project.token, { name: 'custom' });
    expect(pending.urls).toEqual([]);
    // The local fake of Cloudflare activates a hostname within a few checks, as its DNS would.
    for (let i = 0; i < 3; i += 1) await api(project.token, 'POST', `/v1/domains/${hostname}/verify`);
    const got = await api<WebhookBody>(project.token, 'GET', `/v1/webhooks/${pending.id}`);
    expect(got.body.urls).toEqual([`https://${hostname}/webhooks/custom`]);
  });

  it('gives dev URLs on the local host when called through api.localhost', async () => {
    const project = await createProject();
    const { SELF } = await import('cloudflare:test');
    const response = await SELF.fetch('http://api.localhost:8787/v1/webhooks', {
      method: 'POST',
      headers: { authorization: `Bearer ${project.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'dev' }),
    });
    const body = await response.json<WebhookBody>();
    expect(body.url).toBe(`http://${project.orgSlug}.localhost:8787/webhooks/dev`);
  });
});

describe('GET /v1/webhooks', () => {
  it('lists newest first with cursor pagination', async () => {
    const project = await createProject();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await createWebhookViaApi(project.token, { name: `hook ${i}` })).id);
    const first = await api<{ data: WebhookBody[]; has_more: boolean; next_cursor: string | null }>(project.token, 'GET', '/v1/webhooks?limit=2');
    expect(first.body.data.map((w) => w.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.has_more).toBe(true);
    const second = await api<{ data: WebhookBody[]; has_more: boolean; next_cursor: string | null }>(project.token, 'GET', `/v1/webhooks?limit=2&cursor=${first.body.next_cursor ?? ''}`);
    expect(second.body.data.map((w) => w.id)).toEqual([ids[0]]);
    expect(second.body).toMatchObject({ has_more: false, next_cursor: null });
  });

  it('answers 400 for a bad limit or cursor', async () => {
    const project = await createProject();
    const limit = await apiProblem(project.token, 'GET', '/v1/webhooks?limit=500');
    expect(errorPaths(limit.body)).toEqual(['/limit']);
    const cursor = await apiProblem(project.token, 'GET', '/v1/webhooks?cursor=nonsense');
    expect(errorPaths(cursor.body)).toEqual(['/cursor']);
  });
});

describe('GET /v1/webhooks/{id}', () => {
  it('shows dependents and answers 404 for an unknown id', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'dep', schema: CHART_SCHEMA });
    const workflow = await createWorkflowViaApi(project.token, { name: 'Chart flow', triggers: [{ webhook_id: hook.id }] });
    const got = await api<WebhookBody>(project.token, 'GET', `/v1/webhooks/${hook.id}`);
    expect(got.body.dependents).toEqual([{ id: workflow.id, name: 'Chart flow', enabled: true, class: 'A' }]);
    const missing = await apiProblem(project.token, 'GET', '/v1/webhooks/wh_nope');
    expect(missing.status).toBe(404);
  });
});

describe('PATCH /v1/webhooks/{id}', () => {
  it('changes name, description, enabled and body limit, and the edge follows', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'patch me', sample_payload: CHART_SAMPLE });
    const patched = await api<WebhookBody>(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { name: 'patched', description: 'now described', body_limit_bytes: 64 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'patched', description: 'now described', body_limit_bytes: 64, slug: hook.slug });
    expect((await postSigned(hook.url, hook.secret ?? '', CHART_SAMPLE)).status).toBe(413);
    await api(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { enabled: false, body_limit_bytes: 1_048_576 });
    expect((await postSigned(hook.url, hook.secret ?? '', CHART_SAMPLE)).status).toBe(404);
    await api(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { enabled: true });
    expect((await postSigned(hook.url, hook.secret ?? '', CHART_SAMPLE)).status).toBe(202);
  });

  it('changes the schema from a sample and the edge enforces it', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'schema', sample_payload: CHART_SAMPLE });
    const patched = await api<WebhookBody>(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { sample_payload: [{ order: 1 }, { order: 2, note: null }] });
    expect(patched.body.schema).toMatchObject({ required: ['order'] });
    expect((await postSigned(hook.url, hook.secret ?? '', CHART_SAMPLE)).status).toBe(400);
    expect((await postSigned(hook.url, hook.secret ?? '', { order: 3 })).status).toBe(202);
  });

  it('changes the auth method: a new secret is generated and shown once', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'auth', auth: { method: 'none' } });
    const patched = await api<WebhookBody>(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { auth: { method: 'bearer' } });
    expect(patched.body.auth).toEqual({ method: 'bearer', recommended: true });
    expect(patched.body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const body = JSON.stringify(CHART_SAMPLE);
    expect((await post(hook.url, body)).status).toBe(401);
    expect((await post(hook.url, body, { headers: { authorization: `Bearer ${patched.body.secret ?? ''}` } })).status).toBe(202);
    const header = await api<WebhookBody>(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { auth: { method: 'header', header: 'X-Token' }, secret: 'my-own-token-123' });
    expect(header.body.secret).toBeUndefined();
    expect((await post(hook.url, body, { headers: { 'x-token': 'my-own-token-123' } })).status).toBe(202);
  });

  it('answers 409 naming the workflows a schema change would break', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'guarded', schema: CHART_SCHEMA });
    const workflow = await createWorkflowViaApi(project.token, { name: 'Needs patient', triggers: [{ webhook_id: hook.id }] });
    const breaking = await apiProblem(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { sample_payload: { something: 'else' } });
    expect(breaking.status).toBe(409);
    expect(breaking.body.workflows).toMatchObject([{ id: workflow.id, name: 'Needs patient' }]);
    expect(breaking.body.detail).toContain(workflow.id);
    expect(errorPaths(breaking.body).every((p) => p === '/sample_payload')).toBe(true);
    const unchanged = await api<WebhookBody>(project.token, 'GET', `/v1/webhooks/${hook.id}`);
    expect(unchanged.body.schema).toEqual(CHART_SCHEMA);
  });

  it('answers 400 for bad fields, a secret without auth and a slug change; 404 for an unknown id', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'p' });
    const bad = await apiProblem(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { enabled: 1, slug: 'new', secret: 'whsec_abcdefgh' });
    expect(errorPaths(bad.body).sort()).toEqual(['/enabled', '/slug']);
    const secretOnly = await apiProblem(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { secret: 'whsec_abcdefgh' });
    expect(errorPaths(secretOnly.body)).toEqual(['/secret']);
    const schema = await apiProblem(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { schema: { type: 'array' } });
    expect(errorPaths(schema.body)).toEqual(['/schema/type']);
    const missing = await apiProblem(project.token, 'PATCH', '/v1/webhooks/wh_nope', { name: 'x' });
    expect(missing.status).toBe(404);
  });
});

describe('retention', () => {
  const DAY_MS = 86_400_000;

  it('sets payload and metadata retention on create and PATCH, and shows them in every view', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'short', payload_retention_days: 7, metadata_retention_days: 30 });
    expect([hook.payload_retention_days, hook.metadata_retention_days]).toEqual([7, 30]);
    const patched = await api<WebhookBody>(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { payload_retention_days: 90, metadata_retention_days: 365 });
    expect(patched.status).toBe(200);
    expect([patched.body.payload_retention_days, patched.body.metadata_retention_days]).toEqual([90, 365]);
    const got = await api<WebhookBody>(project.token, 'GET', `/v1/webhooks/${hook.id}`);
    expect([got.body.payload_retention_days, got.body.metadata_retention_days]).toEqual([90, 365]);
    const listed = await api<{ data: WebhookBody[] }>(project.token, 'GET', '/v1/webhooks');
    expect(listed.body.data.find((w) => w.id === hook.id)).toMatchObject({ payload_retention_days: 90, metadata_retention_days: 365 });
    // Only what a PATCH names changes.
    const renamed = await api<WebhookBody>(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { name: 'renamed' });
    expect([renamed.body.payload_retention_days, renamed.body.metadata_retention_days]).toEqual([90, 365]);
  });

  it('answers 400 naming the field for out-of-range values and for metadata kept shorter than the payload', async () => {
    const project = await createProject();
    const range = await apiProblem(project.token, 'POST', '/v1/webhooks', { name: 'r', payload_retention_days: 91, metadata_retention_days: 3651 });
    expect(range.status).toBe(400);
    expect(errorPaths(range.body).sort()).toEqual(['/metadata_retention_days', '/payload_retention_days']);
    for (const bad of [0, 1.5, '30', null]) {
      const response = await apiProblem(project.token, 'POST', '/v1/webhooks', { name: 'r', payload_retention_days: bad });
      expect({ bad, paths: errorPaths(response.body) }).toEqual({ bad, paths: ['/payload_retention_days'] });
    }
    // The default payload retention (30) is longer than the metadata asked for.
    const shorter = await apiProblem(project.token, 'POST', '/v1/webhooks', { name: 'r', metadata_retention_days: 10 });
    expect(shorter.status).toBe(400);
    expect(errorPaths(shorter.body)).toEqual(['/metadata_retention_days']);
    expect(shorter.body.errors?.[0]?.message).toContain('at least payload_retention_days (30)');

    const hook = await createWebhookViaApi(project.token, { name: 'r', payload_retention_days: 7, metadata_retention_days: 14 });
    const longer = await apiProblem(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { payload_retention_days: 30 });
    expect(errorPaths(longer.body)).toEqual(['/payload_retention_days']);
    const cut = await apiProblem(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { metadata_retention_days: 5 });
    expect(errorPaths(cut.body)).toEqual(['/metadata_retention_days']);
    const unchanged = await api<WebhookBody>(project.token, 'GET', `/v1/webhooks/${hook.id}`);
    expect([unchanged.body.payload_retention_days, unchanged.body.metadata_retention_days]).toEqual([7, 14]);
  });

  it('applies a change to events recorded from then on; events already recorded keep their expiry', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'ret', sample_payload: CHART_SAMPLE, payload_retention_days: 1, metadata_retention_days: 2 });
    const before = await sendToWebhook(hook, hook.secret ?? '', CHART_SAMPLE);
    const first = await dispatchedEvent(project.token, before);
    await api(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { payload_retention_days: 10, metadata_retention_days: 20 });
    const after = await sendToWebhook(hook, hook.secret ?? '', CHART_SAMPLE);
    const second = await dispatchedEvent(project.token, after);

    const old = await expiriesOf(project, before);
    const fresh = await expiriesOf(project, after);
    const days = (at: number, event: EventView) => Math.round((at - Date.parse(event.received_at)) / DAY_MS);
    expect([days(old.payload, first), days(old.metadata, first)]).toEqual([1, 2]);
    expect([days(fresh.payload, second), days(fresh.metadata, second)]).toEqual([10, 20]);
  });
});

describe('DELETE /v1/webhooks/{id}', () => {
  it('answers 409 with dependents, then 204 once detached, and the URL is 404 at the edge', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'doomed', schema: CHART_SCHEMA });
    const workflow = await createWorkflowViaApi(project.token, { name: 'Holder', triggers: [{ webhook_id: hook.id }] });
    const blocked = await apiProblem(project.token, 'DELETE', `/v1/webhooks/${hook.id}`);
    expect(blocked.status).toBe(409);
    expect(blocked.body.dependents).toEqual([{ id: workflow.id, name: 'Holder', enabled: true, class: 'A' }]);
    expect((await postSigned(hook.url, hook.secret ?? '', CHART_SAMPLE)).status).toBe(202);

    expect((await api(project.token, 'DELETE', `/v1/workflows/${workflow.id}/triggers/${hook.id}`)).status).toBe(204);
    const deleted = await api(project.token, 'DELETE', `/v1/webhooks/${hook.id}`);
    expect(deleted.status).toBe(204);
    expect((await postSigned(hook.url, hook.secret ?? '', CHART_SAMPLE)).status).toBe(404);
    expect((await apiProblem(project.token, 'GET', `/v1/webhooks/${hook.id}`)).status).toBe(404);
    expect((await apiProblem(project.token, 'DELETE', `/v1/webhooks/${hook.id}`)).status).toBe(404);
  });

  it('frees the slug for a new webhook', async () => {
    const project = await createProject();
    const slug = uniqueSlug('reuse');
    const hook = await createWebhookViaApi(project.token, { name: 'x', slug });
    await api(project.token, 'DELETE', `/v1/webhooks/${hook.id}`);
    const again = await createWebhookViaApi(project.token, { name: 'y', slug });
    expect(again.slug).toBe(slug);
  });
});

describe('secrets at rest', () => {
  it('stores no plaintext secret in D1', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'at rest' });
    const row = await env.DB.prepare('SELECT secrets FROM webhooks WHERE id = ?').bind(hook.id).first<{ secrets: string }>();
    const secret = hook.secret ?? '';
    expect(secret).not.toBe('');
    expect(row?.secrets).not.toContain(secret);
    expect(row?.secrets).not.toContain(secret.slice('whsec_'.length));
  });
});
