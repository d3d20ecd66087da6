/**
 * Workflows in the console, in Debian's Chromium (playwright-core, no downloaded browser), against
 * `npm run dev` and its seeded webhook: create a workflow with its input fields, attach the seeded
 * webhook as Class B with the mapping the page proposes (after a refused attempt without one, whose
 * unmet fields the page lists), see it among the webhook's workflows, detach it from there, and
 * delete the workflow. Every page is checked with axe-core (no serious or critical violations)
 * under the console's real Content-Security-Policy at 1280 and 390 px wide, and at 390 px no page
 * scrolls sideways.
 */
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowView } from '../../shared/control/responses';
import { CHROMIUM, collectCspViolations, DESKTOP, expectAccessibleAtBothWidths, HAVE_CHROMIUM, launchChromium, SEEDED, signIn, SKIP_WITHOUT_CHROMIUM, visible } from './helpers/chromium';
import { http, startDevServer, type DevServer } from './helpers/dev-server';

const PORT = 8812;
const TOKEN = `hasp_${randomBytes(24).toString('base64url')}`;
const WORKFLOW = 'Chart triage';
/** What the seeded payload (patient_id, event, updated_fields) does not carry under these names as they are. */
const PROPOSED = 'patientId = /patient_id\nevent = /event';

let server: DevServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let consoleOrigin: string;
/** Console errors the CSP raised: the pages must need no exception to the console's policy. */
const cspViolations: string[] = [];
/** The workflow the test creates. */
let workflowId = '';

async function apiGet<T>(path: string): Promise<{ status: number; body: T }> {
  const res = await http(PORT, 'api.localhost', 'GET', path, { authorization: `Bearer ${TOKEN}` });
  return { status: res.status, body: JSON.parse(res.text) as T };
}

/** The page as it is, checked at 1280 px and at a phone's 390 px: axe clean at both, nothing sideways at 390. */
const checkAtBothWidths = () => expectAccessibleAtBothWidths(page);

async function flash(): Promise<string> {
  return (await (await visible(page.locator('.flash.notice[role="status"]'))).textContent()) ?? '';
}

const title = HAVE_CHROMIUM ? 'workflows in the console, in Chromium' : `workflows in the console, in Chromium: SKIPPED, ${CHROMIUM} is not installed (apt-get install chromium)`;

