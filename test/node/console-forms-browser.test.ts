/**
 * The console's forms as a browser meets them, in Debian's Chromium under `npm run dev`: every form
 * that changes something answers with a redirect, so a reload or the back button repeats nothing.
 * Create a webhook and see its secret once; reload: no second webhook, no "slug is taken", and the
 * secret is not shown again. Rotate the secret and reload: one rotation, and the secret shown still
 * verifies. Go back: nothing is posted. A refused form reloads to the same refusal without posting.
 * Every page is checked with axe-core (no serious or critical violations) under the real CSP.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookView } from '../../shared/control/responses';
import { CHROMIUM, collectCspViolations, DESKTOP, expectAccessible as expectAccessibleOn, HAVE_CHROMIUM, launchChromium, SEEDED, SKIP_WITHOUT_CHROMIUM } from './helpers/chromium';
import { http, signedHeaders, startDevServer, type DevServer } from './helpers/dev-server';

const PORT = 8811;
const DESCRIPTION = 'Create a webhook so our lab system can tell us when a test result is ready, with the patient id and the result code.';

let server: DevServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let consoleOrigin: string;
let token: string;
/** Every form the browser posted, as `METHOD path`: a reload or a step back must add none. */
const posted: string[] = [];
const cspViolations: string[] = [];

/** What the test learns along the way and later steps use. */
const created = { id: '', slug: '', url: '', secret: '', secretPage: '', review: '' };

const expectAccessible = () => expectAccessibleOn(page);

async function apiGet<T>(path: string): Promise<T> {
  const res = await http(PORT, 'api.localhost', 'GET', path, { authorization: `Bearer ${token}` });
  expect(res.status, res.text).toBe(200);
  return JSON.parse(res.text) as T;
}

async function webhooksWithSlugLike(prefix: string): Promise<WebhookView[]> {
  const list = await apiGet<{ data: WebhookView[] }>('/v1/webhooks?limit=100');
  return list.data.filter((w) => w.slug.startsWith(prefix));
}

/** Posts `body` to the webhook's URL signed with `secret`; the ingress's status. */
async function sendSigned(secret: string, body = '{"patient_id":"p1","result_code":"A1"}'): Promise<number> {
  const target = new URL(created.url);
  const id = `msg_${Date.now()}_${Math.random().toString(36).slice(2)}`;
  const res = await http(PORT, target.host, 'POST', target.pathname, signedHeaders(secret, id, body), body);
  return res.status;
}

/** Runs `step` and says how many forms the browser posted meanwhile. */
async function postsDuring(step: () => Promise<unknown>): Promise<string[]> {
  const before = posted.length;
  await step();
  await page.waitForLoadState('load');
  return posted.slice(before);
}

const title = HAVE_CHROMIUM ? 'console forms in Chromium' : `console forms in Chromium: SKIPPED, ${CHROMIUM} is not installed (apt-get install chromium)`;

