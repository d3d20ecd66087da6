import { describe, expect, it } from 'vitest';
import { allPages, auditLog, createWebhookViaApi, sendToWebhook, tokenIdOf, type WebhookBody } from '../helpers/control-api';
import { formFields, signedIn, visibleText } from '../helpers/console';
import { CHART_SAMPLE, createProject, type TestProject } from '../helpers/fixtures';

const EHR = 'Create a webhook so our EHR system can notify us when a patient’s chart is updated.';

async function webhooksOf(project: TestProject): Promise<WebhookBody[]> {
  return (await allPages<WebhookBody>(project.token, '/v1/webhooks', 100)).flatMap((p) => p.data);
}

describe('console: create a webhook by describing it', () => {
  it('Should draft, show the draft for review, create it and show the secret once', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    const described = await browser.get('/webhooks/new');
    expect(described.status).toBe(200);

    const review = await browser.post('/webhooks/new', { description: EHR, sample_payload: JSON.stringify(CHART_SAMPLE) });
    expect(review.status).toBe(200);
    expect(review.html).toContain('Review the draft');
    expect(await webhooksOf(project)).toEqual([]);
    const fields = formFields(review.html, '/webhooks');
    expect(fields.slug).toBe('ehr-chart-updated');
    expect(JSON.parse(fields.draft_auth ?? '')).toMatchObject({ method: 'hmac' });
    expect(JSON.parse(fields.schema ?? '')).toMatchObject({ required: ['patient_id', 'event', 'updated_fields'] });

    const created = await browser.post('/webhooks', { ...fields, name: 'EHR chart updated (reviewed)' });
    expect(created.status).toBe(200);
    const hooks = await webhooksOf(project);
    expect(hooks.map((h) => [h.slug, h.name])).toEqual([['ehr-chart-updated', 'EHR chart updated (reviewed)']]);
    const hook = hooks[0];
    if (hook === undefined) throw new Error('no webhook');
    const secret = /<code id="created-secret">([^<]+)<\/code>/.exec(created.html)?.[1];
    expect(secret).toMatch(/^whsec_/);
    expect(created.html).toContain(hook.url);
    expect(created.html).toContain('only time the secret is shown');
    expect(created.html).toContain(`href="/webhooks/${hook.id}"`);
    expect(created.headers.get('cache-control')).toBe('no-store');
    // The secret shown is the webhook's real secret: a signed event is accepted with it.
    await sendToWebhook(hook, secret ?? '', CHART_SAMPLE);

    // Never again: not on any later page, not in a cookie.
    for (const path of ['/', `/webhooks/${hook.id}`, '/workflows', '/webhooks/new']) {
      const page = await browser.get(path);
      expect(page.html, path).not.toContain(secret);
    }
    for (const value of browser.cookies.values()) expect(decodeURIComponent(value)).not.toContain(secret);
    // The console acts as the session's API token, and the API's audit log says so.
    const created_entry = (await auditLog(project.token)).find((e) => e.action === 'webhook.create');
    expect(created_entry).toMatchObject({ token_id: await tokenIdOf(project), resource_id: hook.id });
  });

  it('Should say what to add when the description is too thin, without raw JSON', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    const page = await browser.post('/webhooks/new', { description: 'Create a webhook.' });
    expect(page.status).toBe(400);
    expect(page.html).toContain('The draft could not be made');
    expect(page.html).toContain('<code>/description</code>');
    expect(page.html).not.toContain('"type":');
    expect(visibleText(page.html)).toContain('Next step:');
    expect(formFields(page.html, '/webhooks/new').description).toBe('Create a webhook.');
  });

  it('Should point at a sample that is not JSON and send nothing', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    const page = await browser.post('/webhooks/new', { description: EHR, sample_payload: '{"patient_id": p1}' });
    expect(page.status).toBe(400);
    expect(page.html).toContain('<code>/sample_payload</code>');
    expect(visibleText(page.html)).toContain('This is not valid JSON');
  });

  it('Should show a taken slug as a field to change, keeping what was typed', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    const review = await browser.post('/webhooks/new', { description: EHR });
    const fields = formFields(review.html, '/webhooks');
    expect((await browser.post('/webhooks', fields)).status).toBe(200);
    const again = await browser.post('/webhooks', { ...fields, name: 'Second try' });
    expect(again.status).toBe(409);
    expect(again.html).toContain('The webhook was not created');
    expect(again.html).toContain('<code>/slug</code>');
    expect(formFields(again.html, '/webhooks').name).toBe('Second try');
    expect(await webhooksOf(project)).toHaveLength(1);
  });

  it('Should propose the first free slug when the seeded ehr-chart-updated is taken, and create it', async () => {
    const project = await createProject();
    // As under `npm run dev`: the org already has the seeded webhook.
    const seeded = await createWebhookViaApi(project.token, { name: 'EHR chart updated', slug: 'ehr-chart-updated', sample_payload: CHART_SAMPLE });
    const browser = await signedIn(project.token);
    const review = await browser.post('/webhooks/new', { description: EHR });
    expect(review.status).toBe(200);
    const fields = formFields(review.html, '/webhooks');
    expect(fields.slug).toBe('ehr-chart-updated-2');
    // The draft says why the slug is not the obvious one.
    expect(visibleText(review.html)).toContain('"ehr-chart-updated" is taken in this org: "ehr-chart-updated-2" is the first free slug.');
    const created = await browser.post('/webhooks', fields);
    expect(created.status).toBe(200);
    const slugs = (await webhooksOf(project)).map((h) => h.slug).sort();
    expect(slugs).toEqual(['ehr-chart-updated', 'ehr-chart-updated-2']);
    expect(created.html).toContain('/webhooks/ehr-chart-updated-2');
    expect((await webhooksOf(project)).find((h) => h.id === seeded.id)?.name).toBe('EHR chart updated');
  });

  it('Should list webhooks with their URL, auth (none flagged) and status', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    const review = await browser.post('/webhooks/new', { description: 'An internal webhook with no auth for our build bot to post deploy events.' });
    const fields = formFields(review.html, '/webhooks');
    const created = await browser.post('/webhooks', { ...fields, auth_choice: 'none' });
    expect(created.status).toBe(200);
    expect(created.html).not.toContain('created-secret');
    const list = await browser.get('/');
    const hook = (await webhooksOf(project))[0];
    if (hook === undefined) throw new Error('no webhook');
    expect(hook.auth.method).toBe('none');
    expect(list.html).toContain(hook.url);
    expect(list.html).toContain('Open: not recommended');
    expect(list.html).toContain('Enabled');
  });
});
