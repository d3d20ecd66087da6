/**
 * Per-webhook controls under the real `npm run dev`: the IP allowlist matches the client address
 * wrangler dev gives the Worker (CF-Connecting-IP, set by miniflare from the connection: 127.0.0.1
 * for a client on IPv4 loopback), and the rate limit is wrangler.toml's `[[ratelimits]]` binding as
 * wrangler simulates it (in memory, in windows aligned to the period).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, signedHeaders, startDevServer, type DevServer, type HttpResult } from './helpers/dev-server';

const PORT = Number(process.env.HASP_TEST_CONTROLS_DEV_PORT ?? 8804);
const INSPECTOR_PORT = Number(process.env.HASP_TEST_CONTROLS_INSPECTOR_PORT ?? 9244);
const TOKEN = 'hasp_test_controls_dev_token_0123456789';
const SECRET = 'whsec_Y29udHJvbHMtZGV2LXRlc3Qtc2VjcmV0LTAx';
const SAMPLE = { patient_id: 'p1', event: 'chart_updated', updated_fields: ['allergies'] };
const BODY = JSON.stringify(SAMPLE);
const AUTH = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, token: TOKEN, secret: SECRET, args: ['--inspector-port', String(INSPECTOR_PORT)] });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

interface Hook {
  id: string;
  slug: string;
  secret: string;
}

async function createWebhook(body: Record<string, unknown>): Promise<Hook> {
  const res = await http(PORT, 'api.usehasp.run', 'POST', '/v1/webhooks', AUTH, JSON.stringify({ sample_payload: SAMPLE, ...body }));
  expect(res.status, res.text).toBe(201);
  const created = JSON.parse(res.text) as Hook;
  expect(created.secret).toMatch(/^whsec_/);
  return created;
}

let delivery = 0;
function send(hook: Hook, headers: Record<string, string> = {}, secret = hook.secret): Promise<HttpResult> {
  delivery += 1;
  return http(PORT, 'acme.usehasp.run', 'POST', `/webhooks/${hook.slug}`, { ...signedHeaders(secret, `msg_controls_${delivery}`, BODY), ...headers }, BODY);
}

function problem(res: HttpResult): { code: string; status: number; detail: string } & Record<string, unknown> {
  expect(res.headers['content-type']).toBe('application/problem+json');
  return JSON.parse(res.text);
}

/** The refusals of one reason the control API shows for a webhook, once the ingress has flushed them. */
async function refusalOf(hook: Hook, reason: string): Promise<{ reason: string; http_status: number; count: number }> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await http(PORT, 'api.usehasp.run', 'GET', `/v1/events?webhook_id=${hook.id}&status=rejected`, AUTH);
    const found = (JSON.parse(res.text) as { data: { reason: string; http_status: number; count: number }[] }).data.find((r) => r.reason === reason);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no ${reason} refusal for ${hook.id}: ${res.text}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Waits until `needMs` are left in the limiter's current window, so a burst stays inside one. */
async function freshWindow(periodSeconds: number, needMs: number): Promise<void> {
  const periodMs = periodSeconds * 1000;
  const left = periodMs - (Date.now() % periodMs);
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

describe('IP allowlist under npm run dev', () => {
  it('sees the connection address as CF-Connecting-IP: 403 from outside the list, 202 once it is allowed', async () => {
    const hook = await createWebhook({ name: 'Allowlisted dev', ip_allowlist: ['203.0.113.0/24', '2001:db8::/32'] });
    const refused = await send(hook);
    expect(refused.status).toBe(403);
    const body = problem(refused);
    expect(body).toMatchObject({ code: 'ip-not-allowed', status: 403 });
    // The test connects to 127.0.0.1: that is the client address the Worker is given.
    expect(body.detail).toContain('127.0.0.1');
    expect(await refusalOf(hook, 'ip-not-allowed')).toMatchObject({ http_status: 403 });

    const patched = await http(PORT, 'api.usehasp.run', 'PATCH', `/v1/webhooks/${hook.id}`, AUTH, JSON.stringify({ ip_allowlist: ['127.0.0.0/8'] }));
    expect(patched.status, patched.text).toBe(200);
    expect(JSON.parse(patched.text)).toMatchObject({ ip_allowlist: ['127.0.0.0/8'] });
    const accepted = await send(hook);
    expect(accepted.status, accepted.text).toBe(202);
  });

  it('answers 403 before the body is read: a body over the size limit gets 403, not 413', async () => {
    const hook = await createWebhook({ name: 'Allowlisted small', ip_allowlist: ['203.0.113.0/24'], body_limit_bytes: 64 });
    const large = JSON.stringify({ ...SAMPLE, pad: 'x'.repeat(4096) });
    const res = await http(PORT, 'acme.usehasp.run', 'POST', `/webhooks/${hook.slug}`, signedHeaders(hook.secret, 'msg_controls_large', large), large);
    expect(res.status).toBe(403);
  });
});

describe('rate limit under npm run dev', () => {
  it('answers 429 with Retry-After past the limit; forged requests spend none of it', async () => {
    const hook = await createWebhook({ name: 'Limited dev', rate_limit: { requests: 10, period_seconds: 10 } });
    await freshWindow(10, 7_000);
    const forger = 'whsec_Zm9yZ2VyLXNlY3JldC1ub3QtdGhlLXNlbmRlcnM=';
    for (let i = 0; i < 12; i += 1) expect((await send(hook, {}, forger)).status).toBe(401);
    for (let i = 0; i < 10; i += 1) {
      const res = await send(hook);
      expect(res.status, `request ${i + 1}: ${res.text}`).toBe(202);
    }
    const limited = await send(hook);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('10');
    expect(problem(limited)).toMatchObject({ code: 'rate-limited', status: 429, rate_limit: { requests: 10, period_seconds: 10 } });
    expect(await refusalOf(hook, 'rate-limited')).toMatchObject({ http_status: 429 });
  }, 30_000);
});
