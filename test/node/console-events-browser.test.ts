/**
 * The schema editor and an event's page in Debian's Chromium (playwright-core, no downloaded
 * browser), against `npm run dev` and its seeded webhook: check a change that would break the
 * seeded workflow (named, nothing saved), save one that breaks none, send a request the schema
 * refuses, take the fix the page offers for it, save it and replay the refusal; then open the
 * event's page, show its payload (an audited read) and expunge it. Every page is checked with
 * axe-core under the console's real Content-Security-Policy at 1280 and 390 px wide, and at 390 px
 * nothing scrolls sideways.
 */
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntryView, EventView, ListPage, WebhookView } from '../../shared/control/responses';
import {
  CHROMIUM,
  collectCspViolations,
  DESKTOP,
  expectAccessibleAtBothWidths as expectAccessibleAtBothWidthsOn,
  HAVE_CHROMIUM,
  launchChromium,
  reloadUntil as reloadPageUntil,
  SEEDED,
  signIn,
  SKIP_WITHOUT_CHROMIUM,
  visible,
} from './helpers/chromium';
import { http, signedHeaders, startDevServer, type DevServer } from './helpers/dev-server';

const PORT = 8813;
const TOKEN = `hasp_${randomBytes(24).toString('base64url')}`;

let server: DevServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let consoleOrigin: string;
/** Console errors the CSP raised: the pages must need no exception to the console's policy. */
const cspViolations: string[] = [];

/** What the test learns along the way and later steps use. */
const learned = { seededSchema: {} as Record<string, unknown>, requestId: '', eventId: '' };

interface Ingress {
  status: number;
  body: { event_id?: string; code?: string; errors?: { path: string; message: string }[] };
}

async function sendSigned(body: string): Promise<Ingress> {
  const id = `msg_${Date.now()}_${randomBytes(6).toString('hex')}`;
  const res = await http(PORT, `acme.localhost:${PORT}`, 'POST', `/webhooks/${SEEDED.slug}`, signedHeaders(SEEDED.secret, id, body), body);
  return { status: res.status, body: JSON.parse(res.text) as Ingress['body'] };
}

async function apiGet<T>(path: string): Promise<T> {
  const res = await http(PORT, 'api.localhost', 'GET', path, { authorization: `Bearer ${TOKEN}` });
  expect(res.status, `${path}: ${res.text}`).toBe(200);
  return JSON.parse(res.text) as T;
}

/** The page as it is now, at 1280 px and at 390 px: axe clean at both, nothing sideways at 390. Not reloaded: it may answer a POST. */
const expectAccessibleAtBothWidths = () => expectAccessibleAtBothWidthsOn(page);
/** Reloads until `check` passes: kept requests, events and runs arrive asynchronously. */
const reloadUntil = (check: () => Promise<void>) => reloadPageUntil(page, check);

async function openSeededWebhook(): Promise<void> {
  const response = await page.goto(`${consoleOrigin}/webhooks/${SEEDED.id}`);
  expect(response?.status()).toBe(200);
}

/** The schema editor, opened as a person opens it. */
async function openSchemaEditor(): Promise<Locator> {
  const details = page.locator('#schema details', { has: page.locator('summary', { hasText: 'Change the schema' }) });
  if ((await details.getAttribute('open')) === null) await details.locator('summary', { hasText: 'Change the schema' }).click();
  return visible(page.getByLabel('JSON Schema', { exact: true }));
}

const title = HAVE_CHROMIUM ? 'the schema editor and event pages in Chromium' : `the schema editor and event pages in Chromium: SKIPPED, ${CHROMIUM} is not installed (apt-get install chromium)`;

