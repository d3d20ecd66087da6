/**
 * The cron's checks of custom hostnames (shared/domains/checks.ts), run through the Worker's
 * `scheduled` handler with a clock the test moves: pending hostnames activate with backoff, active
 * ones that move away or vanish upstream are marked so and stop routing, a run keeps to its budget
 * and stops at a 429 until Cloudflare's retry-after has passed, and claims that never became active
 * are released after 7 days, at Cloudflare too.
 */
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';
import { createDb } from '../../shared/db/client';
import { checkDomains } from '../../shared/domains/checks';
import { CloudflareRefused } from '../../shared/domains/cloudflare-errors';
import { configuredDomains } from '../../shared/domains/provisioning';
import { createHaspWorker } from '../../workers/hasp/worker';
import { clearFakeFaults, deleteFakeHostname, fakeCalls, fakeFault, fakeHostname, forceFakeHostname } from '../helpers/cloudflare-fake';
import { api, createWebhookViaApi } from '../helpers/control-api';
import { CHART_SAMPLE, createProject, type TestProject } from '../helpers/fixtures';
import { postSigned } from '../helpers/send';

const MINUTE = 60_000;

interface Row {
  hostname: string;
  status: string;
  checks: number;
  checked_at: string | null;
  next_check_at: string | null;
  expires_at: string | null;
  reasons: string;
}

let now = Date.now();
const worker = createHaspWorker({ now: () => now });

async function cron(): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: new Date(now), cron: '* * * * *' }), env, ctx);
  await waitOnExecutionContext(ctx);
}

async function rowOf(hostname: string): Promise<Row | null> {
  return env.DB.prepare('SELECT hostname, status, checks, checked_at, next_check_at, expires_at, reasons FROM custom_hostnames WHERE hostname = ?').bind(hostname).first<Row>();
}

let seq = 0;
async function added(project: TestProject, label = 'cron'): Promise<string> {
  seq += 1;
  const hostname = `${label}${seq}.${project.orgSlug}-health.com`;
  const created = await api(project.token, 'POST', '/v1/domains', { hostname });
  expect(created.status).toBe(201);
  return hostname;
}

/** Moves the clock past every row's next check. */
async function dueAll(): Promise<void> {
  const latest = await env.DB.prepare('SELECT max(next_check_at) AS latest FROM custom_hostnames').first<{ latest: string | null }>();
  if (latest?.latest) now = Math.max(now, Date.parse(latest.latest) + 1000);
}

afterEach(async () => {
  await env.DB.prepare('DELETE FROM cloudflare_api_pause').run();
  await clearFakeFaults();
});