// CI installs Chromium and sets HASP_REQUIRE_CHROMIUM, so there a missing browser fails the run instead of skipping it.
describe.skipIf(SKIP_WITHOUT_CHROMIUM)(title, () => {
  beforeAll(async () => {
    server = await startDevServer({ port: PORT, token: TOKEN, secret: SEEDED.secret, args: ['--inspector-port', '9252'] });
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

  it('creates a workflow with its input fields', async () => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Workflows', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Workflows' }));
    await checkAtBothWidths();

    await page.getByRole('link', { name: 'New workflow' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'New workflow' }));
    await checkAtBothWidths();
    await page.locator('#workflow-name').fill(WORKFLOW);
    const first = page.getByRole('group', { name: 'Input field 1', exact: true });
    await first.getByLabel('Name').fill('patientId');
    await first.getByLabel('Type').selectOption('string');
    await first.getByLabel('Required').check();
    const second = page.getByRole('group', { name: 'Input field 2', exact: true });
    await second.getByLabel('Name').fill('event');
    await second.getByLabel('Required').check();
    await page.getByRole('button', { name: 'Create workflow' }).click();

    await visible(page.getByRole('heading', { level: 1, name: WORKFLOW }));
    expect(await flash()).toContain(`Created ${WORKFLOW}.`);
    workflowId = new URL(page.url()).pathname.split('/')[2] ?? '';
    expect(workflowId).toMatch(/^wf_/);
    const created = await apiGet<WorkflowView>(`/v1/workflows/${workflowId}`);
    expect(created.body.input_schema).toEqual({ type: 'object', properties: { patientId: { type: 'string' }, event: { type: 'string' } }, required: ['patientId', 'event'] });
    expect(await page.locator('#input table').textContent()).toMatch(/patientId\s*string\s*required/);
    await checkAtBothWidths();
  });

  it('attaches the seeded webhook as Class B with the proposed mapping, after a refusal that lists the unmet fields', async () => {
    await page.locator('#attach').getByLabel('Webhook').selectOption(SEEDED.id);
    await page.getByRole('button', { name: 'Next: review fields and mapping' }).click();
    await visible(page.getByRole('heading', { level: 1, name: `Attach ${SEEDED.slug} to ${WORKFLOW}` }));
    // Side by side: the workflow's fields with the proposed source of each, and the payload's paths.
    expect(await page.locator('table.input-fields').textContent()).toMatch(/patientId.*\/patient_id.*same name, other case style/s);
    expect(await page.locator('table.payload-paths').textContent()).toContain('/updated_fields');
    expect(await page.locator('main').textContent()).toContain('Class B.');
    const mapping = page.getByLabel('Mapping (input field = JSON Pointer into the payload)');
    expect(await mapping.inputValue()).toBe(PROPOSED);
    await checkAtBothWidths();

    // Without a mapping the payload is not the input (Class A): refused, and the page says why.
    await mapping.fill('');
    await page.getByRole('button', { name: `Attach ${SEEDED.slug}` }).click();
    const alert = await visible(page.getByRole('alert'));
    expect(await alert.textContent()).toContain('The webhook was not attached');
    expect(await alert.textContent()).toMatch(/patientId\s*: missing/);
    expect(new URL(page.url()).searchParams.get('refused')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await checkAtBothWidths();

    await mapping.fill(PROPOSED);
    await page.getByRole('button', { name: `Attach ${SEEDED.slug}` }).click();
    await visible(page.getByRole('heading', { level: 1, name: WORKFLOW }));
    expect(await flash()).toContain(`Attached ${SEEDED.slug} to ${WORKFLOW} as Class B.`);
    expect(await page.locator('#triggers table').textContent()).toMatch(/patientId\s*←\s*\/patient_id/);
    const attached = await apiGet<WorkflowView>(`/v1/workflows/${workflowId}`);
    expect(attached.body.triggers).toEqual([{ webhook_id: SEEDED.id, webhook_slug: SEEDED.slug, class: 'B', mapping: { patientId: '/patient_id', event: '/event' } }]);
  });

  it('shows the workflow in the webhook’s view, and detaches it from there', async () => {
    await page.goto(`${consoleOrigin}/webhooks/${SEEDED.id}`);
    const row = page.locator('#workflows table tr').filter({ has: page.getByRole('link', { name: WORKFLOW, exact: true }) });
    await visible(row);
    expect(await row.textContent()).toMatch(/B\s*a mapping fills/);
    expect(await row.textContent()).toContain('/patient_id');
    await checkAtBothWidths();

    await row.getByRole('link', { name: 'Detach…' }).click();
    await visible(page.getByRole('heading', { level: 1, name: /^Detach/ }));
    expect(await page.locator('main').textContent()).toContain(`will no longer start runs of ${WORKFLOW}`);
    await checkAtBothWidths();
    await page.getByRole('button', { name: `Detach ${SEEDED.slug}` }).click();

    await page.waitForURL(`${consoleOrigin}/webhooks/${SEEDED.id}#workflows`);
    expect(await flash()).toContain(`Detached ${SEEDED.slug} from ${WORKFLOW}`);
    expect(await page.locator('#workflows').textContent()).not.toContain(WORKFLOW);
    expect((await apiGet<WorkflowView>(`/v1/workflows/${workflowId}`)).body.triggers).toEqual([]);
  });

  it('deletes the workflow once its name is typed', async () => {
    await page.goto(`${consoleOrigin}/workflows/${workflowId}`);
    await page.getByLabel(`Type the workflow’s name, ${WORKFLOW}, to confirm`).fill(WORKFLOW);
    await page.getByRole('button', { name: 'Delete this workflow' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Workflows' }));
    expect(await flash()).toContain(`Deleted ${WORKFLOW}.`);
    expect(await page.locator('main').textContent()).not.toContain(workflowId);
    expect((await apiGet<unknown>(`/v1/workflows/${workflowId}`)).status).toBe(404);
    await checkAtBothWidths();
    expect(cspViolations).toEqual([]);
  });
});
