/**
 * Per-webhook controls in the control API: `rate_limit` and `ip_allowlist` on create, PATCH and the
 * resource view, their validation (each bad entry named), and how allowlist entries are normalised.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { IpAllowlist, MAX_ALLOWLIST_ENTRIES, normaliseAllowlistEntry } from '../../shared/ingress/ip-allowlist';
import { RATE_LIMIT_LADDER, offeredLimits } from '../../shared/ingress/rate-limit';
import { createProject } from '../helpers/fixtures';
import { api, apiProblem, createWebhookViaApi, errorPaths, type WebhookBody } from '../helpers/control-api';

interface ControlledWebhook extends WebhookBody {
  rate_limit: { requests: number; period_seconds: number } | null;
  ip_allowlist: string[];
}

async function create(token: string, body: Record<string, unknown>): Promise<ControlledWebhook> {
  return (await createWebhookViaApi(token, { name: 'Controlled', ...body })) as ControlledWebhook;
}

async function view(token: string, id: string): Promise<ControlledWebhook> {
  const response = await api<ControlledWebhook>(token, 'GET', `/v1/webhooks/${id}`);
  expect(response.status).toBe(200);
  return response.body;
}

describe('rate_limit and ip_allowlist in the resource view', () => {
  it('has no limit and allows any address unless told otherwise', async () => {
    const project = await createProject();
    const created = await create(project.token, {});
    expect(created.rate_limit).toBeNull();
    expect(created.ip_allowlist).toEqual([]);
    const listed = await api<{ data: ControlledWebhook[] }>(project.token, 'GET', '/v1/webhooks');
    expect(listed.body.data[0]).toMatchObject({ rate_limit: null, ip_allowlist: [] });
  });

  it('stores both on create and shows them, the allowlist normalised', async () => {
    const project = await createProject();
    const created = await create(project.token, {
      rate_limit: { requests: 50, period_seconds: 10 },
      ip_allowlist: ['192.0.2.0/24', '198.51.100.7', '2001:DB8:0:0::/32', '10.1.2.3/8', ' 2001:db8:abcd::1 ', '192.0.2.0/24'],
    });
    const expected = { requests: 50, period_seconds: 10 };
    const ranges = ['192.0.2.0/24', '198.51.100.7/32', '2001:db8::/32', '10.0.0.0/8', '2001:db8:abcd::1/128'];
    expect(created.rate_limit).toEqual(expected);
    expect(created.ip_allowlist).toEqual(ranges);
    const shown = await view(project.token, created.id);
    expect(shown.rate_limit).toEqual(expected);
    expect(shown.ip_allowlist).toEqual(ranges);
    const row = await env.DB.prepare('SELECT rate_limit_requests, rate_limit_period_seconds, ip_allowlist FROM webhooks WHERE id = ?')
      .bind(created.id)
      .first<{ rate_limit_requests: number; rate_limit_period_seconds: number; ip_allowlist: string }>();
    expect(row).toEqual({ rate_limit_requests: 50, rate_limit_period_seconds: 10, ip_allowlist: JSON.stringify(ranges) });
  });

  it('changes, keeps and clears them with PATCH', async () => {
    const project = await createProject();
    const created = await create(project.token, { rate_limit: { requests: 60, period_seconds: 60 }, ip_allowlist: ['203.0.113.0/24'] });

    const renamed = await api<ControlledWebhook>(project.token, 'PATCH', `/v1/webhooks/${created.id}`, { name: 'Renamed' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ rate_limit: { requests: 60, period_seconds: 60 }, ip_allowlist: ['203.0.113.0/24'] });

    const changed = await api<ControlledWebhook>(project.token, 'PATCH', `/v1/webhooks/${created.id}`, {
      rate_limit: { requests: 1000, period_seconds: 10 },
      ip_allowlist: ['2001:db8:1::/48'],
    });
    expect(changed.body).toMatchObject({ rate_limit: { requests: 1000, period_seconds: 10 }, ip_allowlist: ['2001:db8:1::/48'] });

    const cleared = await api<ControlledWebhook>(project.token, 'PATCH', `/v1/webhooks/${created.id}`, { rate_limit: null, ip_allowlist: [] });
    expect(cleared.body).toMatchObject({ rate_limit: null, ip_allowlist: [] });
    expect(await view(project.token, created.id)).toMatchObject({ rate_limit: null, ip_allowlist: [] });
  });
});

describe('validation', () => {
  it('refuses a limit that is not offered, listing the offered limits of that period', async () => {
    const project = await createProject();
    const refused = await apiProblem(project.token, 'POST', '/v1/webhooks', { name: 'X', rate_limit: { requests: 7, period_seconds: 10 } });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('invalid-request');
    expect(refused.body.errors).toEqual([{ path: '/rate_limit/requests', message: `rate_limit.requests per 10 s must be one of ${offeredLimits(10).join(', ')}` }]);
    expect(refused.body.errors?.[0]?.message).toContain('10, 50, 100, 500, 1000');

    const perMinute = await apiProblem(project.token, 'POST', '/v1/webhooks', { name: 'X', rate_limit: { requests: 50, period_seconds: 60 } });
    expect(perMinute.body.errors?.[0]?.message).toContain('60, 300, 600, 3000, 6000');
  });

  it('refuses another period, a fraction, a missing field and an unknown one', async () => {
    const project = await createProject();
    const cases: [unknown, string][] = [
      [{ requests: 10, period_seconds: 30 }, '/rate_limit/period_seconds'],
      [{ requests: 10.5, period_seconds: 10 }, '/rate_limit/requests'],
      [{ period_seconds: 10 }, '/rate_limit/requests'],
      [{ requests: 10, period_seconds: 10, burst: 5 }, '/rate_limit/burst'],
      [10, '/rate_limit'],
    ];
    for (const [rateLimit, path] of cases) {
      const refused = await apiProblem(project.token, 'POST', '/v1/webhooks', { name: 'X', rate_limit: rateLimit });
      expect(refused.status, JSON.stringify(rateLimit)).toBe(400);
      expect(errorPaths(refused.body), JSON.stringify(rateLimit)).toContain(path);
    }
  });

  it('names each bad allowlist entry by its index and its text', async () => {
    const project = await createProject();
    const refused = await apiProblem(project.token, 'POST', '/v1/webhooks', {
      name: 'X',
      ip_allowlist: ['192.0.2.0/24', '10.0.0.300', '2001:db8::/129', 'example.com', '10.1/16', '192.0.2.1/33'],
    });
    expect(refused.status).toBe(400);
    expect(errorPaths(refused.body)).toEqual(['/ip_allowlist/1', '/ip_allowlist/2', '/ip_allowlist/3', '/ip_allowlist/4', '/ip_allowlist/5']);
    const messages = (refused.body.errors ?? []).map((e) => e.message);
    expect(messages[0]).toContain('"10.0.0.300" is not an IPv4 or IPv6 address or CIDR range');
    expect(messages[1]).toContain('"2001:db8::/129": an IPv6 prefix is at most /128');
    expect(messages[2]).toContain('"example.com"');
    expect(messages[3]).toContain('"10.1/16"');
    expect(messages[4]).toContain('at most /32');
    // Nothing was created.
    const listed = await api<{ data: unknown[] }>(project.token, 'GET', '/v1/webhooks');
    expect(listed.body.data).toEqual([]);
  });

  it('refuses a PATCH with a bad entry and leaves the stored list as it was', async () => {
    const project = await createProject();
    const created = await create(project.token, { ip_allowlist: ['203.0.113.0/24'] });
    const refused = await apiProblem(project.token, 'PATCH', `/v1/webhooks/${created.id}`, { ip_allowlist: ['203.0.113.0/24', 'fe80::1%eth0'] });
    expect(refused.status).toBe(400);
    expect(errorPaths(refused.body)).toEqual(['/ip_allowlist/1']);
    expect((await view(project.token, created.id)).ip_allowlist).toEqual(['203.0.113.0/24']);
  });

  it(`refuses more than ${MAX_ALLOWLIST_ENTRIES} entries and a list that is not an array`, async () => {
    const project = await createProject();
    const many = Array.from({ length: MAX_ALLOWLIST_ENTRIES + 1 }, (_, i) => `10.0.${Math.floor(i / 256)}.${i % 256}`);
    const tooMany = await apiProblem(project.token, 'POST', '/v1/webhooks', { name: 'X', ip_allowlist: many });
    expect(tooMany.status).toBe(400);
    expect(errorPaths(tooMany.body)).toEqual(['/ip_allowlist']);
    const notArray = await apiProblem(project.token, 'POST', '/v1/webhooks', { name: 'X', ip_allowlist: '10.0.0.0/8' });
    expect(errorPaths(notArray.body)).toEqual(['/ip_allowlist']);
  });

  it('documents both fields in the OpenAPI document', async () => {
    const response = await api<{ paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } }>> }>(null, 'GET', '/v1/openapi.json');
    const body = response.body.paths['/v1/webhooks']?.post?.requestBody?.content['application/json']?.schema.properties;
    expect(body).toHaveProperty('rate_limit');
    expect(body).toHaveProperty('ip_allowlist');
  });
});

describe('allowlist entries', () => {
  it('normalises IPv4 and IPv6 addresses and ranges', () => {
    const cases: [string, string][] = [
      ['203.0.113.7', '203.0.113.7/32'],
      ['203.0.113.7/24', '203.0.113.0/24'],
      ['0.0.0.0/0', '0.0.0.0/0'],
      ['2001:0DB8:0000::1', '2001:db8::1/128'],
      ['2001:db8:ffff::/33', '2001:db8:8000::/33'],
      ['::/0', '::/0'],
      ['::ffff:198.51.100.0/120', '198.51.100.0/24'],
    ];
    for (const [entry, cidr] of cases) expect(normaliseAllowlistEntry(entry), entry).toEqual({ ok: true, cidr });
  });

  it('refuses shorthand, octal and zoned notations', () => {
    for (const entry of ['10.1', '010.0.0.1', '0x0a.0.0.1', '10.0.0.1/08', 'fe80::1%eth0', '1.2.3.4/', '/24', '']) {
      expect(normaliseAllowlistEntry(entry).ok, entry).toBe(false);
    }
  });

  it('matches client addresses against the compiled ranges, IPv4 and IPv6', () => {
    const list = IpAllowlist.compile(['192.0.2.0/24', '2001:db8:1::/48']);
    expect(list).not.toBeNull();
    expect(list?.allows('192.0.2.200')).toBe(true);
    expect(list?.allows('192.0.3.1')).toBe(false);
    expect(list?.allows('::ffff:192.0.2.9')).toBe(true);
    expect(list?.allows('2001:db8:1:ffff::1')).toBe(true);
    expect(list?.allows('2001:db8:2::1')).toBe(false);
    expect(list?.allows(null)).toBe(false);
    expect(list?.allows('not an address')).toBe(false);
    expect(IpAllowlist.compile([])).toBeNull();
  });
});

describe('the offered rate limits', () => {
  it('each has its rate-limiting binding in wrangler.toml', async () => {
    const bindings = env as unknown as Record<string, { limit?: unknown } | undefined>;
    for (const rung of RATE_LIMIT_LADDER) {
      expect(typeof bindings[rung.binding]?.limit, rung.binding).toBe('function');
    }
    // The binding counts: a fresh key is let through once.
    expect(await env.RATE_LIMIT_10S_10.limit({ key: `controls-test-${crypto.randomUUID()}` })).toEqual({ success: true });
  });
});
