/**
 * `/v1/domains` against the local fake of Cloudflare's custom-hostnames API (workers/cloudflare-fake):
 * a domain from nothing to serving signed events, the records a customer creates, the states in
 * words, refusals before any API call, Cloudflare's faults, the quota, and squatting.
 */
import { createExecutionContext, env } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createControlApp } from '../../shared/control/app';
import { dohLookup, takeoverRecord, txtData, type TxtLookup } from '../../shared/domains/takeover-proof';
import type { DomainView } from '../../shared/domains/view';
import { WebhookResolver } from '../../shared/ingress/webhook-resolver';
import { masterKeyFor } from '../../shared/secrets/master-key';
import { clearFakeFaults, deleteFakeHostname, fakeCalls, fakeFault, fakeHostname, fakeHostnames, forceFakeHostname, setFakeQuota } from '../helpers/cloudflare-fake';
import { api, apiProblem, createWebhookViaApi, createWorkflowViaApi, errorPaths, type WebhookBody } from '../helpers/control-api';
import { CHART_SAMPLE, createProject, type TestProject } from '../helpers/fixtures';
import { receiptsOf } from '../helpers/queue';
import { postSigned } from '../helpers/send';
import { waitFor } from '../helpers/wait';

let seq = 0;
/** A fresh, valid public name per test: the fake zone is shared by the whole file. */
function hostnameFor(project: TestProject, label = 'api'): string {
  seq += 1;
  return `${label}${seq}.${project.orgSlug}-health.com`;
}

async function addDomain(project: TestProject, hostname: string): Promise<DomainView> {
  const created = await api<DomainView>(project.token, 'POST', '/v1/domains', { hostname });
  expect(created.status).toBe(201);
  return created.body;
}

/** Checks at Cloudflare until the fake's DNS has made it active. */
async function checkUntilActive(project: TestProject, hostname: string): Promise<DomainView> {
  for (let i = 0; i < 5; i += 1) {
    const checked = await api<DomainView>(project.token, 'POST', `/v1/domains/${hostname}/verify`);
    expect(checked.status).toBe(200);
    if (checked.body.status === 'active') return checked.body;
  }
  throw new Error(`${hostname} did not become active`);
}

afterEach(async () => {
  // A 429 pauses every call to Cloudflare until its retry-after; tests that moved a clock leave one behind.
  await env.DB.prepare('DELETE FROM cloudflare_api_pause').run();
  await clearFakeFaults();
  await setFakeQuota({ allocated: 100, hard_cap: 100 });
});

