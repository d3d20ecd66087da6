/**
 * The console's Domains page against the local fake of Cloudflare's custom-hostnames API
 * (workers/cloudflare-fake): records to copy, adding by the form, the API's refusals in words,
 * "check now" until active, removal behind a confirmation, CSRF on every form, and the plan.
 */
import { env } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';
import type { DomainView } from '../../shared/domains/view';
import { takeoverRecord } from '../../shared/domains/takeover-proof';
import { clearFakeFaults, fakeCalls, fakeFault, fakeHostname } from '../helpers/cloudflare-fake';
import { api, apiProblem, createWebhookViaApi } from '../helpers/control-api';
import { formFields, signedIn, visibleText, type ConsoleBrowser, type ConsolePage } from '../helpers/console';
import { CHART_SAMPLE, createProject, type TestProject } from '../helpers/fixtures';

let seq = 0;
/** A fresh, valid public name per test: the fake zone is shared by the whole file. */
function hostnameFor(project: TestProject, label = 'hooks'): string {
  seq += 1;
  return `${label}${seq}.${project.orgSlug}-health.com`;
}

async function domainsOf(project: TestProject): Promise<DomainView[]> {
  return (await api<{ data: DomainView[] }>(project.token, 'GET', '/v1/domains')).body.data;
}

async function addViaApi(project: TestProject, hostname: string): Promise<DomainView> {
  const created = await api<DomainView>(project.token, 'POST', '/v1/domains', { hostname });
  expect(created.status).toBe(201);
  return created.body;
}

