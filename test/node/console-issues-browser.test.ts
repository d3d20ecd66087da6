/**
 * Sender-health issues in the console, in Debian's Chromium (playwright-core), against `npm run
 * dev` and its seeded webhook: a sender whose signature no longer verifies and one whose payloads
 * send `updated_fields` as a string open an authentication and a content issue by themselves. The
 * navigation counts them, the webhooks list shows a badge in words, the Issues page lists them, an
 * issue's page shows its failing paths and replay; the webhook's page shows the proposed schema
 * change, whose apply is refused because it would break the seeded workflow (named on the page),
 * and which is then dismissed; the authentication issue is acknowledged and resolved. Every page is
 * checked with axe-core (no serious or critical violations) under the console's real
 * Content-Security-Policy at 1280 and 390 px wide, and at 390 px no page scrolls sideways.
 */
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssueView } from '../../shared/console/components/issues/types';
import { CHROMIUM, collectCspViolations, DESKTOP, expectAccessibleAtBothWidths, HAVE_CHROMIUM, launchChromium, reloadUntil, SEEDED, signIn, SKIP_WITHOUT_CHROMIUM, visible } from './helpers/chromium';
import { http, signedHeaders, startDevServer, type DevServer } from './helpers/dev-server';

const PORT = 8816;
const TOKEN = `hasp_${randomBytes(24).toString('base64url')}`;
/** A value the refused payloads carry, which no page may show. */
const PHI = `Jane Roe ${randomBytes(4).toString('hex')}`;

let server: DevServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let consoleOrigin: string;
const cspViolations: string[] = [];

async function send(body: string, headers: Record<string, string>): Promise<number> {
  return (await http(PORT, `acme.localhost:${PORT}`, 'POST', `/webhooks/${SEEDED.slug}`, headers, body)).status;
}

async function issues(): Promise<IssueView[]> {
  const res = await http(PORT, 'api.localhost', 'GET', '/v1/issues?state=open', { authorization: `Bearer ${TOKEN}` });
  return (JSON.parse(res.text) as { data: IssueView[] }).data;
}

const checkAtBothWidths = () => expectAccessibleAtBothWidths(page);

async function flash(): Promise<string> {
  return (await (await visible(page.locator('.flash.notice[role="status"]'))).textContent()) ?? '';
}

const title = HAVE_CHROMIUM ? 'sender-health issues in the console, in Chromium' : `sender-health issues in the console, in Chromium: SKIPPED, ${CHROMIUM} is not installed (apt-get install chromium)`;

describe.skipIf(SKIP_WITHOUT_CHROMIUM)(title, () => {
  beforeAll(async () => {
    server = await startDevServer({ port: PORT, token: TOKEN, secret: SEEDED.secret, args: ['--inspector-port', '9256'] });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: DESKTOP });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    consoleOrigin = `http://console.localhost:${PORT}`;
    collectCspViolations(page, cspViolations);

    // The sender's secret changed: signatures no longer verify.
    const unsigned = JSON.stringify(SEEDED.sample);
    for (let i = 0; i < 12; i++) expect(await send(unsigned, { ...signedHeaders('whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=', `msg_bad_${i}`, unsigned) })).toBe(401);
    // Another sender sends a list as a string.
    for (let i = 0; i < 6; i++) {
      const body = JSON.stringify({ ...SEEDED.sample, updated_fields: PHI });
      expect(await send(body, signedHeaders(SEEDED.secret, `msg_str_${i}`, body))).toBe(400);
    }
    await signIn(page, consoleOrigin, TOKEN);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('counts the issues in the navigation, badges the webhook in words, and lists them', async () => {
    // Refusal counts reach sender health within the ingress's flush interval.
    await reloadUntil(page, async () => expect((await issues()).map((i) => i.cause).sort()).toEqual(['authentication', 'content']));
    await page.goto(`${consoleOrigin}/`);
    await visible(page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Issues 2 open' }));
    const badge = page.getByRole('link', { name: '2 open issues' });
    await visible(badge);
    await checkAtBothWidths();

    await badge.click();
    await visible(page.getByRole('heading', { level: 1, name: 'Issues' }));
    const table = page.locator('table.issues');
    expect(await table.textContent()).toContain('Failing authentication');
    expect(await table.textContent()).toContain('Payloads refused');
    expect(await page.content()).not.toContain(PHI);
    await checkAtBothWidths();
  });

  it('shows a content issue’s failing paths, samples and replay, never the value', async () => {
    await page.getByRole('link', { name: 'Payloads refused' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Payloads refused on EHR chart updated' }));
    expect(await page.locator('table.top-paths').textContent()).toMatch(/\/updated_fields\s*string/);
    await visible(page.getByRole('button', { name: /^Replay these \d+ requests?$/ }));
    expect(await page.content()).not.toContain(PHI);
    await checkAtBothWidths();
  });

  it('shows the proposed schema change on the webhook’s page; applying it is refused naming the workflow, and it is dismissed', async () => {
    await page.goto(`${consoleOrigin}/webhooks/${SEEDED.id}#health`);
    await reloadUntil(page, async () => expect(await page.locator('article.proposal').count()).toBe(1));
    const proposal = page.locator('article.proposal');
    expect(await proposal.textContent()).toMatch(/\/updated_fields\s*: accept array or string/);
    expect(await proposal.textContent()).toContain(`It would break 1 workflow`);
    expect(await page.content()).not.toContain(PHI);
    await checkAtBothWidths();

    await proposal.getByRole('button', { name: 'Apply this change' }).click();
    const alert = await visible(page.getByRole('alert'));
    expect(await alert.textContent()).toContain('Apply the proposed schema change');
    expect(await alert.textContent()).toContain(SEEDED.workflow);
    expect(new URL(page.url()).searchParams.get('refused')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await checkAtBothWidths();

    await page.locator('article.proposal').getByRole('button', { name: 'Dismiss' }).click();
    expect(await flash()).toContain('Proposal dismissed');
    expect(await page.locator('article.proposal').count()).toBe(0);
  });

  it('acknowledges and resolves the authentication issue', async () => {
    await page.goto(`${consoleOrigin}/issues`);
    await page.getByRole('link', { name: 'Failing authentication' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Failing authentication on EHR chart updated' }));
    await checkAtBothWidths();
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    expect(await flash()).toContain('Acknowledged');
    await page.getByRole('button', { name: 'Resolve' }).click();
    expect(await flash()).toContain('Resolved');
    await visible(page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Issues 1 open' }));
    await checkAtBothWidths();
    expect(cspViolations).toEqual([]);
  });
});