describe('a custom domain from nothing to serving signed events', () => {
  it('is created at Cloudflare with its DNS records, activates as DNS would, routes, and stops routing once removed', async () => {
    const project = await createProject({ plan: 'enterprise' });
    const hook = await createWebhookViaApi(project.token, { name: 'EHR chart updated', sample_payload: CHART_SAMPLE });
    const workflow = await createWorkflowViaApi(project.token, { name: 'chart sync', triggers: [{ webhook_id: hook.id }] });
    const hostname = hostnameFor(project);

    const created = await api<DomainView>(project.token, 'POST', '/v1/domains', { hostname: `  ${hostname.toUpperCase()} ` });
    expect(created.status).toBe(201);
    const domain = created.body;
    expect(domain).toMatchObject({ hostname, status: 'pending_dns', activated_at: null });
    expect(domain.status_text).toMatch(/^Waiting for DNS/);
    expect(domain.checked_at).not.toBeNull();
    expect(Date.parse(domain.expires_at ?? '') - Date.parse(domain.created_at)).toBe(7 * 24 * 3600 * 1000);

    // Everything the customer puts in their DNS, each record as type, name and value.
    const upstream = await fakeHostname(hostname);
    expect(upstream?.custom_metadata).toEqual({ org_id: project.orgId, project_id: project.projectId });
    expect(domain.records).toContainEqual({ type: 'CNAME', name: hostname, value: 'customers.usehasp.run', purpose: 'routing' });
    const ownership = domain.records.filter((r) => r.purpose === 'ownership');
    expect(ownership).toEqual([{ type: 'TXT', name: `_cf-custom-hostname.${hostname}`, value: expect.any(String), purpose: 'ownership' }]);
    const certificate = domain.records.filter((r) => r.purpose === 'certificate');
    expect(certificate.length).toBeGreaterThan(0);
    expect(certificate[0]).toMatchObject({ type: 'TXT', name: `_acme-challenge.${hostname}` });

    const customUrl = `https://${hostname}/webhooks/${hook.slug}`;
    expect((await postSigned(customUrl, hook.secret ?? '', CHART_SAMPLE)).status).toBe(404);
    expect((await api<WebhookBody>(project.token, 'GET', `/v1/webhooks/${hook.id}`)).body.urls).toEqual([]);

    const seen: string[] = [];
    let state = domain;
    for (let i = 0; i < 5 && state.status !== 'active'; i += 1) {
      state = (await api<DomainView>(project.token, 'POST', `/v1/domains/${hostname}/verify`)).body;
      seen.push(state.status);
    }
    expect(seen).toContain('validating_certificate');
    expect(state).toMatchObject({ status: 'active', reasons: [] });
    expect(state.activated_at).not.toBeNull();
    expect(state.expires_at).toBeNull();
    expect(state.records).toEqual([{ type: 'CNAME', name: hostname, value: 'customers.usehasp.run', purpose: 'routing' }]);

    expect((await api<WebhookBody>(project.token, 'GET', `/v1/webhooks/${hook.id}`)).body.urls).toEqual([customUrl]);
    const sent = await postSigned(customUrl, hook.secret ?? '', CHART_SAMPLE);
    expect(sent.status).toBe(202);
    const eventId = (await sent.json<{ event_id: string }>()).event_id;
    const [receipt] = await waitFor(async () => {
      const receipts = await receiptsOf(project, eventId);
      return receipts.length === 1 && receipts;
    }, 'the run of the event sent to the custom domain');
    expect(receipt?.envelope).toMatchObject({ event_id: eventId, workflow_id: workflow.id, payload: CHART_SAMPLE, input: CHART_SAMPLE });

    const list = await api<{ data: DomainView[] }>(project.token, 'GET', '/v1/domains');
    expect(list.body.data.map((d) => [d.hostname, d.status])).toEqual([[hostname, 'active']]);
    expect((await api<DomainView>(project.token, 'GET', `/v1/domains/${hostname.toUpperCase()}`)).body.status).toBe('active');

    expect((await api(project.token, 'DELETE', `/v1/domains/${hostname}`)).status).toBe(204);
    expect(await fakeHostname(hostname)).toBeUndefined();
    expect((await postSigned(customUrl, hook.secret ?? '', CHART_SAMPLE)).status).toBe(404);
    expect((await apiProblem(project.token, 'GET', `/v1/domains/${hostname}`)).status).toBe(404);
  });

  it('answers a retried POST with the hostname the first one added, creating nothing twice', async () => {
    const project = await createProject({ plan: 'enterprise' });
    const hostname = hostnameFor(project);
    const first = await addDomain(project, hostname);
    const again = await api<DomainView>(project.token, 'POST', '/v1/domains', { hostname });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first);
    expect((await fakeHostnames()).filter((h) => h.hostname === hostname)).toHaveLength(1);
  });

  it('finds the hostname a lost first try created at Cloudflare instead of failing on the duplicate', async () => {
    const project = await createProject({ plan: 'enterprise' });
    const hostname = hostnameFor(project);
    // The first try reached Cloudflare, then its answer was lost (Cloudflare then said 503).
    await fakeFault({ kind: 'unavailable', times: 1 });
    const lost = await apiProblem(project.token, 'POST', '/v1/domains', { hostname });
    expect(lost.status).toBe(503);
    const direct = await env.CLOUDFLARE_API?.fetch(`https://api.cloudflare.com/client/v4/zones/${env.SAAS_ZONE_ID}/custom_hostnames`, {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      body: JSON.stringify({ hostname, ssl: { method: 'txt', type: 'dv' } }),
    });
    const { result } = (await direct?.json()) as { result: { id: string } };

    const retried = await api<DomainView>(project.token, 'POST', '/v1/domains', { hostname });
    expect(retried.status).toBe(201);
    const held = (await fakeHostnames()).filter((h) => h.hostname === hostname);
    expect(held.map((h) => h.id)).toEqual([result.id]);
    expect((await api(project.token, 'DELETE', `/v1/domains/${hostname}`)).status).toBe(204);
    expect(await fakeHostname(hostname)).toBeUndefined();
  });
});