describe.skipIf(SKIP_WITHOUT_CHROMIUM)(title, () => {
  beforeAll(async () => {
    server = await startDevServer({ port: PORT, token: TOKEN, secret: SEEDED.secret, args: ['--inspector-port', '9253'] });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: DESKTOP });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    consoleOrigin = `http://console.localhost:${PORT}`;
    collectCspViolations(page, cspViolations);
    await signIn(page, consoleOrigin, TOKEN);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('opens the schema editor with the schema in force, and a breaking change names the seeded workflow and saves nothing', async () => {
    learned.seededSchema = (await apiGet<WebhookView>(`/v1/webhooks/${SEEDED.id}`)).schema as Record<string, unknown>;
    await openSeededWebhook();
    const editor = await openSchemaEditor();
    expect(JSON.parse(await editor.inputValue())).toEqual(learned.seededSchema);
    expect(JSON.parse(await page.getByLabel('Sample payload (JSON)').inputValue())).toMatchObject({ patient_id: expect.any(String), event: expect.any(String) });
    await expectAccessibleAtBothWidths();

    const properties = learned.seededSchema.properties as Record<string, unknown>;
    const { patient_id: _dropped, ...rest } = properties;
    await editor.fill(JSON.stringify({ ...learned.seededSchema, properties: rest, required: ['event', 'updated_fields'] }, null, 2));
    await page.getByRole('button', { name: 'Check this schema' }).click();
    const verdict = await visible(page.locator('#schema-editor .schema-check'));
    expect(await verdict.textContent()).toContain('Saving this would break:');
    await visible(verdict.getByRole('link', { name: SEEDED.workflow }));
    expect(await verdict.textContent()).toContain('patient_id');
    expect(await page.getByRole('button', { name: 'Save this schema' }).count()).toBe(0);
    await expectAccessibleAtBothWidths();
    expect((await apiGet<WebhookView>(`/v1/webhooks/${SEEDED.id}`)).schema).toEqual(learned.seededSchema);
  });

  it('checks a change the seeded workflow does not mind, and saves it from the check’s answer', async () => {
    await openSeededWebhook();
    const editor = await openSchemaEditor();
    const properties = learned.seededSchema.properties as Record<string, unknown>;
    const withStatus = { ...learned.seededSchema, properties: { ...properties, status: { type: 'string' } } };
    await editor.fill(JSON.stringify(withStatus, null, 2));
    await page.getByRole('button', { name: 'Check this schema' }).click();
    await visible(page.getByRole('heading', { name: 'No dependent workflow breaks' }));
    await expectAccessibleAtBothWidths();
    await page.getByRole('button', { name: 'Save this schema' }).click();
    expect(await (await visible(page.locator('.flash.notice').first())).textContent()).toContain('Schema saved.');
    expect(new URL(page.url()).pathname).toBe(`/webhooks/${SEEDED.id}`);
    expect((await apiGet<WebhookView>(`/v1/webhooks/${SEEDED.id}`)).schema).toEqual(withStatus);
  });

  it('offers the fix for a refused request, checks and saves it, and the replay of the refusal is accepted', async () => {
    const refused = await sendSigned(JSON.stringify({ ...SEEDED.sample, status: 3 }));
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ path: '/status', message: 'Expected string but received number' }]);

    await openSeededWebhook();
    const kept = page.locator('table.kept tbody tr').first();
    await reloadUntil(async () => expect(await kept.textContent()).toContain('Fix that would accept it: widen status to accept number too.'));
    learned.requestId = (await kept.getAttribute('id')) ?? '';
    expect(learned.requestId).toMatch(/^req_/);
    await expectAccessibleAtBothWidths();

    await kept.getByRole('link', { name: 'Open this fix in the schema editor' }).click();
    await visible(page.getByText(`Proposed so that ${learned.requestId} is accepted`));
    await visible(page.getByRole('heading', { name: 'No dependent workflow breaks' }));
    expect(JSON.parse(await page.getByLabel('JSON Schema', { exact: true }).inputValue())).toMatchObject({ properties: { status: { type: ['string', 'number'] } } });
    await expectAccessibleAtBothWidths();
    await page.getByRole('button', { name: 'Save this schema' }).click();
    expect(await (await visible(page.locator('.flash.notice').first())).textContent()).toContain(`Replay ${learned.requestId}`);

    await page.locator(`tr[id="${learned.requestId}"]`).getByRole('button', { name: 'Replay' }).click();
    const done = (await (await visible(page.locator('.flash.notice').first())).textContent()) ?? '';
    expect(done).toContain(`${learned.requestId} passes today’s checks`);
    learned.eventId = /accepted as (evt_[0-9a-z]+)/.exec(done)?.[1] ?? '';
    expect(learned.eventId).toMatch(/^evt_/);
  });

  it('opens the event’s page from the list: runs and metadata, the payload only when asked (audited), then expunged', async () => {
    await openSeededWebhook();
    const link = page.locator('#events').getByRole('link', { name: learned.eventId });
    await reloadUntil(async () => expect(await page.locator(`tr[id="${learned.eventId}"]`).textContent()).toContain(SEEDED.workflow));
    await link.click();
    await visible(page.getByRole('heading', { level: 1, name: 'Event' }));
    expect(new URL(page.url()).pathname).toBe(`/webhooks/${SEEDED.id}/events/${learned.eventId}`);
    await visible(page.locator('#runs').getByRole('link', { name: SEEDED.workflow }));
    expect(await page.locator('#request').textContent()).toContain('dispatched');
    expect(await page.locator('main').textContent()).not.toContain('chart_updated');
    await expectAccessibleAtBothWidths();

    await page.getByRole('button', { name: 'Show the payload' }).click();
    const payload = await visible(page.getByLabel('The event’s payload'));
    expect(JSON.parse((await payload.textContent()) ?? '')).toEqual({ ...SEEDED.sample, status: 3 });
    await expectAccessibleAtBothWidths();
    const audit = await apiGet<ListPage<AuditEntryView>>('/v1/audit?limit=100');
    expect(audit.data.filter((e) => e.action === 'event.payload.read' && e.resource_id === learned.eventId)).toHaveLength(1);

    await page.getByRole('button', { name: 'Expunge the payload' }).click();
    expect(await (await visible(page.locator('.flash.notice').first())).textContent()).toContain(`The payload of ${learned.eventId} is expunged`);
    expect(await page.getByRole('button', { name: 'Show the payload' }).count()).toBe(0);
    expect((await apiGet<EventView>(`/v1/events/${learned.eventId}`)).payload_state).toBe('expunged');
    await expectAccessibleAtBothWidths();
    expect(cspViolations).toEqual([]);
  });
});