describe.skipIf(SKIP_WITHOUT_CHROMIUM)(title, () => {
  beforeAll(async () => {
    server = await startDevServer({ port: PORT, token: '', secret: SEEDED.secret, args: ['--inspector-port', '9251'] });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: DESKTOP });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    consoleOrigin = /console:\s+(http:\/\/console\.localhost:\d+)/.exec(server.output())?.[1] ?? `http://console.localhost:${PORT}`;
    token = /API token[^:]*:\s+(hasp_\S+)/.exec(server.output())?.[1] ?? '';
    page.on('request', (request) => {
      if (request.method() === 'POST') posted.push(`POST ${new URL(request.url()).pathname}`);
    });
    collectCspViolations(page, cspViolations);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('signs in with the printed token', async () => {
    expect(token).toMatch(/^hasp_/);
    await page.goto(consoleOrigin);
    await page.getByLabel('Project API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
  });

  it('creates a webhook and shows its secret once: a reload shows it was shown, and creates nothing', async () => {
    await page.goto(`${consoleOrigin}/webhooks/new`);
    await page.getByLabel('What should this webhook receive?').fill(DESCRIPTION);
    await page.getByRole('button', { name: 'Draft the webhook' }).click();
    await page.getByRole('heading', { level: 1, name: 'Review the draft' }).waitFor();
    created.review = page.url();
    expect(new URL(created.review).pathname).toMatch(/^\/webhooks\/new\/review\/[A-Za-z0-9_-]{43}$/);
    created.slug = await page.getByLabel('Slug').inputValue();
    await expectAccessible();
    // The review page is a GET: a reload drafts nothing and keeps the draft.
    expect(await postsDuring(() => page.reload())).toEqual([]);
    expect(await page.getByLabel('Slug').inputValue()).toBe(created.slug);

    const creating = await postsDuring(() => page.getByRole('button', { name: 'Create webhook' }).click());
    expect(creating).toEqual(['POST /webhooks']);
    await page.getByText('This is the only time the secret is shown').waitFor();
    created.secretPage = page.url();
    created.id = new URL(page.url()).pathname.split('/')[2] ?? '';
    expect(created.id).toMatch(/^wh_/);
    created.url = (await page.locator('#created-url-0').textContent()) ?? '';
    created.secret = (await page.locator('#created-secret').textContent()) ?? '';
    expect(created.url).toMatch(new RegExp(`/webhooks/${created.slug}$`));
    expect(created.secret).toMatch(/^whsec_/);
    await expectAccessible();

    expect(await postsDuring(() => page.reload())).toEqual([]);
    await page.getByRole('heading', { level: 1, name: 'This secret was already shown' }).waitFor();
    const reloaded = await page.content();
    expect(reloaded).not.toContain(created.secret);
    expect(reloaded).not.toContain('was not created');
    expect(reloaded).not.toMatch(/slug[^<]*taken/i);
    await expectAccessible();
    expect((await webhooksWithSlugLike(created.slug)).map((w) => w.id)).toEqual([created.id]);
    // The secret shown is the webhook's: a signed event is accepted.
    expect(await sendSigned(created.secret)).toBe(202);
  });

  it('goes back to the review page without posting: the draft says it was used', async () => {
    expect(await postsDuring(() => page.goBack())).toEqual([]);
    expect(page.url()).toBe(created.review);
    await page.getByRole('heading', { level: 1, name: 'This draft is no longer here' }).waitFor();
    expect(await page.locator('form[action="/webhooks"]').count()).toBe(0);
    await expectAccessible();
    expect(await webhooksWithSlugLike(created.slug)).toHaveLength(1);
  });

  it('rotates the secret once: a reload shows no secret and rotates nothing, and the secret shown verifies', async () => {
    await page.goto(`${consoleOrigin}/webhooks/${created.id}`);
    const before = await apiGet<WebhookView>(`/v1/webhooks/${created.id}`);
    expect(before.secrets).toHaveLength(1);
    await page.locator('summary', { hasText: 'Rotate the secret' }).click();
    const rotating = await postsDuring(() => page.locator('form[action$="/rotate-secret"] button[type="submit"]').click());
    expect(rotating).toEqual([`POST /webhooks/${created.id}/rotate-secret`]);
    await page.getByRole('heading', { name: 'Your new secret' }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(new RegExp(`^/webhooks/${created.id}/secret/[A-Za-z0-9_-]{43}$`));
    const rotated = (await page.locator('#new-secret').textContent()) ?? '';
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(created.secret);
    await expectAccessible();
    const afterRotation = await apiGet<WebhookView>(`/v1/webhooks/${created.id}`);
    expect(afterRotation.secrets).toHaveLength(2);

    expect(await postsDuring(() => page.reload())).toEqual([]);
    await page.getByRole('heading', { level: 1, name: 'This secret was already shown' }).waitFor();
    expect(await page.content()).not.toContain(rotated);
    await expectAccessible();
    // One rotation: the same two secrets, the one shown is current, and the previous one still verifies.
    const afterReload = await apiGet<WebhookView>(`/v1/webhooks/${created.id}`);
    expect(afterReload.secrets).toEqual(afterRotation.secrets);
    expect(await sendSigned(rotated)).toBe(202);
    expect(await sendSigned(created.secret)).toBe(202);

    // Back to the webhook's page: a GET, nothing posted, nothing rotated.
    expect(await postsDuring(() => page.goBack())).toEqual([]);
    expect(new URL(page.url()).pathname).toBe(`/webhooks/${created.id}`);
    await expectAccessible();
    expect((await apiGet<WebhookView>(`/v1/webhooks/${created.id}`)).secrets).toEqual(afterRotation.secrets);
  });

  it('asks for the sender’s secret on the review page, and a refused create reloads without posting', async () => {
    await page.goto(`${consoleOrigin}/webhooks/new`);
    await page.getByLabel('What should this webhook receive?').fill('Add a webhook endpoint for Stripe payment events.');
    await page.getByRole('button', { name: 'Draft the webhook' }).click();
    await page.getByRole('heading', { level: 1, name: 'Review the draft' }).waitFor();
    const slug = await page.getByLabel('Slug').inputValue();
    const secretField = page.getByLabel('Signing secret from Stripe');
    await secretField.waitFor();
    await expectAccessible();
    await secretField.fill('short');
    expect(await postsDuring(() => page.getByRole('button', { name: 'Create webhook' }).click())).toEqual(['POST /webhooks']);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('The webhook was not created');
    expect(await alert.textContent()).toContain('/secret');
    await expectAccessible();

    expect(await postsDuring(() => page.reload())).toEqual([]);
    expect(await page.getByRole('alert').textContent()).toContain('The webhook was not created');
    // The secret typed is not kept for the page: it is asked for again.
    expect(await page.getByLabel('Signing secret from Stripe').inputValue()).toBe('');
    expect(await page.content()).not.toContain('value="short"');
    expect(await webhooksWithSlugLike(slug)).toEqual([]);
  });

  it('shows a refused form again on reload without posting it again', async () => {
    await page.goto(`${consoleOrigin}/webhooks/${created.id}`);
    await page.getByLabel(`Type the slug ${created.slug} to confirm`).fill('not-the-slug');
    const deleting = await postsDuring(() => page.getByRole('button', { name: 'Delete this webhook' }).click());
    expect(deleting).toEqual([`POST /webhooks/${created.id}/delete`]);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Delete the webhook: refused');
    expect(new URL(page.url()).search).toMatch(/^\?refused=/);
    await expectAccessible();

    expect(await postsDuring(() => page.reload())).toEqual([]);
    expect(await page.getByRole('alert').textContent()).toContain('Delete the webhook: refused');
    expect(await webhooksWithSlugLike(created.slug)).toHaveLength(1);
    expect(cspViolations).toEqual([]);
  });
});