describe('refusals before anything is created', () => {
  it('answers 400 naming /hostname for names that cannot be a custom hostname, with no call to Cloudflare', async () => {
    const project = await createProject({ plan: 'enterprise' });
    const before = await fakeCalls();
    const bad = [
      'https://x.acme-health.com/path',
      '10.0.0.1',
      '[2001:db8::1]',
      '2001:db8::1',
      'hooks.acme.test',
      'hooks.acme.example',
      'hooks.example.com',
      'printer.local',
      'localhost',
      'intranet',
      `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com`,
      'bücher.de',
      '-bad.acme-health.com',
      'a..b.com',
      'a b.acme-health.com',
      '*.acme-health.com',
      'evil.usehasp.run',
      'api.localhost',
    ];
    for (const hostname of bad) {
      const refused = await api<{ errors?: { path: string }[] }>(project.token, 'POST', '/v1/domains', { hostname });
      expect([hostname, refused.status]).toEqual([hostname, 400]);
      expect(refused.body.errors?.map((e) => e.path)).toEqual(['/hostname']);
    }
    const reserved = await apiProblem(project.token, 'POST', '/v1/domains', { hostname: 'hooks.acme.test' });
    expect(JSON.stringify(reserved.body)).toContain('.test is reserved');
    const unicode = await apiProblem(project.token, 'POST', '/v1/domains', { hostname: 'bücher.de' });
    expect(JSON.stringify(unicode.body)).toContain('punycode');
    expect(await fakeCalls()).toBe(before);
    expect((await api<{ data: DomainView[] }>(project.token, 'GET', '/v1/domains')).body.data).toEqual([]);

    // The punycode form of the same name is a name.
    const punycode = `xn--bcher-kva.${project.orgSlug}-health.com`;
    expect((await api(project.token, 'POST', '/v1/domains', { hostname: punycode })).status).toBe(201);
  });

  it('answers 403 for an org that is not enterprise', async () => {
    const project = await createProject({ plan: 'team' });
    const before = await fakeCalls();
    const refused = await apiProblem(project.token, 'POST', '/v1/domains', { hostname: hostnameFor(project) });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('forbidden');
    expect(await fakeCalls()).toBe(before);
  });

  it('answers 409 when the quota at Cloudflare is used up, creating nothing', async () => {
    const project = await createProject({ plan: 'enterprise' });
    const used = (await fakeHostnames()).length;
    await setFakeQuota({ allocated: used, hard_cap: used });
    const hostname = hostnameFor(project);
    const refused = await apiProblem(project.token, 'POST', '/v1/domains', { hostname });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('hostname-quota-exhausted');
    expect(refused.body.detail).toContain(`${used} of ${used}`);
    expect(await fakeHostname(hostname)).toBeUndefined();
    expect((await apiProblem(project.token, 'GET', `/v1/domains/${hostname}`)).status).toBe(404);
  });
});

