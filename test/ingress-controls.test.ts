/**
 * Per-webhook controls at the edge: the IP allowlist answers 403 before the method or the body is
 * looked at; the rate limit counts only authenticated requests and answers 429 with Retry-After.
 * Neither enqueues anything, and both are kept as refusals with their cause.
 *
 * The rate-limiting bindings are wrangler.toml's, simulated by miniflare in memory for the whole
 * test run: every webhook here is new, so its id (the limiter's key) has never been counted.
 */
import { SELF, createExecutionContext, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../workers/hasp/index';
import type { EventMessage } from '../shared/queue/event-message';
import { CHART_SAMPLE, createProject, newStandardSecret, type TestProject } from './helpers/fixtures';
import { api, createWebhookViaApi, type Page } from './helpers/control-api';
import { RecordingQueue, everyEventsShard } from './helpers/queue';
import { problemOf, standardSignature } from './helpers/send';
import { waitFor } from './helpers/wait';

interface Hook {
  id: string;
  url: string;
  secret: string;
}

async function controlledWebhook(project: TestProject, controls: Record<string, unknown>): Promise<Hook> {
  const created = await createWebhookViaApi(project.token, { name: 'Controlled', sample_payload: CHART_SAMPLE, ...controls });
  if (created.secret === undefined) throw new Error('expected a generated secret');
  return { id: created.id, url: created.url, secret: created.secret };
}

interface Sent {
  response: Response;
  events: RecordingQueue<EventMessage>;
}

/**
 * One request through the Worker, its queue recorded. Its background work is not awaited: a
 * refusal within the flush interval schedules a write for the interval's end (5 s), and the tests
 * read refusals by polling, as a person or the CLI would.
 */
async function send(url: string, init: { ip?: string; method?: string; headers?: Record<string, string>; body?: BodyInit | null }): Promise<Sent> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers };
  if (init.ip !== undefined) headers['cf-connecting-ip'] = init.ip;
  const request = new Request(url, { method: init.method ?? 'POST', headers, body: init.body ?? null });
  const events = new RecordingQueue<EventMessage>();
  const ctx = createExecutionContext();
  const response = await worker.fetch(request as Parameters<typeof worker.fetch>[0], { ...env, ...everyEventsShard(events) }, ctx);
  return { response, events };
}

/** A request signed with `secret` (the real sender's, or a forger's guess). */
function sendSigned(hook: Hook, opts: { ip?: string; secret?: string; payload?: unknown } = {}): Promise<Sent> {
  const body = JSON.stringify(opts.payload ?? CHART_SAMPLE);
  return send(hook.url, { ip: opts.ip, headers: standardSignature(opts.secret ?? hook.secret, body), body });
}

/** A body that fails the test if anything reads it. */
function untouchableBody(): { stream: ReadableStream<Uint8Array>; pulled: () => boolean } {
  let pulled = false;
  // highWaterMark 0: nothing is pulled until a reader asks.
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        pulled = true;
        controller.error(new Error('the body was read'));
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => pulled };
}

interface RejectionItem {
  reason: string;
  http_status: number;
  count: number;
  detail: string;
}

async function refusals(project: TestProject, hook: Hook, reason: string): Promise<RejectionItem> {
  return waitFor(async () => {
    const page = await api<Page<RejectionItem>>(project.token, 'GET', `/v1/events?webhook_id=${hook.id}&status=rejected`);
    return page.body.data.find((r) => r.reason === reason);
  }, `a ${reason} refusal`);
}

/**
 * Waits until at least `needMs` are left in the current window of `periodSeconds`: miniflare's
 * limiter counts in windows aligned to the period, and a test must not straddle two of them.
 */
