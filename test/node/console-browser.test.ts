/**
 * The console as a newcomer meets it: `npm run dev`, the printed console address, the printed
 * token, then in Debian's Chromium (driven by playwright-core, no downloaded browser): describe a
 * webhook and review the draft, create it and copy its URL and secret, send it an event signed by
 * the standardwebhooks library and see it in the resource view, see the seeded webhook's event with
 * its run and its dependent workflow, be refused deleting it (and read why), rotate a secret (shown
 * once), and see a bad payload's refusal with its cause; then the pages at a phone's width, without
 * JavaScript, and after a sign-in that returns to the page asked for. Every page is checked with
 * axe-core (no serious or critical violations) under the console's real Content-Security-Policy.
 *
 * Each run writes the README's screenshots to docs/screenshots/ (1280x800, the viewport only), so
 * they show the console as it is.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM,
  collectCspViolations,
  DESKTOP,
  expectAccessible as expectAccessibleOn,
  HAVE_CHROMIUM,
  launchChromium,
  PHONE,
  reloadUntil as reloadPageUntil,
  SEEDED,
  SKIP_WITHOUT_CHROMIUM,
  visible,
  widerThanTheViewport,
} from './helpers/chromium';
import { http, signedHeaders, startDevServer, type DevServer } from './helpers/dev-server';

const PORT = 8806;
const SEEDED_SECRET = SEEDED.secret;
const SEEDED_SLUG = SEEDED.slug;
const SEEDED_WORKFLOW = SEEDED.workflow;
const SEEDED_BODY = JSON.stringify(SEEDED.sample);
const SEEDED_ID = SEEDED.id;
const DESCRIPTION = "Create a webhook so our EHR system can notify us when a patient's chart is updated.";
const SCREENSHOTS = join(process.cwd(), 'docs/screenshots');

let server: DevServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let consoleOrigin: string;
/** The API token `npm run dev` generated and printed, as a newcomer would copy it. */
let token: string;
/** Console errors the CSP raised: the console must need no exception to its own policy. */
const cspViolations: string[] = [];

/** What the test learns along the way and later steps use. */
const created = { id: '', slug: '', url: '', secret: '', sample: '' };

interface Ingress {
  status: number;
  retryAfter: string | undefined;
  body: { event_id?: string; code?: string; errors?: { path: string; message: string }[] };
}

/** Posts `body` to a webhook URL as copied from the console, signed as a Standard Webhooks sender. */
async function sendSigned(url: string, secret: string, body: string, id = `msg_${Date.now()}_${Math.random().toString(36).slice(2)}`): Promise<Ingress> {
  const target = new URL(url);
  const res = await http(PORT, target.host, 'POST', target.pathname, signedHeaders(secret, id, body), body);
  const retryAfter = res.headers['retry-after'];
  return { status: res.status, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, body: JSON.parse(res.text) as Ingress['body'] };
}

const expectAccessible = () => expectAccessibleOn(page);
const reloadUntil = (check: () => Promise<void>) => reloadPageUntil(page, check);

async function screenshot(name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** Clicks a copy button and reads what it put on the clipboard. */
async function copyWith(buttonName: string | RegExp): Promise<string> {
  await page.getByRole('button', { name: buttonName }).first().click();
  return page.evaluate(() => navigator.clipboard.readText());
}

function printedConsole(): string | undefined {
  return /console:\s+(http:\/\/console\.localhost:\d+)/.exec(server.output())?.[1];
}

/** Follows a link of the console's navigation, as a person would. */
async function nav(name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name, exact: true }).click();
}

async function openWebhook(id: string): Promise<void> {
  const response = await page.goto(`${consoleOrigin}/webhooks/${id}`);
  expect(response?.status()).toBe(200);
}

/** A body the new webhook's schema accepts: the draft's sample, or any object when it had none. */
function createdBody(): string {
  return created.sample.trim() === '' ? '{}' : JSON.stringify(JSON.parse(created.sample));
}

const title = HAVE_CHROMIUM ? 'the console in Chromium' : `the console in Chromium: SKIPPED, ${CHROMIUM} is not installed (apt-get install chromium)`;