function unescapeHtml(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The values a page offers to copy: each `<code id>` a copy button targets, by its text. */
function copyableValues(html: string): string[] {
  const targets = [...html.matchAll(/data-copy-target="([^"]+)"/g)].map((m) => m[1] ?? '');
  return targets.map((id) => {
    const code = new RegExp(`<code id="${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}">([^<]*)</code>`).exec(html)?.[1];
    if (code === undefined) throw new Error(`a copy button targets ${id}, which is not on the page`);
    return unescapeHtml(code);
  });
}

/** Follows the 303 a form answered with, as the browser does, and returns the page it lands on. */
async function followed(browser: ConsoleBrowser, answer: ConsolePage): Promise<ConsolePage> {
  expect(answer.status).toBe(303);
  expect(answer.location).toBe('/domains');
  return browser.get(answer.location ?? '/domains');
}

afterEach(async () => {
  // A 429 from Cloudflare pauses every call to it until its retry-after; a test must not leave one behind.
  await env.DB.prepare('DELETE FROM cloudflare_api_pause').run();
  await clearFakeFaults();
});

describe('console: custom domains', () => {
  it('Should list each hostname’s state and its DNS records as a table, every name and value with a copy button', async () => {
    const project = await createProject({ plan: 'enterprise' });
    const hostname = hostnameFor(project);
    const domain = await addViaApi(project, hostname);
    const browser = await signedIn(project.token);

    const page = await browser.get('/domains');
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/<a href="\/domains" aria-current="page">Domains<\/a>/);
    const text = visibleText(page.html);
    expect(text).toContain(hostname);
    expect(text).toContain(domain.status_text);
    expect(text).toMatch(/Last checked: \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    for (const header of ['Type', 'Name', 'Value', 'Purpose']) expect(page.html).toContain(`<th scope="col">${header}</th>`);
    expect(text).toContain(`DNS records to create for ${hostname}`);
    expect(text).toContain('Routing: sends the hostname’s requests to HASP');
    expect(text).toContain('Ownership: proves to Cloudflare that the hostname is yours');

    expect(domain.records.length).toBeGreaterThanOrEqual(3);
    const copyable = copyableValues(page.html);
    for (const record of domain.records) {
      expect(copyable).toContain(record.name);
      expect(copyable).toContain(record.value);
    }
    expect(page.html).toContain(`action="/domains/${hostname}/verify"`);
    expect(page.html).toContain(`action="/domains/${hostname}/remove"`);
  });

  it('Should add a hostname from the form, answer with a redirect, and list it on the next page', async () => {
    const project = await createProject({ plan: 'enterprise' });
    const hostname = hostnameFor(project);
    const browser = await signedIn(project.token);
    const form = await browser.get('/domains');
    expect(visibleText(form.html)).toContain('No custom hostnames yet');

    const answer = await browser.post('/domains', { ...formFields(form.html, '/domains'), hostname: `  ${hostname.toUpperCase()} ` });
    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/domains');
    expect(answer.headers.get('location')).toBe(`/domains#domain-${hostname}`);
    const page = await browser.get('/domains');
    const text = visibleText(page.html);
    expect(text).toContain(`Added ${hostname}.`);
    expect(page.html).toContain(`id="domain-${hostname}"`);
    expect(text).toContain('Waiting for DNS: create the records below');

    expect((await domainsOf(project)).map((d) => d.hostname)).toEqual([hostname]);
    expect((await fakeHostname(hostname))?.custom_metadata).toEqual({ org_id: project.orgId, project_id: project.projectId });
    // The flash was shown once.
    expect(visibleText((await browser.get('/domains')).html)).not.toContain(`Added ${hostname}.`);
  });

  it('Should show the API’s message for a bad hostname, keep what was typed, and create nothing', async () => {
    const project = await createProject({ plan: 'enterprise' });
    const browser = await signedIn(project.token);
    await browser.get('/domains');
    const before = await fakeCalls();

    const page = await browser.post('/domains', { hostname: 'hooks.acme.test' });
    expect(page.status).toBe(400);
    const text = visibleText(page.html);
    expect(text).toContain('hooks.acme.test was not added');
    // The API's own words for the field, not a second copy of its rule.
    const refused = await apiProblem(project.token, 'POST', '/v1/domains', { hostname: 'hooks.acme.test' });
    const message = refused.body.errors?.find((e) => e.path === '/hostname')?.message ?? '';
    expect(message).toContain('.test is reserved');
    expect(text).toContain(`/hostname : ${message}`);
    expect(text).toMatch(/Next step: Correct the hostname/);
    expect(formFields(page.html, '/domains').hostname).toBe('hooks.acme.test');
    expect(page.html).toContain('aria-invalid="true"');

    expect(await domainsOf(project)).toEqual([]);
    expect(await fakeCalls()).toBe(before);
  });

  it('Should make a hostname active after checking twice, and the webhook view then lists its URL to copy', async () => {
    const project = await createProject({ plan: 'enterprise' });
    const hook = await createWebhookViaApi(project.token, { name: 'EHR chart updated', sample_payload: CHART_SAMPLE });
    const hostname = hostnameFor(project);
    await addViaApi(project, hostname);
    const customUrl = `https://${hostname}/webhooks/${hook.slug}`;
    const browser = await signedIn(project.token);
    expect(copyableValues((await browser.get(`/webhooks/${hook.id}`)).html)).not.toContain(customUrl);

    await browser.get('/domains');
    const first = await browser.post(`/domains/${hostname}/verify`);
    expect(first.headers.get('location')).toBe(`/domains#domain-${hostname}`);
    expect(visibleText((await browser.get('/domains')).html)).toContain(`Checked ${hostname} just now.`);
    const second = await browser.post(`/domains/${hostname}/verify`);
    expect(second.status).toBe(303);
    const page = await browser.get('/domains');
    const text = visibleText(page.html);
    expect(text).toContain(`Checked ${hostname} just now. Active: webhooks are served at https://${hostname}/webhooks/…`);
    expect(text).toMatch(/Active since \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    // Active: no records left to create, only the CNAME to keep.
    expect(text).not.toContain(`DNS records to create for ${hostname}`);
    expect(text).toContain('Keep the CNAME record');
    expect((await domainsOf(project)).map((d) => d.status)).toEqual(['active']);

    const view = await browser.get(`/webhooks/${hook.id}`);
    expect(copyableValues(view.html)).toEqual(expect.arrayContaining([hook.url, customUrl]));
  });

  it('Should remove a hostname, here and at Cloudflare, only once its name is typed to confirm', async () => {
    const project = await createProject({ plan: 'enterprise' });
    const hostname = hostnameFor(project);
    await addViaApi(project, hostname);
    const browser = await signedIn(project.token);
    const page = await browser.get('/domains');
    expect(visibleText(page.html)).toContain(`Type the hostname ${hostname} to confirm`);
    expect(visibleText(page.html)).toContain('deletes it at Cloudflare too');

    const unconfirmed = await followed(browser, await browser.post(`/domains/${hostname}/remove`, { confirm: 'yes' }));
    expect(visibleText(unconfirmed.html)).toContain(`Nothing was removed: type the hostname ${hostname} exactly to confirm.`);
    expect(unconfirmed.html).toContain('role="alert"');
    expect((await domainsOf(project)).map((d) => d.hostname)).toEqual([hostname]);
    expect(await fakeHostname(hostname)).toBeDefined();

    const removed = await followed(browser, await browser.post(`/domains/${hostname}/remove`, { confirm: hostname }));
    expect(visibleText(removed.html)).toContain(`Removed ${hostname}, here and at Cloudflare.`);
    expect(visibleText(removed.html)).toContain('No custom hostnames yet');
    expect(await domainsOf(project)).toEqual([]);
    expect(await fakeHostname(hostname)).toBeUndefined();
  });

  it('Should refuse every Domains form without the session’s CSRF token, or from another site, changing nothing', async () => {
    const project = await createProject({ plan: 'enterprise' });
    const kept = hostnameFor(project);
    await addViaApi(project, kept);
    const fresh = hostnameFor(project);
    const browser = await signedIn(project.token);
    await browser.get('/domains');
    const forms: [string, Record<string, string>][] = [
      ['/domains', { hostname: fresh }],
      [`/domains/${kept}/verify`, {}],
      [`/domains/${kept}/remove`, { confirm: kept }],
    ];
    const before = await fakeCalls();
    for (const [path, fields] of forms) {
      expect((await browser.post(path, { ...fields, _csrf: '' })).status, `${path} without a token`).toBe(403);
      expect((await browser.post(path, { ...fields, _csrf: 'guess' })).status, `${path} with a wrong token`).toBe(403);
      expect((await browser.post(path, fields, { origin: 'https://evil.example' })).status, `${path} from another site`).toBe(403);
    }
    expect(await fakeCalls()).toBe(before);
    expect((await domainsOf(project)).map((d) => [d.hostname, d.status])).toEqual([[kept, 'pending_dns']]);
  });

  it('Should explain, in place of the form, that an org not on the enterprise plan cannot add hostnames', async () => {
    const project = await createProject({ plan: 'team' });
    const hostname = hostnameFor(project);
    const browser = await signedIn(project.token);
    const form = await browser.get('/domains');
    expect(form.status).toBe(200);
    expect(visibleText(form.html)).toContain('Custom hostnames are for orgs on the enterprise plan');
    const before = await fakeCalls();

    const page = await browser.post('/domains', { hostname });
    expect(page.status).toBe(403);
    const text = visibleText(page.html);
    expect(text).toContain('Custom hostnames need the enterprise plan.');
    expect(text).toContain('this org is on the team plan');
    expect(text).toContain('ask HASP to move the org to the enterprise plan');
    expect(page.html).not.toContain('action="/domains"');
    expect(page.html).not.toContain('name="hostname"');

    expect(await domainsOf(project)).toEqual([]);
    expect(await fakeCalls()).toBe(before);
  });

  it('Should say Cloudflare is unavailable and in how many seconds to try again, for an add and for a check', async () => {
    const project = await createProject({ plan: 'enterprise' });
    const hostname = hostnameFor(project);
    await addViaApi(project, hostname);
    const browser = await signedIn(project.token);
    await browser.get('/domains');

    await fakeFault({ kind: 'rate_limited', retry_after_seconds: 7, times: 5 });
    const check = await followed(browser, await browser.post(`/domains/${hostname}/verify`));
    expect(visibleText(check.html)).toContain('Cloudflare is unavailable; try again in 7 seconds. Its state was not changed.');

    await env.DB.prepare('DELETE FROM cloudflare_api_pause').run();
    await clearFakeFaults();
    await fakeFault({ kind: 'unavailable', times: 1 });
    const other = hostnameFor(project);
    const add = await browser.post('/domains', { hostname: other });
    expect(add.status).toBe(503);
    const text = visibleText(add.html);
    expect(text).toMatch(/Cloudflare is unavailable; try again in \d+ seconds?\./);
    expect(text).toContain('adding the same hostname again is safe');
    expect(formFields(add.html, '/domains').hostname).toBe(other);
    expect((await domainsOf(project)).map((d) => d.hostname)).toEqual([hostname]);
  });

  it('Should show the TXT record, to copy, that takes over a hostname another org claimed but has not activated', async () => {
    const squatter = await createProject({ plan: 'enterprise' });
    const owner = await createProject({ plan: 'enterprise' });
    const hostname = hostnameFor(owner);
    await addViaApi(squatter, hostname);
    const browser = await signedIn(owner.token);
    await browser.get('/domains');

    const page = await browser.post('/domains', { hostname });
    expect(page.status).toBe(409);
    const text = visibleText(page.html);
    expect(text).toContain(`${hostname} was not added`);
    expect(text).toContain('is claimed by another org but not active');
    expect(text).toContain('create the TXT record below at your DNS provider');
    expect(text).toMatch(/the other org’s claim lapses at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    const record = await takeoverRecord(owner.orgId, hostname);
    expect(copyableValues(page.html)).toEqual(expect.arrayContaining([record.name, record.value]));
    expect(text).toContain('Takeover: proves your org controls the hostname’s DNS');
    expect(await domainsOf(owner)).toEqual([]);
  });
});