async function freshWindow(periodSeconds: number, needMs: number): Promise<void> {
  const periodMs = periodSeconds * 1000;
  const left = periodMs - (Date.now() % periodMs);
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

describe('IP allowlist', () => {
  it('answers 403 ip-not-allowed without reading the body, enqueues nothing, and keeps the refusal', async () => {
    const project = await createProject();
    const hook = await controlledWebhook(project, { ip_allowlist: ['203.0.113.0/24'] });
    const body = untouchableBody();
    const { response, events } = await send(hook.url, { ip: '198.51.100.7', headers: standardSignature(hook.secret, '{}'), body: body.stream });
    expect(response.status).toBe(403);
    const problem = await problemOf(response);
    expect(problem).toMatchObject({ code: 'ip-not-allowed', status: 403 });
    expect(problem.detail).toContain('198.51.100.7');
    expect(problem.detail).not.toContain('203.0.113');
    expect(body.pulled()).toBe(false);
    expect(events.sent).toEqual([]);

    const row = await refusals(project, hook, 'ip-not-allowed');
    expect(row).toMatchObject({ http_status: 403, count: 1 });

    // The same body from an allowed address is read (and its failure answered): the probe works.
    const allowed = untouchableBody();
    const read = await send(hook.url, { ip: '203.0.113.5', headers: standardSignature(hook.secret, '{}'), body: allowed.stream });
    expect(read.response.status).not.toBe(403);
    expect(allowed.pulled()).toBe(true);
  });

  it('refuses before the size limit and before the method: a large body or a GET still gets 403', async () => {
    const project = await createProject();
    const hook = await controlledWebhook(project, { ip_allowlist: ['203.0.113.0/24'], body_limit_bytes: 64 });
    const large = JSON.stringify({ ...CHART_SAMPLE, pad: 'x'.repeat(1000) });
    const outside = await send(hook.url, { ip: '192.0.2.1', body: large });
    expect(outside.response.status).toBe(403);
    const get = await send(hook.url, { ip: '192.0.2.1', method: 'GET' });
    expect(get.response.status).toBe(403);
    // From inside the allowlist the next checks answer as usual.
    expect((await send(hook.url, { ip: '203.0.113.9', body: large })).response.status).toBe(413);
    expect((await send(hook.url, { ip: '203.0.113.9', method: 'GET' })).response.status).toBe(405);
  });

  it('accepts a signed event from an allowed address and enqueues it', async () => {
    const project = await createProject();
    const hook = await controlledWebhook(project, { ip_allowlist: ['198.51.100.7', '203.0.113.0/24'] });
    for (const ip of ['198.51.100.7', '203.0.113.254']) {
      const { response, events } = await sendSigned(hook, { ip });
      expect(response.status, ip).toBe(202);
      expect(events.sent).toHaveLength(1);
    }
    expect((await sendSigned(hook, { ip: '198.51.100.8' })).response.status).toBe(403);
  });

  it('matches IPv6 clients against IPv6 ranges, and IPv4-mapped clients against IPv4 ones', async () => {
    const project = await createProject();
    const hook = await controlledWebhook(project, { ip_allowlist: ['2001:db8:1::/48', '192.0.2.0/24'] });
    expect((await sendSigned(hook, { ip: '2001:db8:1:abcd::42' })).response.status).toBe(202);
    expect((await sendSigned(hook, { ip: '2001:DB8:0001::1' })).response.status).toBe(202);
    expect((await sendSigned(hook, { ip: '::ffff:192.0.2.10' })).response.status).toBe(202);
    const outside = await sendSigned(hook, { ip: '2001:db8:2::1' });
    expect(outside.response.status).toBe(403);
    expect(outside.events.sent).toEqual([]);
  });

  it('refuses a request that carries no client address when the list is not empty', async () => {
    const project = await createProject();
    const hook = await controlledWebhook(project, { ip_allowlist: ['0.0.0.0/0'] });
    const { response } = await sendSigned(hook);
    expect(response.status).toBe(403);
    expect((await problemOf(response)).detail).toContain('unknown address');
    expect((await sendSigned(hook, { ip: '192.0.2.1' })).response.status).toBe(202);
  });

  it('allows any address with an empty list', async () => {
    const project = await createProject();
    const hook = await controlledWebhook(project, { ip_allowlist: [] });
    expect((await sendSigned(hook)).response.status).toBe(202);
    expect((await sendSigned(hook, { ip: '2001:db8::1' })).response.status).toBe(202);
  });

  it('applies a PATCHed allowlist at once in the isolate that served the change', async () => {
    const project = await createProject();
    const created = await createWebhookViaApi(project.token, { name: 'Later', sample_payload: CHART_SAMPLE });
    const hook: Hook = { id: created.id, url: created.url, secret: created.secret ?? '' };
    // Through the deployed Worker (SELF), whose control API invalidates its own ingress cache.
    const viaSelf = async (ip: string) => {
      const body = JSON.stringify(CHART_SAMPLE);
      return SELF.fetch(hook.url, { method: 'POST', headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip, ...standardSignature(hook.secret, body) }, body });
    };
    expect((await viaSelf('192.0.2.1')).status).toBe(202);
    const patched = await api(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { ip_allowlist: ['203.0.113.0/24'] });
    expect(patched.status).toBe(200);
    expect((await viaSelf('192.0.2.1')).status).toBe(403);
    expect((await viaSelf('203.0.113.1')).status).toBe(202);
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After once the limit is spent, enqueues nothing, and keeps the refusal', async () => {
    const project = await createProject();
    const hook = await controlledWebhook(project, { rate_limit: { requests: 10, period_seconds: 10 } });
    await freshWindow(10, 6000);
    for (let i = 0; i < 10; i += 1) {
      const { response, events } = await sendSigned(hook);
      expect(response.status, `request ${i + 1}`).toBe(202);
      expect(events.sent).toHaveLength(1);
    }
    const { response, events } = await sendSigned(hook);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('10');
    expect(await problemOf(response)).toMatchObject({ code: 'rate-limited', status: 429, rate_limit: { requests: 10, period_seconds: 10 } });
    expect(events.sent).toEqual([]);

    const row = await refusals(project, hook, 'rate-limited');
    expect(row).toMatchObject({ http_status: 429, count: 1 });
  });

  it("does not let a forger's unsigned or badly signed flood spend the sender's quota", async () => {
    const project = await createProject();
    const hook = await controlledWebhook(project, { rate_limit: { requests: 10, period_seconds: 10 } });
    const forgerSecret = newStandardSecret();
    await freshWindow(10, 7000);
    for (let i = 0; i < 25; i += 1) {
      expect((await sendSigned(hook, { secret: forgerSecret })).response.status).toBe(401);
    }
    for (let i = 0; i < 5; i += 1) {
      expect((await send(hook.url, { body: JSON.stringify(CHART_SAMPLE) })).response.status).toBe(401);
    }
    for (let i = 0; i < 10; i += 1) {
      expect((await sendSigned(hook)).response.status, `real request ${i + 1}`).toBe(202);
    }
    expect((await sendSigned(hook)).response.status).toBe(429);
  });

  it('counts each webhook on its own key', async () => {
    const project = await createProject();
    const limited = await controlledWebhook(project, { rate_limit: { requests: 10, period_seconds: 10 } });
    const neighbour = await controlledWebhook(project, { rate_limit: { requests: 10, period_seconds: 10 } });
    await freshWindow(10, 6000);
    for (let i = 0; i < 10; i += 1) await sendSigned(limited);
    expect((await sendSigned(limited)).response.status).toBe(429);
    expect((await sendSigned(neighbour)).response.status).toBe(202);
  });

  it('checks the allowlist before the limit: refused addresses spend no quota', async () => {
    const project = await createProject();
    const hook = await controlledWebhook(project, { rate_limit: { requests: 10, period_seconds: 10 }, ip_allowlist: ['203.0.113.0/24'] });
    await freshWindow(10, 6000);
    for (let i = 0; i < 15; i += 1) expect((await sendSigned(hook, { ip: '192.0.2.1' })).response.status).toBe(403);
    for (let i = 0; i < 10; i += 1) expect((await sendSigned(hook, { ip: '203.0.113.1' })).response.status).toBe(202);
    expect((await sendSigned(hook, { ip: '203.0.113.1' })).response.status).toBe(429);
  });
});