describe('Cloudflare unavailable or rate-limited', () => {
  it('answers 503 with Retry-After, leaves nothing half-created, and waits out a 429 before calling again', async () => {
    const project = await createProject({ plan: 'enterprise' });
    const hostname = hostnameFor(project);
    await fakeFault({ kind: 'unavailable', times: 1 });
    const down = await apiProblem(project.token, 'POST', '/v1/domains', { hostname });
    expect(down.status).toBe(503);
    expect(down.body.code).toBe('cloudflare-unavailable');
    expect(Number(down.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await apiProblem(project.token, 'GET', `/v1/domains/${hostname}`)).status).toBe(404);

    // A 429 from Cloudflare: its retry-after is ours, and no call is made until it has passed.
    let now = Date.now();
    const app = createControlApp({ resolver: new WebhookResolver(), masterKey: masterKeyFor, now: () => now });
    const post = () =>
      app.fetch(
        new Request('https://api.usehasp.run/v1/domains', { method: 'POST', headers: { authorization: `Bearer ${project.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ hostname }) }),
        env,
        createExecutionContext(),
      );
    await fakeFault({ kind: 'rate_limited', retry_after_seconds: 7, times: 5 });
    const limited = await post();
    expect(limited.status).toBe(503);
    expect(limited.headers.get('retry-after')).toBe('7');
    const calls = await fakeCalls();
    now += 3_000;
    const waiting = await post();
    expect(waiting.status).toBe(503);
    expect(Number(waiting.headers.get('retry-after'))).toBeLessThanOrEqual(4);
    expect(await fakeCalls()).toBe(calls);
    expect(await fakeHostname(hostname)).toBeUndefined();

    await clearFakeFaults();
    now += 5_000;
    expect((await post()).status).toBe(201);
    expect((await fakeHostnames()).filter((h) => h.hostname === hostname)).toHaveLength(1);
  });

  it('never shows the API token in a response or a log line', async () => {
    const project = await createProject({ plan: 'enterprise' });
    const token = 'cf-api-token-that-must-never-leak-0123456789';
    const app = createControlApp({ resolver: new WebhookResolver(), masterKey: masterKeyFor });
    const logged: string[] = [];
    const spies = (['log', 'warn', 'error', 'info', 'debug'] as const).map((level) => vi.spyOn(console, level).mockImplementation((...args: unknown[]) => logged.push(args.map(String).join(' '))));
    try {
      const bodies: string[] = [];
      const call = async (method: string, path: string, body?: unknown) => {
        const response = await app.fetch(
          new Request(`https://api.usehasp.run${path}`, { method, headers: { authorization: `Bearer ${project.token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) }),
          { ...env, CLOUDFLARE_API_TOKEN: token },
          createExecutionContext(),
        );
        bodies.push(`${response.status} ${[...response.headers].join(' ')} ${await response.text()}`);
      };
      const hostname = hostnameFor(project);
      await call('POST', '/v1/domains', { hostname });
      await fakeFault({ kind: 'unavailable', times: 1 });
      await call('POST', `/v1/domains/${hostname}/verify`);
      await fakeFault({ kind: 'rate_limited', retry_after_seconds: 1, times: 1 });
      await call('DELETE', `/v1/domains/${hostname}`);
      expect(bodies.map((b) => b.slice(0, 3))).toEqual(['201', '503', '503']);
      expect(bodies.join('\n')).not.toContain(token);
      expect(logged.join('\n')).not.toContain(token);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});

describe('states Cloudflare reports', () => {
  it('shows a moved hostname, a failed certificate and a hostname deleted upstream in words, with Cloudflare’s reasons', async () => {
    const project = await createProject({ plan: 'enterprise' });
    const moved = hostnameFor(project, 'moved');
    await addDomain(project, moved);
    await checkUntilActive(project, moved);
    await forceFakeHostname(moved, { status: 'moved' });
    const movedState = (await api<DomainView>(project.token, 'POST', `/v1/domains/${moved}/verify`)).body;
    expect(movedState).toMatchObject({ status: 'moved', activated_at: null });
    expect(movedState.status_text).toMatch(/^Moved away/);
    expect(movedState.reasons[0]).toContain('customers.usehasp.run');
    expect(movedState.expires_at).not.toBeNull();

    const broken = hostnameFor(project, 'cert');
    await addDomain(project, broken);
    await forceFakeHostname(broken, { ssl_status: 'validation_timed_out', validation_errors: ['TXT record for _acme-challenge not found.'] });
    const failed = (await api<DomainView>(project.token, 'POST', `/v1/domains/${broken}/verify`)).body;
    expect(failed).toMatchObject({ status: 'failed', reasons: ['TXT record for _acme-challenge not found.'] });
    expect(failed.status_text).toBe('Failed: TXT record for _acme-challenge not found.');

    const waiting = hostnameFor(project, 'waiting');
    await addDomain(project, waiting);
    await forceFakeHostname(waiting, { dns: 'missing', verification_errors: ['custom hostname does not CNAME to this zone.'] });
    for (let i = 0; i < 3; i += 1) await api(project.token, 'POST', `/v1/domains/${waiting}/verify`);
    const stillWaiting = (await api<DomainView>(project.token, 'GET', `/v1/domains/${waiting}`)).body;
    expect(stillWaiting).toMatchObject({ status: 'pending_dns', reasons: ['custom hostname does not CNAME to this zone.'] });

    const gone = hostnameFor(project, 'gone');
    await addDomain(project, gone);
    await deleteFakeHostname(gone);
    const goneState = (await api<DomainView>(project.token, 'POST', `/v1/domains/${gone}/verify`)).body;
    expect(goneState.status).toBe('failed');
    expect(goneState.reasons[0]).toContain('removed at Cloudflare');
    // Removing it here still works when Cloudflare no longer has it.
    expect((await api(project.token, 'DELETE', `/v1/domains/${gone}`)).status).toBe(204);
  });
});

describe('a hostname another org holds', () => {
  /** The control app with DNS answered by `lookup`, as production looks a takeover's TXT record up. */
  function withDns(lookup: TxtLookup) {
    const app = createControlApp({ resolver: new WebhookResolver(), masterKey: masterKeyFor, lookupTxt: lookup });
    return (token: string, hostname: string) =>
      app.fetch(
        new Request('https://api.usehasp.run/v1/domains', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ hostname }) }),
        { ...env, DOMAIN_VERIFICATION: 'dns' },
        createExecutionContext(),
      );
  }

  it('refuses a pending claim with 409 and the TXT record that takes it over; the proven owner takes it over, at Cloudflare too', async () => {
    const squatter = await createProject({ plan: 'enterprise' });
    const owner = await createProject({ plan: 'enterprise' });
    const hostname = hostnameFor(owner, 'hooks');
    await addDomain(squatter, hostname);
    const squatted = await fakeHostname(hostname);

    const clash = await apiProblem(owner.token, 'POST', '/v1/domains', { hostname });
    expect(clash.status).toBe(409);
    expect(errorPaths(clash.body)).toEqual(['/hostname']);
    const record = await takeoverRecord(owner.orgId, hostname);
    expect(clash.body.takeover).toEqual(record);
    expect(record.name).toBe(`_hasp-challenge.${hostname}`);
    expect(record.value).toMatch(/^hasp-verify=[0-9a-f]{40}$/);
    expect(clash.body.claim_expires_at).toEqual(expect.any(String));

    const post = withDns(async (name) => (name === record.name ? ['v=spf1 -all'] : []));
    expect((await post(owner.token, hostname)).status).toBe(409);
    expect((await fakeHostname(hostname))?.id).toBe(squatted?.id);
    // The squatter cannot take it back by publishing nothing, nor with the owner's record for itself.
    const asked: string[] = [];
    const proven = withDns(async (name) => {
      asked.push(name);
      return [record.value];
    });
    const taken = await proven(owner.token, hostname);
    expect(taken.status).toBe(201);
    expect(asked).toEqual([record.name]);
    const now = await fakeHostname(hostname);
    expect(now?.id).not.toBe(squatted?.id);
    expect(now?.custom_metadata).toEqual({ org_id: owner.orgId, project_id: owner.projectId });
    expect((await apiProblem(squatter.token, 'GET', `/v1/domains/${hostname}`)).status).toBe(404);
    expect((await proven(squatter.token, hostname)).status).toBe(409);
  });

  it('never takes over an active hostname, and refuses its removal by another org (409) without touching it', async () => {
    const holder = await createProject({ plan: 'enterprise' });
    const other = await createProject({ plan: 'enterprise' });
    const hostname = hostnameFor(holder, 'live');
    await addDomain(holder, hostname);
    await checkUntilActive(holder, hostname);
    const record = await takeoverRecord(other.orgId, hostname);
    const refused = await withDns(async () => [record.value])(other.token, hostname);
    expect(refused.status).toBe(409);
    expect(await refused.json()).not.toHaveProperty('takeover');
    const removal = await apiProblem(other.token, 'DELETE', `/v1/domains/${hostname}`);
    expect(removal.status).toBe(409);
    expect((await api<DomainView>(holder.token, 'GET', `/v1/domains/${hostname}`)).body.status).toBe('active');
    expect((await fakeHostname(hostname))?.custom_metadata?.org_id).toBe(holder.orgId);
  });

  it('lets anyone add a hostname whose claim has expired, removing the old claim at Cloudflare', async () => {
    const idle = await createProject({ plan: 'enterprise' });
    const next = await createProject({ plan: 'enterprise' });
    const hostname = hostnameFor(idle, 'idle');
    await addDomain(idle, hostname);
    const old = await fakeHostname(hostname);
    await env.DB.prepare('UPDATE custom_hostnames SET expires_at = ? WHERE hostname = ?').bind(new Date(Date.now() - 1000).toISOString(), hostname).run();
    expect((await api(next.token, 'POST', '/v1/domains', { hostname })).status).toBe(201);
    expect((await fakeHostname(hostname))?.id).not.toBe(old?.id);
    expect((await apiProblem(idle.token, 'GET', `/v1/domains/${hostname}`)).status).toBe(404);
  });
});

describe('DNS-over-HTTPS answers', () => {
  it('reads TXT answers from the JSON format', async () => {
    const fetcher = async (input: RequestInfo | URL): Promise<Response> => {
      expect(String(input)).toContain('name=_hasp-challenge.x.example.com&type=TXT');
      return Response.json({ Status: 0, Answer: [{ type: 16, data: '"hasp-verify=ab" "cd"' }, { type: 5, data: 'alias.' }] });
    };
    expect(await dohLookup(fetcher as typeof fetch)('_hasp-challenge.x.example.com')).toEqual(['hasp-verify=abcd']);
    const nx = async (): Promise<Response> => Response.json({ Status: 3 });
    expect(await dohLookup(nx as typeof fetch)('x')).toEqual([]);
    const servfail = async (): Promise<Response> => Response.json({ Status: 2 });
    expect(await dohLookup(servfail as typeof fetch)('x')).toBeNull();
    expect(txtData('plain')).toBe('plain');
  });
});

describe('unknown hostnames', () => {
  it('answers 404 for a hostname not in the project', async () => {
    const project = await createProject({ plan: 'enterprise' });
    expect((await apiProblem(project.token, 'POST', '/v1/domains/nope.example.com/verify')).status).toBe(404);
    expect((await apiProblem(project.token, 'DELETE', '/v1/domains/nope.example.com')).status).toBe(404);
  });
});