describe.skipIf(SKIP_WITHOUT_CHROMIUM)(title, () => {
  beforeAll(async () => {
    // No token given: `npm run dev` generates one and prints it, and the test signs in with that.
    server = await startDevServer({ port: PORT, token: '', secret: SEEDED_SECRET, args: ['--inspector-port', '9246'] });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: DESKTOP });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    // Should the address not be printed, the first test fails and the rest still run against it.
    consoleOrigin = printedConsole() ?? `http://console.localhost:${PORT}`;
    token = /API token[^:]*:\s+(hasp_\S+)/.exec(server.output())?.[1] ?? '';
    collectCspViolations(page, cspViolations);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('npm run dev prints the console address and the token to sign in with', () => {
    expect(printedConsole(), `npm run dev printed no console address:\n${server.output()}`).toBe(`http://console.localhost:${PORT}`);
    expect(token, 'npm run dev printed the generated API token').toMatch(/^hasp_/);
  });

  it('signs in with the printed token, under a Content-Security-Policy without unsafe-inline', async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: consoleOrigin });
    const first = await page.goto(consoleOrigin);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    const policy = first?.headers()['content-security-policy'] ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
    await expectAccessible();
    await screenshot('sign-in');

    await page.getByLabel('Project API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Webhooks' }));
    await visible(page.getByRole('link', { name: 'EHR chart updated' }).first());
    const cookies = await context.cookies(consoleOrigin);
    const session = cookies.find((c) => c.httpOnly && c.sameSite === 'Strict' && c.value.length > 20);
    expect(session, 'an HttpOnly, SameSite=Strict session cookie').toBeDefined();
    await expectAccessible();
  });

  it('keeps its Content-Security-Policy: an injected inline script does not run', async () => {
    await page.addScriptTag({ content: 'window.__inlineRan = true;' }).catch(() => undefined);
    expect(await page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan ?? false)).toBe(false);
    // The violation just provoked is the test's own; none before it, and none after.
    expect(cspViolations.filter((v) => !/inline/i.test(v) || !/script/i.test(v))).toEqual([]);
    cspViolations.length = 0;
  });

  it('creates a webhook by describing it, after a review of the draft', async () => {
    await nav('New webhook');
    await expectAccessible();
    await page.getByLabel('What should this webhook receive?').fill(DESCRIPTION);
    await page.getByRole('button', { name: 'Draft the webhook' }).click();

    await visible(page.getByRole('heading', { level: 1, name: 'Review the draft' }));
    const slug = await page.getByLabel('Slug').inputValue();
    // The seeded webhook holds the EHR slug: the draft proposes a free one.
    expect(slug).not.toBe(SEEDED_SLUG);
    expect(slug).toMatch(/^[a-z0-9-]+$/);
    created.slug = slug;
    created.sample = await page.getByLabel('Sample payload (JSON)').inputValue();
    await expectAccessible();
    await screenshot('create-draft-review');

    await page.getByRole('button', { name: 'Create webhook' }).click();
    await visible(page.getByText('This is the only time the secret is shown'));
    created.url = await copyWith('Copy URL');
    expect(created.url).toMatch(new RegExp(`/webhooks/${slug}$`));
    created.secret = await copyWith('Copy secret');
    expect(created.secret).toMatch(/^whsec_/);
    await expectAccessible();

    await page.getByRole('link', { name: 'Go to the webhook’s page' }).click();
    created.id = new URL(page.url()).pathname.split('/')[2] ?? '';
    expect(created.id).toMatch(/^wh_/);
    // Shown once: the resource view's HTML holds no secret.
    expect(await page.content()).not.toContain(created.secret);
  });

  it('shows an event signed by the standardwebhooks library in the new webhook’s view', async () => {
    const answer = await sendSigned(created.url, created.secret, createdBody());
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    const eventId = answer.body.event_id ?? '';
    await openWebhook(created.id);
    await reloadUntil(async () => expect(await page.locator(`tr[id="${eventId}"]`).count()).toBe(1));
    await visible(page.getByText('No workflow handles this webhook’s requests yet'));
    await expectAccessible();
  });

  it('shows the seeded webhook’s event with its run, and the workflow that handles it', async () => {
    const answer = await sendSigned(`http://acme.localhost:${PORT}/webhooks/${SEEDED_SLUG}`, SEEDED_SECRET, SEEDED_BODY);
    expect(answer.status).toBe(202);
    const eventId = answer.body.event_id ?? '';

    await nav('Webhooks');
    // The new webhook may carry the same name: the seeded one is the row whose slug is its own.
    await page.getByRole('row').filter({ has: page.getByText(SEEDED_SLUG, { exact: true }) }).getByRole('link', { name: 'EHR chart updated' }).click();
    const handlers = page.locator('#workflows table');
    await visible(handlers.getByRole('link', { name: SEEDED_WORKFLOW }));
    expect(await handlers.textContent()).toContain('A');

    const row = page.locator(`tr[id="${eventId}"]`);
    await reloadUntil(async () => {
      expect(await row.textContent()).toMatch(/run_[0-9a-z]+ → Chart update follow-up/);
    });
    expect(await row.textContent()).toContain('dispatched');
    // The chart reads without colour: its description and table say the numbers in words.
    const chart = page.getByRole('img', { name: /Accepted and refused requests per hour/ });
    await visible(chart);
    expect(await page.locator('.chart-summary').textContent()).toMatch(/[1-9]\d* accepted and \d+ refused/);
    await expectAccessible();
    await screenshot('webhook-view');
  });

  it('refuses to delete the seeded webhook, naming the workflow that depends on it', async () => {
    await page.getByLabel(`Type the slug ${SEEDED_SLUG} to confirm`).fill(SEEDED_SLUG);
    // The POST answers 303 (a reload never repeats it); the page it names says why, with the API's status.
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'GET' && new URL(r.url()).searchParams.has('refused')), page.getByRole('button', { name: 'Delete this webhook' }).click()]);
    expect(response.status()).toBe(409);
    const alert = await visible(page.getByRole('alert'));
    expect(await alert.textContent()).toContain('Delete the webhook: refused');
    await visible(alert.getByRole('link', { name: SEEDED_WORKFLOW }));
    expect(await alert.textContent()).toMatch(/Next step:.*Detach this webhook/);
    await expectAccessible();
    // Still there.
    const again = await http(PORT, 'api.localhost', 'GET', `/v1/webhooks/${SEEDED_ID}`, { authorization: `Bearer ${token}` });
    expect(again.status).toBe(200);
  });

  it('rotates the new webhook’s secret, shows the new one once, and both verify during the overlap', async () => {
    await openWebhook(created.id);
    await page.locator('summary', { hasText: 'Rotate the secret' }).click();
    await page.locator('form[action$="/rotate-secret"] button[type="submit"]').click();
    await visible(page.getByRole('heading', { name: 'Your new secret' }));
    const rotated = await copyWith('Copy secret');
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(created.secret);
    await expectAccessible();

    await openWebhook(created.id);
    expect(await page.content()).not.toContain(rotated);
    expect(await page.locator('#auth').textContent()).toMatch(/Rotation overlap: previous secret sec_[0-9a-z]+ still verifies until/);

    expect((await sendSigned(created.url, rotated, createdBody())).status).toBe(202);
    expect((await sendSigned(created.url, created.secret, createdBody())).status).toBe(202);
    created.secret = rotated;
  });

  it('shows a bad payload’s refusal with its cause', async () => {
    // A payload of the wrong shape: the seeded schema wants patient_id as a string.
    const refused = await sendSigned(`http://acme.localhost:${PORT}/webhooks/${SEEDED_SLUG}`, SEEDED_SECRET, JSON.stringify({ patient_id: 42 }));
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('schema-mismatch');

    await openWebhook(SEEDED_ID);
    const refusals = page.locator('#refusals');
    // It passed authentication, so it is kept for replay. Kept requests reach the project's log in
    // batches a moment after the answer, so the row may need a reload to show.
    const kept = refusals.locator('table.kept tbody tr').first();
    await reloadUntil(async () => {
      expect(await refusals.textContent()).toContain('Payload does not match the schema');
      expect(await kept.count()).toBe(1);
    });
    expect(await refusals.textContent()).toContain('400');
    await expectAccessible();

    // Replaying it checks it against today's schema, which still refuses it, and says where.
    await visible(kept);
    expect(await kept.textContent()).toContain('/patient_id');
    const requestId = (await kept.getAttribute('id')) ?? '';
    expect(requestId).toMatch(/^req_/);
    await kept.getByRole('button', { name: 'Replay' }).click();
    const alert = await visible(page.getByRole('alert'));
    expect(await alert.textContent()).toContain(`Replay ${requestId}: refused`);
    expect(await alert.textContent()).toContain('/patient_id');
  });

  it('refuses requests outside the IP allowlist and over the rate limit, and says so', async () => {
    await openWebhook(created.id);
    const settings = page.locator('#settings');
    await settings.getByLabel('Allowed addresses').fill('203.0.113.0/24');
    await settings.getByRole('button', { name: 'Save rate limit and allowlist' }).click();
    expect(await (await visible(page.locator('.flash.notice'))).textContent()).toContain('from 1 allowed address range');

    const outside = await sendSigned(created.url, created.secret, createdBody());
    expect(outside.status).toBe(403);
    expect(outside.body.code).toBe('ip-not-allowed');

    await settings.getByLabel('Allowed addresses').fill('');
    await settings.getByLabel('Allow at most').selectOption({ label: '10 requests per 10 seconds' });
    await settings.getByRole('button', { name: 'Save rate limit and allowlist' }).click();
    expect(await (await visible(page.locator('.flash.notice'))).textContent()).toContain('at most 10 requests per 10 seconds, from any address');

    // 21 requests within one period span at most two of its windows: at least one is over.
    const answers: Ingress[] = [];
    for (let i = 0; i < 21; i++) answers.push(await sendSigned(created.url, created.secret, createdBody()));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length, answers.map((a) => a.status).join(' ')).toBeGreaterThan(0);
    expect(limited[0]?.body.code).toBe('rate-limited');
    expect(limited[0]?.retryAfter).toBe('10');

    await openWebhook(created.id);
    const refusals = page.locator('#refusals');
    await reloadUntil(async () => {
      const text = (await refusals.textContent()) ?? '';
      expect(text).toContain('Sender address not in the IP allowlist');
      expect(text).toContain('Over the rate limit');
    });
    // The chart counts them too, and says so in words.
    expect(await page.locator('.chart-summary').textContent()).toMatch(/[1-9]\d* accepted and [1-9]\d* refused/);
    await expectAccessible();
  });

  it('sends a signed test event through the real ingress from the view', async () => {
    await openWebhook(SEEDED_ID);
    const summary = page.locator('summary', { hasText: 'Send a signed test event' });
    const send = page.locator('form[action$="/test-event"] button[type="submit"]');
    await summary.click();
    await send.click();
    expect(await (await visible(page.locator('.flash.notice'))).textContent()).toMatch(/Test event accepted as evt_[0-9a-z]+/);

    await summary.click();
    await page.getByLabel(/^Payload \(JSON/).fill('{"patient_id": 7}');
    await send.click();
    const alert = await visible(page.getByRole('alert'));
    expect(await alert.textContent()).toContain('Send a test event: refused');
    expect(await alert.textContent()).toContain('/patient_id');
  });

  it('adds a custom domain, shows the DNS records to copy, at a phone’s width too, and checks it until active', async () => {
    await nav('Domains');
    await visible(page.getByRole('heading', { level: 1, name: 'Custom domains' }));
    const hostname = 'hooks.acme-health.com';
    await page.getByLabel('Hostname', { exact: true }).fill(hostname);
    await page.getByRole('button', { name: 'Add hostname' }).click();
    const entry = page.locator('section.domain', { hasText: hostname });
    await visible(entry);
    const records = await entry.textContent();
    expect(records).toContain('Waiting for DNS');
    expect(records).toContain(`_cf-custom-hostname.${hostname}`);
    expect(records).toContain('customers.usehasp.run');
    expect(await entry.getByRole('button', { name: /copy/i }).count()).toBeGreaterThan(3);
    await expectAccessible();
    await screenshot('domains');

    await page.setViewportSize(PHONE);
    expect(await widerThanTheViewport(page), 'sideways scroll at 390 px').toEqual([]);
    await expectAccessible();
    await page.setViewportSize(DESKTOP);

    for (let i = 0; i < 4 && !((await entry.textContent()) ?? '').includes('Active:'); i += 1) {
      await entry.getByRole('button', { name: /^Check now/ }).click();
      await page.waitForLoadState('load');
    }
    expect(await entry.textContent()).toContain('Active:');
  });

  it('lists workflows with their triggers', async () => {
    await nav('Workflows');
    await visible(page.getByRole('heading', { level: 1, name: 'Workflows' }));
    expect(await page.locator('main').textContent()).toContain(SEEDED_WORKFLOW);
    await expectAccessible();
    await screenshot('workflows');

    await nav('Webhooks');
    await expectAccessible();
    await screenshot('webhooks-list');
    expect(cspViolations).toEqual([]);
  });

  it('fits a phone: no page scrolls sideways at 390 px, the chart’s labels stay readable, axe stays clean', async () => {
    await page.setViewportSize(PHONE);
    try {
      for (const path of ['/', '/webhooks/new', '/workflows', '/domains', `/webhooks/${created.id}`, `/webhooks/${SEEDED_ID}`]) {
        expect((await page.goto(`${consoleOrigin}${path}`))?.status(), path).toBe(200);
        expect(await widerThanTheViewport(page), `sideways scroll on ${path} at 390 px`).toEqual([]);
        await expectAccessible();
      }
      // At the chart's own scale its 11-unit labels would be drawn 5 px high on a phone.
      const label = await page.locator('svg.chart text.hour-label:not(.minor)').first().boundingBox();
      expect(label?.height ?? 0, 'an hour label’s height on screen, px').toBeGreaterThanOrEqual(10);
      expect(await page.locator('svg.chart text.hour-label.minor').first().isVisible()).toBe(false);
      await screenshot('phone-webhook-view');
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  it('shows no copy button without JavaScript, and the values stay on the page to select', async () => {
    await openWebhook(SEEDED_ID);
    expect(await page.locator('[data-copy]:visible').count(), 'with script, copy buttons show').toBeGreaterThan(0);
    const noScript = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false });
    try {
      await noScript.addCookies(await context.cookies(consoleOrigin));
      const plain = await noScript.newPage();
      await plain.goto(`${consoleOrigin}/webhooks/${SEEDED_ID}`);
      expect(await plain.locator('[data-copy]').count()).toBeGreaterThan(0);
      expect(await plain.locator('[data-copy]:visible').count(), 'a button that would do nothing').toBe(0);
      expect(await plain.locator('main').textContent()).toContain(`/webhooks/${SEEDED_SLUG}`);
    } finally {
      await noScript.close();
    }
  });

  it('returns to the page asked for after signing in, and follows no address off the console', async () => {
    const fresh = await browser.newContext({ viewport: DESKTOP });
    try {
      const other = await fresh.newPage();
      await other.goto(`${consoleOrigin}/webhooks/${SEEDED_ID}`);
      expect(new URL(other.url()).pathname).toBe('/sign-in');
      await other.getByLabel('Project API token').fill(token);
      await other.getByRole('button', { name: 'Sign in' }).click();
      await other.waitForURL(`${consoleOrigin}/webhooks/${SEEDED_ID}`);

      await fresh.clearCookies();
      await other.goto(`${consoleOrigin}/sign-in?next=${encodeURIComponent('//example.com/')}`);
      await other.getByLabel('Project API token').fill(token);
      await other.getByRole('button', { name: 'Sign in' }).click();
      await other.waitForURL(`${consoleOrigin}/`);
    } finally {
      await fresh.close();
    }
  });

  it('has a favicon', async () => {
    await page.goto(consoleOrigin);
    expect(await page.locator('link[rel="icon"]').getAttribute('href')).toBe('/assets/favicon.svg');
    // Through the browser: only Chromium is told where console.localhost is.
    for (const path of ['/favicon.ico', '/assets/favicon.svg']) {
      const icon = await page.goto(`${consoleOrigin}${path}`);
      expect(icon?.status(), path).toBe(200);
      expect(icon?.headers()['content-type']).toBe('image/svg+xml');
    }
  });
});