describe('refusal metrics', () => {
  it('counts both causes in the stats and the feed, beside the other refusals', async () => {
    const project = await createProject();
    const hook = await controlledWebhook(project, { rate_limit: { requests: 10, period_seconds: 10 }, ip_allowlist: ['203.0.113.0/24'] });
    await freshWindow(10, 6000);
    for (let i = 0; i < 3; i += 1) expect((await sendSigned(hook, { ip: '192.0.2.1' })).response.status).toBe(403);
    for (let i = 0; i < 10; i += 1) expect((await sendSigned(hook, { ip: '203.0.113.1' })).response.status).toBe(202);
    for (let i = 0; i < 2; i += 1) expect((await sendSigned(hook, { ip: '203.0.113.1' })).response.status).toBe(429);
    expect((await sendSigned(hook, { ip: '203.0.113.1', secret: newStandardSecret() })).response.status).toBe(401);

    type Stats = { hours: { refused: number; refused_by_reason: Record<string, number> }[]; totals: { refused: number }; by_webhook: Record<string, { refused: number }> };
    const byReason = await waitFor(async () => {
      const stats = await api<Stats>(project.token, 'GET', `/v1/events/stats?webhook_id=${hook.id}&hours=2`);
      const merged: Record<string, number> = {};
      for (const hour of stats.body.hours) for (const [reason, n] of Object.entries(hour.refused_by_reason)) merged[reason] = (merged[reason] ?? 0) + n;
      return stats.body.totals.refused === 6 && stats.body.by_webhook[hook.id]?.refused === 6 ? merged : null;
    }, 'six refusals in the stats');
    expect(byReason).toEqual({ 'ip-not-allowed': 3, 'rate-limited': 2, 'bad-signature': 1 });

    const feed = await api<{ data: { kind: string; refusal?: { reason: string; http_status: number } }[] }>(project.token, 'GET', `/v1/feed?webhook_id=${hook.id}&limit=50`);
    const refused = feed.body.data.filter((item) => item.kind === 'refusal').map((item) => [item.refusal?.reason, item.refusal?.http_status]);
    expect(refused).toEqual(expect.arrayContaining([['ip-not-allowed', 403], ['rate-limited', 429]]));
  });
});
