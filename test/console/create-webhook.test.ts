import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { allPages, api, auditLog, createWebhookViaApi, sendToWebhook, tokenIdOf, type WebhookBody } from '../helpers/control-api';
import { formFields, signedIn, visibleText } from '../helpers/console';
import { follow, redirectTarget, submit } from '../helpers/console-prg';
import { CHART_SAMPLE, createProject, type TestProject } from '../helpers/fixtures';
import { hex, hmac } from '../helpers/hmac';
import { post } from '../helpers/send';

const EHR = 'Create a webhook so our EHR system can notify us when a patient’s chart is updated.';
const STRIPE = 'Add a webhook endpoint for Stripe payment events.';

async function webhooksOf(project: TestProject): Promise<WebhookBody[]> {
  return (await allPages<WebhookBody>(project.token, '/v1/webhooks', 100)).flatMap((p) => p.data);
}

/** The secret a secret page shows, or undefined. */
function shownSecret(html: string): string | undefined {
  return /<code id="created-secret">([^<]+)<\/code>/.exec(html)?.[1];
}

describe('console: create a webhook by describing it', () => {
  it('Should draft, show the draft for review, create it and show the secret once', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    const described = await browser.get('/webhooks/new');
    expect(described.status).toBe(200);

    const drafted = await browser.post('/webhooks/new', { description: EHR, sample_payload: JSON.stringify(CHART_SAMPLE) });
    expect(redirectTarget(drafted)).toMatch(/^\/webhooks\/new\/review\/[A-Za-z0-9_-]{43}$/);
    const review = await follow(browser, drafted);
    expect(review.status).toBe(200);
    expect(review.html).toContain('Review the draft');
    expect(await webhooksOf(project)).toEqual([]);
    const fields = formFields(review.html, '/webhooks');
    expect(fields.slug).toBe('ehr-chart-updated');
    expect(JSON.parse(fields.draft_auth ?? '')).toMatchObject({ method: 'hmac' });
    expect(JSON.parse(fields.schema ?? '')).toMatchObject({ required: ['patient_id', 'event', 'updated_fields'] });
    // The review page is a GET: reloading it drafts nothing and shows the same draft.
    expect(formFields((await browser.get(review.path)).html, '/webhooks')).toEqual(fields);

    const posted = await browser.post('/webhooks', { ...fields, name: 'EHR chart updated (reviewed)' });
    const hooks = await webhooksOf(project);
    expect(hooks.map((h) => [h.slug, h.name])).toEqual([['ehr-chart-updated', 'EHR chart updated (reviewed)']]);
    const hook = hooks[0];
    if (hook === undefined) throw new Error('no webhook');
    expect(redirectTarget(posted)).toMatch(new RegExp(`^/webhooks/${hook.id}/secret/[A-Za-z0-9_-]{43}$`));
    // Neither the POST's answer nor its cookies hold the secret: only the page it redirects to.
    expect(posted.html).not.toContain('whsec_');
    const created = await follow(browser, posted);
    expect(created.status).toBe(200);
    const secret = shownSecret(created.html);
    expect(secret).toMatch(/^whsec_/);
    expect(created.html).toContain(hook.url);
    expect(created.html).toContain('only time the secret is shown');
    expect(created.html).toContain(`href="/webhooks/${hook.id}"`);
    expect(created.headers.get('cache-control')).toBe('no-store');
    // The secret shown is the webhook's real secret: a signed event is accepted with it.
    await sendToWebhook(hook, secret ?? '', CHART_SAMPLE);

    // A reload shows that it was shown, never the secret again, and creates nothing.
    const reloaded = await browser.get(created.path);
    expect(reloaded.html).not.toContain(secret);
    expect(visibleText(reloaded.html)).toContain('This secret was already shown');
    expect(visibleText(reloaded.html)).toContain('rotate it');
    expect(await webhooksOf(project)).toHaveLength(1);
    // Back to the review page: the draft was used, and the page says so instead of offering it again.
    const back = await browser.get(review.path);
    expect(back.status).toBe(404);
    expect(visibleText(back.html)).toContain('already used to create a webhook');
    expect(back.html).not.toContain('action="/webhooks"');

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

  it('Should say what to add when the description is too thin, without raw JSON, on a page a reload keeps', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    const page = await submit(browser, '/webhooks/new', { description: 'Create a webhook.' });
    expect(page.path).toMatch(/^\/webhooks\/new\?refused=/);
    expect(page.status).toBe(400);
    expect(page.html).toContain('The draft could not be made');
    expect(page.html).toContain('<code>/description</code>');
    expect(page.html).not.toContain('"type":');
    expect(visibleText(page.html)).toContain('Next step:');
    expect(formFields(page.html, '/webhooks/new').description).toBe('Create a webhook.');
    const reloaded = await browser.get(page.path);
    expect(reloaded.status).toBe(400);
    expect(formFields(reloaded.html, '/webhooks/new').description).toBe('Create a webhook.');
  });

  it('Should point at a sample that is not JSON and send nothing', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    const page = await submit(browser, '/webhooks/new', { description: EHR, sample_payload: '{"patient_id": p1}' });
    expect(page.status).toBe(400);
    expect(page.html).toContain('<code>/sample_payload</code>');
    expect(visibleText(page.html)).toContain('This is not valid JSON');
    // What was typed comes back to fix, though the cookie holds none of it.
    expect(formFields(page.html, '/webhooks/new').sample_payload).toBe('{"patient_id": p1}');
    for (const value of browser.cookies.values()) expect(decodeURIComponent(value)).not.toContain('patient_id');
  });

  it('Should show a taken slug as a field to change, keeping what was typed, and a reload creates nothing', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    const review = await submit(browser, '/webhooks/new', { description: EHR });
    const fields = formFields(review.html, '/webhooks');
    expect(redirectTarget(await browser.post('/webhooks', fields))).toMatch(/\/secret\//);
    const again = await submit(browser, '/webhooks', { ...fields, name: 'Second try' });
    expect(again.path).toMatch(/^\/webhooks\/new\/review\//);
    expect(again.path).not.toBe(review.path);
    expect(again.status).toBe(409);
    expect(again.html).toContain('The webhook was not created');
    expect(again.html).toContain('<code>/slug</code>');
    expect(formFields(again.html, '/webhooks').name).toBe('Second try');
    // A reload shows the same refusal from a GET: nothing is posted again.
    const reloaded = await browser.get(again.path);
    expect(reloaded.status).toBe(409);
    expect(formFields(reloaded.html, '/webhooks').name).toBe('Second try');
    expect(await webhooksOf(project)).toHaveLength(1);
  });

  it('Should propose the draft’s first free alternative when the seeded ehr-chart-updated is taken, and create it', async () => {
    const project = await createProject();
    // As under `npm run dev`: the org already has the seeded webhook.
    const seeded = await createWebhookViaApi(project.token, { name: 'EHR chart updated', slug: 'ehr-chart-updated', sample_payload: CHART_SAMPLE });
    const browser = await signedIn(project.token);
    const review = await submit(browser, '/webhooks/new', { description: EHR });
    expect(review.status).toBe(200);
    const fields = formFields(review.html, '/webhooks');
    // A name a person would pick wins over a numeric suffix.
    expect(fields.slug).toBe('ehr-patient-chart-updated');
    // The draft says why the slug is not the obvious one.
    expect(visibleText(review.html)).toContain('"ehr-chart-updated" is taken in this org: "ehr-patient-chart-updated", the first free alternative, is proposed instead.');
    const created = await submit(browser, '/webhooks', fields);
    expect(created.status).toBe(200);
    const slugs = (await webhooksOf(project)).map((h) => h.slug).sort();
    expect(slugs).toEqual(['ehr-chart-updated', 'ehr-patient-chart-updated']);
    expect(created.html).toContain('/webhooks/ehr-patient-chart-updated');
    expect((await webhooksOf(project)).find((h) => h.id === seeded.id)?.name).toBe('EHR chart updated');
  });

  it('Should offer the draft’s other free slugs as choices, and create with the one picked', async () => {
    const project = await createProject();
    await createWebhookViaApi(project.token, { name: 'EHR chart updated', slug: 'ehr-chart-updated', sample_payload: CHART_SAMPLE });
    const draft = await api<{ slug: string; alternatives?: string[] }>(project.token, 'POST', '/v1/webhooks/draft', { description: EHR });
    const offered = draft.body.alternatives ?? [];
    const browser = await signedIn(project.token);
    const review = await submit(browser, '/webhooks/new', { description: EHR });
    const radios = [...review.html.matchAll(/<input type="radio" name="slug_choice" value="([^"]*)"/g)].map((m) => m[1]);
    if (offered.length === 0) {
      // A draft without alternatives (before the API offers them): no choices, just the field.
      expect(radios).toEqual([]);
    } else {
      expect(radios).toEqual([...offered.filter((s) => s !== draft.body.slug), '']);
    }
    // A picked slug wins over the field: the first one offered, or any the form sends.
    const picked = radios[0] || 'ehr-chart-picked';
    const created = await submit(browser, '/webhooks', { ...formFields(review.html, '/webhooks'), slug_choice: picked });
    expect(created.status).toBe(200);
    expect((await webhooksOf(project)).map((h) => h.slug).sort()).toEqual([picked, 'ehr-chart-updated'].sort());
  });

  it('Should list webhooks with their URL, auth (none flagged) and status', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    const review = await submit(browser, '/webhooks/new', { description: 'An internal webhook with no auth for our build bot to post deploy events.' });
    const fields = formFields(review.html, '/webhooks');
    const created = await submit(browser, '/webhooks', { ...fields, auth_choice: 'none' });
    const hook = (await webhooksOf(project))[0];
    if (hook === undefined) throw new Error('no webhook');
    // No secret to show: straight to the webhook's page, which says what was done.
    expect(created.path).toBe(`/webhooks/${hook.id}`);
    expect(created.status).toBe(200);
    expect(created.html).not.toContain('created-secret');
    expect(visibleText(created.html)).toContain('Authentication is off');
    const list = await browser.get('/');
    expect(hook.auth.method).toBe('none');
    expect(list.html).toContain(hook.url);
    expect(list.html).toContain('Open: not recommended');
    expect(list.html).toContain('Enabled');
  });
});