describe('the cron checks custom hostnames', () => {
  it('activates a pending hostname within a few checks, backing off between them', async () => {
    const project = await createProject({ plan: 'enterprise' });
    const hook = await createWebhookViaApi(project.token, { name: 'chart', sample_payload: CHART_SAMPLE });
    now = Date.now();
    const hostname = await added(project);
    const created = await rowOf(hostname);
    // Not due yet: nothing is asked of Cloudflare.
    const calls = await fakeCalls();
    await cron();
    expect(await fakeCalls()).toBe(calls);

    const delays: number[] = [];
    for (let i = 0; i < 5 && (await rowOf(hostname))?.status !== 'active'; i += 1) {
      now = Date.parse((await rowOf(hostname))?.next_check_at ?? '') + 1;
      await cron();
      const row = await rowOf(hostname);
      delays.push(Date.parse(row?.next_check_at ?? '') - Date.parse(row?.checked_at ?? ''));
    }
    const row = await rowOf(hostname);
    expect(row?.status).toBe('active');
    expect(row?.expires_at).toBeNull();
    expect(Date.parse(row?.checked_at ?? '')).toBeGreaterThan(Date.parse(created?.checked_at ?? ''));
    // 1 minute after a change of state, doubling while it stays; 6 hours once active.
    expect(delays.at(-1)).toBe(6 * 60 * MINUTE);
    expect(delays.slice(0, -1).every((d) => d === MINUTE || d === 2 * MINUTE)).toBe(true);
    expect((await postSigned(`https://${hostname}/webhooks/${hook.slug}`, hook.secret ?? '', CHART_SAMPLE)).status).toBe(202);
  });

  it('marks an active hostname moved away, or removed upstream, and it stops routing', async () => {
    const project = await createProject({ plan: 'enterprise' });
    const hook = await createWebhookViaApi(project.token, { name: 'chart', sample_payload: CHART_SAMPLE });
    now = Date.now();
    const moving = await added(project, 'moving');
    const vanishing = await added(project, 'vanishing');
    for (let i = 0; i < 4; i += 1) {
      await dueAll();
      await cron();
    }
    expect([(await rowOf(moving))?.status, (await rowOf(vanishing))?.status]).toEqual(['active', 'active']);
    const url = `https://${moving}/webhooks/${hook.slug}`;
    expect((await postSigned(url, hook.secret ?? '', CHART_SAMPLE)).status).toBe(202);

    await forceFakeHostname(moving, { status: 'moved' });
    await deleteFakeHostname(vanishing);
    await dueAll();
    await cron();
    expect((await rowOf(moving))?.status).toBe('moved');
    const gone = await rowOf(vanishing);
    expect(gone?.status).toBe('failed');
    expect(JSON.parse(gone?.reasons ?? '[]')[0]).toContain('removed at Cloudflare');
    // The ingress reads hostnames through its cache (CONFIG_TTL_SECONDS = 0 here): the first request
    // may still be served from it while it revalidates; the next one is not.
    await postSigned(url, hook.secret ?? '', CHART_SAMPLE);
    expect((await postSigned(url, hook.secret ?? '', CHART_SAMPLE)).status).toBe(404);
  });

  it('keeps to its budget per run and stops at a 429 until Cloudflare’s retry-after has passed', async () => {
    // Counted from a catalogue of these four alone (storage is shared by the tests of a file).
    await env.DB.prepare('DELETE FROM custom_hostnames').run();
    const project = await createProject({ plan: 'enterprise' });
    now = Date.now();
    const hostnames = [await added(project, 'b'), await added(project, 'b'), await added(project, 'b'), await added(project, 'b')];
    await dueAll();
    const domains = configuredDomains(env, createDb(env.DB), () => now);
    if (domains === null) throw new Error('custom domains are configured in tests');

    let calls = await fakeCalls();
    const first = await checkDomains(domains, 3);
    expect(first).toEqual({ released: 0, checked: 3, stopped: null });
    expect((await fakeCalls()) - calls).toBe(3);
    const unchecked = (await Promise.all(hostnames.map(rowOf))).filter((r) => Date.parse(r?.next_check_at ?? '') <= now);
    expect(unchecked).toHaveLength(1);

    await dueAll();
    await fakeFault({ kind: 'rate_limited', retry_after_seconds: 120, times: 1 });
    calls = await fakeCalls();
    const limited = await checkDomains(domains);
    expect(limited).toMatchObject({ checked: 0, stopped: 'rate-limited' });
    expect((await fakeCalls()) - calls).toBe(1);
    // Within Cloudflare's 120 s no call is made, by this run or any other isolate's.
    now += 60_000;
    calls = await fakeCalls();
    const other = configuredDomains(env, createDb(env.DB), () => now);
    expect(await other?.api.findByHostname(hostnames[0] ?? '').catch((e: unknown) => e)).toMatchObject({ rateLimited: true });
    expect(await checkDomains(domains)).toMatchObject({ checked: 0, stopped: 'rate-limited' });
    expect(await fakeCalls()).toBe(calls);
    now += 61_000;
    expect(await checkDomains(domains)).toEqual({ released: 0, checked: 4, stopped: null });
  });

  it('releases a claim that is not active after 7 days, at Cloudflare too, and never an active one', async () => {
    const project = await createProject({ plan: 'enterprise' });
    now = Date.now();
    const stale = await added(project, 'stale');
    await forceFakeHostname(stale, { dns: 'missing' });
    const live = await added(project, 'live');
    for (let i = 0; i < 4; i += 1) {
      await dueAll();
      await cron();
    }
    expect([(await rowOf(stale))?.status, (await rowOf(live))?.status]).toEqual(['pending_dns', 'active']);
    now = Date.parse((await rowOf(stale))?.expires_at ?? '') + 1000;
    await cron();
    expect(await rowOf(stale)).toBeNull();
    expect(await fakeHostname(stale)).toBeUndefined();
    expect((await rowOf(live))?.status).toBe('active');
    expect(await fakeHostname(live)).toBeDefined();
  });

  it('links hostnames from before this change at their first check: found at Cloudflare by name, or created there', async () => {
    const project = await createProject({ plan: 'enterprise' });
    now = Date.now();
    seq += 1;
    const byHand = `legacy${seq}.${project.orgSlug}-health.com`;
    const pending = `legacy-pending${seq}.${project.orgSlug}-health.com`;
    // As migration 0007 leaves them: verified rows active, the others pending, neither linked.
    const at = new Date(now).toISOString();
    for (const [hostname, status] of [[byHand, 'active'], [pending, 'pending_dns']] as const) {
      await env.DB.prepare('INSERT INTO custom_hostnames (hostname, org_id, project_id, status, next_check_at) VALUES (?, ?, ?, ?, ?)').bind(hostname, project.orgId, project.projectId, status, at).run();
    }
    // The operator had added the verified one at Cloudflare by hand, as README then said.
    const created = await env.CLOUDFLARE_API?.fetch(`https://api.cloudflare.com/client/v4/zones/${env.SAAS_ZONE_ID}/custom_hostnames`, {
      method: 'POST',
      headers: { authorization: 'Bearer operator', 'content-type': 'application/json' },
      body: JSON.stringify({ hostname: byHand, ssl: { method: 'txt', type: 'dv' } }),
    });
    const byHandId = ((await created?.json()) as { result: { id: string } }).result.id;
    now += 1000;
    await cron();
    const linked = await env.DB.prepare('SELECT hostname, cloudflare_id FROM custom_hostnames WHERE hostname IN (?, ?) ORDER BY hostname').bind(byHand, pending).all<{ hostname: string; cloudflare_id: string | null }>();
    expect(linked.results.find((r) => r.hostname === byHand)?.cloudflare_id).toBe(byHandId);
    expect(linked.results.find((r) => r.hostname === pending)?.cloudflare_id).toBe((await fakeHostname(pending))?.id);
    expect((await fakeHostname(pending))?.custom_metadata).toEqual({ org_id: project.orgId, project_id: project.projectId });
  });

  it('stops a run at a refused token instead of postponing every hostname', async () => {
    await env.DB.prepare('DELETE FROM custom_hostnames').run();
    const project = await createProject({ plan: 'enterprise' });
    now = Date.now();
    await added(project, 'token');
    await added(project, 'token');
    await dueAll();
    const real = configuredDomains(env, createDb(env.DB), () => now);
    if (real === null) throw new Error('custom domains are configured in tests');
    const before = await env.DB.prepare('SELECT checks, next_check_at FROM custom_hostnames ORDER BY hostname').all();
    let asked = 0;
    const refusing = async (): Promise<never> => {
      asked += 1;
      throw new CloudflareRefused(403, [10000], ['Authentication error']);
    };
    const run = await checkDomains({ ...real, api: { ...real.api, get: refusing, create: refusing, findByHostname: refusing } });
    expect(run).toEqual({ released: 0, checked: 0, stopped: 'token-refused' });
    expect(asked).toBe(1);
    const after = await env.DB.prepare('SELECT checks, next_check_at FROM custom_hostnames ORDER BY hostname').all();
    expect(after.results).toEqual(before.results);
  });
});
