import { describe, expect, it } from 'vitest';
import { api, apiProblem, createWebhookViaApi, errorPaths, type WebhookBody } from '../helpers/control-api';
import { CHART_SAMPLE, createProject } from '../helpers/fixtures';
import { postSigned } from '../helpers/send';

const EHR = "Create a webhook so our EHR system can notify us when a patient's chart is updated.";

interface DraftBody {
  name: string;
  slug: string;
  alternatives: string[];
  description: string;
  auth: Record<string, unknown>;
  sample_payload: unknown;
  schema: Record<string, unknown> | null;
  notes: string[];
  warnings: string[];
}

async function webhookCount(token: string): Promise<number> {
  return (await api<{ data: unknown[] }>(token, 'GET', '/v1/webhooks?limit=100')).body.data.length;
}

describe('POST /v1/webhooks/draft', () => {
  it('proposes the EHR webhook and creates nothing', async () => {
    const project = await createProject();
    const res = await api<DraftBody>(project.token, 'POST', '/v1/webhooks/draft', { description: EHR });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'EHR chart updated', slug: 'ehr-chart-updated', auth: { method: 'hmac' }, sample_payload: null, schema: null });
    expect(res.body.alternatives).toEqual(['ehr-patient-chart-updated', 'chart-updated', 'ehr-chart-events']);
    expect(res.body.notes.length).toBeGreaterThan(1);
    expect(await webhookCount(project.token)).toBe(0);
  });

  it('proposes the first free alternative when the org already has the slug, before a numeric suffix', async () => {
    const project = await createProject();
    await createWebhookViaApi(project.token, { name: 'EHR chart updated' });
    const res = await api<DraftBody>(project.token, 'POST', '/v1/webhooks/draft', { description: EHR });
    expect(res.body.slug).toBe('ehr-patient-chart-updated');
    expect(res.body.alternatives).toEqual(['chart-updated', 'ehr-chart-events']);
    expect(res.body.notes.join(' ')).toContain('"ehr-chart-updated" is taken in this org: "ehr-patient-chart-updated", the first free alternative');
  });

  it('skips taken alternatives, and takes a numeric suffix only when every alternative is taken', async () => {
    const project = await createProject();
    for (const slug of ['ehr-chart-updated', 'ehr-patient-chart-updated']) await createWebhookViaApi(project.token, { name: slug, slug });
    const second = await api<DraftBody>(project.token, 'POST', '/v1/webhooks/draft', { description: EHR });
    expect(second.body).toMatchObject({ slug: 'chart-updated', alternatives: ['ehr-chart-events'] });
    for (const slug of ['chart-updated', 'ehr-chart-events']) await createWebhookViaApi(project.token, { name: slug, slug });
    const last = await api<DraftBody>(project.token, 'POST', '/v1/webhooks/draft', { description: EHR });
    expect(last.body).toMatchObject({ slug: 'ehr-chart-updated-2', alternatives: [] });
    expect(last.body.notes.join(' ')).toContain('and so are its alternatives: "ehr-chart-updated-2" is the first free slug');
  });

  it('picks the Stripe preset and takes a sample given beside the text', async () => {
    const project = await createProject();
    const res = await api<DraftBody>(project.token, 'POST', '/v1/webhooks/draft', { description: 'Add a webhook endpoint for Stripe payment events.', sample_payload: { id: 'evt_1', type: 'payment_intent.succeeded' } });
    expect(res.body).toMatchObject({ slug: 'stripe-payment-events', auth: { method: 'hmac', preset: 'stripe' }, sample_payload: { id: 'evt_1' } });
    expect(res.body.schema).toMatchObject({ type: 'object', properties: { type: { type: 'string' } } });
  });

  it('answers empty or useless text with a 400 that says what to add', async () => {
    const project = await createProject();
    for (const description of ['', 'Create a webhook.']) {
      const res = await apiProblem(project.token, 'POST', '/v1/webhooks/draft', { description });
      expect(res.status).toBe(400);
      expect(errorPaths(res.body)).toEqual(['/description']);
      expect(res.body.detail).toMatch(/e\.g\. "Create a webhook so our EHR/);
    }
    const missing = await apiProblem(project.token, 'POST', '/v1/webhooks/draft', {});
    expect(missing.status).toBe(400);
    expect(errorPaths(missing.body)).toEqual(['/description']);
  });

  it('needs a project token', async () => {
    const res = await apiProblem(null, 'POST', '/v1/webhooks/draft', { description: EHR });
    expect(res.status).toBe(401);
  });
});

describe('POST /v1/webhooks with only a description', () => {
  it('creates what the draft proposes, and the webhook takes signed events', async () => {
    const project = await createProject();
    const created = await createWebhookViaApi(project.token, { description: `${EHR} The EHR sends JSON like this: ${JSON.stringify(CHART_SAMPLE)}` });
    expect(created).toMatchObject({ name: 'EHR chart updated', slug: 'ehr-chart-updated', auth: { method: 'hmac', scheme: 'standard-webhooks' } });
    expect(created.schema).toMatchObject({ properties: { patient_id: { type: 'string' } } });
    expect((created as WebhookBody & { notes?: string[] }).notes?.join(' ')).toMatch(/Sample payload taken from the JSON/);
    expect((await postSigned(created.url, created.secret ?? '', CHART_SAMPLE)).status).toBe(202);
    expect((await postSigned(created.url, created.secret ?? '', { patient_id: 1 })).status).toBe(400);
  });

  it('takes the first free alternative when the drafted slug is taken, and says so', async () => {
    const project = await createProject();
    await createWebhookViaApi(project.token, { description: EHR });
    const created = await createWebhookViaApi(project.token, { description: EHR });
    expect(created.slug).toBe('ehr-patient-chart-updated');
    expect(created.notes?.join(' ')).toContain('the first free alternative');
  });

  it('lets given fields win over the draft', async () => {
    const project = await createProject();
    const created = await createWebhookViaApi(project.token, { description: 'Add a webhook endpoint for Stripe payment events.', slug: 'payments', auth: { method: 'bearer' } });
    expect(created).toMatchObject({ slug: 'payments', auth: { method: 'bearer' } });
  });

  it('creates auth none from "internal", flagged', async () => {
    const project = await createProject();
    const created = await createWebhookViaApi(project.token, { description: 'Internal job runner tells us when a nightly export is completed' });
    expect(created.auth).toMatchObject({ method: 'none', recommended: false });
    expect(created.auth.warning).toMatch(/Not recommended/);
  });

  it('refuses useless text and creates nothing', async () => {
    const project = await createProject();
    const res = await apiProblem(project.token, 'POST', '/v1/webhooks', { description: 'please add an endpoint' });
    expect(res.status).toBe(400);
    expect(errorPaths(res.body)).toEqual(['/description']);
    expect(await webhookCount(project.token)).toBe(0);
  });
});