describe('console: a secret the sender issues', () => {
  const stripeSecret = `whsec_${'s'.repeat(32)}`;
  const stripeHeader = async (body: string) => {
    const t = Math.floor(Date.now() / 1000);
    return `t=${t},v1=${hex(await hmac('SHA-256', stripeSecret, `${t}.${body}`))}`;
  };

  it('Should ask for Stripe’s signing secret on the review page and create the webhook with it', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    const review = await submit(browser, '/webhooks/new', { description: STRIPE });
    const text = visibleText(review.html);
    expect(text).toContain('Signing secret from Stripe');
    expect(text).toContain('Developers → Webhooks');
    const fields = formFields(review.html, '/webhooks');
    expect(JSON.parse(fields.draft_auth ?? '')).toMatchObject({ method: 'hmac', preset: 'stripe' });

    const created = await submit(browser, '/webhooks', { ...fields, secret: stripeSecret });
    const hook = (await webhooksOf(project))[0];
    if (hook === undefined) throw new Error('no webhook');
    expect(created.path).toBe(`/webhooks/${hook.id}`);
    expect(hook.awaiting_secret).toBe(false);
    expect(visibleText(created.html)).toContain('is created with the secret from Stripe');
    // The secret the person pasted is never shown back nor kept in a cookie.
    expect(created.html).not.toContain(stripeSecret);
    for (const value of browser.cookies.values()) expect(decodeURIComponent(value)).not.toContain(stripeSecret);
    const body = JSON.stringify({ id: 'evt_1', type: 'invoice.paid' });
    const answer = await post(hook.url, body, { headers: { 'stripe-signature': await stripeHeader(body) } });
    expect(answer.status).toBe(202);
  });

  it('Should create it awaiting the secret when none is given, and add the first one without speaking of a previous secret', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    const review = await submit(browser, '/webhooks/new', { description: STRIPE });
    const created = await submit(browser, '/webhooks', formFields(review.html, '/webhooks'));
    const hook = (await webhooksOf(project))[0];
    if (hook === undefined) throw new Error('no webhook');
    expect(hook.awaiting_secret).toBe(true);
    const text = visibleText(created.html);
    expect(text).toContain('Stripe issues its signing secret');
    expect(text).toContain('Awaiting the sender’s secret');
    // The console names its own form, not an API call.
    expect(text).not.toContain('POST /v1/');

    const added = await submit(browser, `/webhooks/${hook.id}/rotate-secret`, { secret: stripeSecret, overlap_seconds: '86400' });
    expect(added.path).toBe(`/webhooks/${hook.id}`);
    const flash = visibleText(added.html);
    expect(flash).toContain('Secret added');
    expect(flash).not.toMatch(/previous secret/i);
    const after = await api<WebhookBody>(project.token, 'GET', `/v1/webhooks/${hook.id}`);
    expect(after.body.awaiting_secret).toBe(false);
    expect(after.body.secrets).toHaveLength(1);
  });

  it('Should not keep a typed secret when the create is refused, and ask for it again', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    const review = await submit(browser, '/webhooks/new', { description: STRIPE });
    const typed = 'too-short';
    const refused = await submit(browser, '/webhooks', { ...formFields(review.html, '/webhooks'), secret: typed, name: '' });
    expect(refused.status).toBe(400);
    expect(visibleText(refused.html)).toContain('The secret you typed was not kept: type it again.');
    expect(refused.html).not.toContain(typed);
    const rows = await env.DB.prepare('SELECT sealed FROM console_handoffs').all<{ sealed: string | null }>();
    for (const row of rows.results) expect(row.sealed ?? '').not.toContain(typed);
    expect(await webhooksOf(project)).toEqual([]);
  });
});
