/**
 * The fake of Cloudflare's custom-hostnames API (workers/cloudflare-fake), driven through the real
 * `cloudflare` SDK over the service's CLOUDFLARE_API binding, as the service drives it: the SDK must
 * accept every answer and surface every error as it would from api.cloudflare.com. Storage is per
 * test file, so each test works in a zone of its own.
 */
import { env } from 'cloudflare:test';
import { APIError, BadRequestError, ConflictError, InternalServerError, NotFoundError, PermissionDeniedError, RateLimitError } from 'cloudflare/core/error';
import { BaseCustomHostnames, type CustomHostname } from 'cloudflare/resources/custom-hostnames/custom-hostnames';
import { BaseQuota } from 'cloudflare/resources/custom-hostnames/quota';
import { createClient } from 'cloudflare/tree-shakable';
import { describe, expect, it } from 'vitest';

const BASE_URL = 'https://api.cloudflare.com/client/v4';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NOT_CNAMED = 'custom hostname does not CNAME to this zone.';

function fakeApi(): Fetcher {
  const binding = env.CLOUDFLARE_API;
  if (!binding) throw new Error('CLOUDFLARE_API is not bound: vitest.config.mts runs the fake as an auxiliary Worker');
  return binding;
}

/** The SDK as the service builds it, its requests sent through the binding; no retries, so every error surfaces. */
function cloudflare(apiToken: string | null = 'test-token') {
  const api = fakeApi();
  return createClient({
    apiToken,
    // Without a token the SDK refuses to send unless the header is explicitly left out.
    ...(apiToken === null && { defaultHeaders: { Authorization: null } }),
    baseURL: BASE_URL,
    maxRetries: 0,
    fetch: (input, init) => api.fetch(input, init),
    resources: [BaseCustomHostnames, BaseQuota],
  });
}

/** A zone of this test's own. */
function newZone(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

/** A control request to the fake (no auth, plain JSON). */
async function control(method: string, path: string, body?: unknown): Promise<Response> {
  return fakeApi().fetch(`https://cloudflare-fake/__fake${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function callsOf(zone: string): Promise<{ total: number; by_route: Record<string, number> }> {
  return (await control('GET', `/zones/${zone}/calls`)).json();
}

function createIn(zone: string, hostname: string, extra: { custom_metadata?: Record<string, string> } = {}) {
  return cloudflare().customHostnames.create({ zone_id: zone, hostname, ssl: { method: 'txt', type: 'dv', settings: { min_tls_version: '1.2' } }, ...extra });
}

/** The error an SDK call threw, for assertions on its class, status, headers and codes. */
async function failureOf(call: Promise<unknown>): Promise<APIError> {
  const error: unknown = await call.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof APIError)) throw new Error(`expected the SDK to throw an APIError, got ${String(error)}`);
  return error;
}

describe('the custom hostnames API', () => {
  it('Should create a hostname pending, with its ownership and certificate validation records', async () => {
    const zone = newZone();
    const { data: created, response } = await createIn(zone, 'app.customer-one.com', { custom_metadata: { org: 'acme' } }).withResponse();

    expect(response.status).toBe(201);
    expect(created.id).toMatch(UUID);
    expect(created.hostname).toBe('app.customer-one.com');
    expect(Number.isNaN(Date.parse(created.created_at ?? ''))).toBe(false);
    expect(created.custom_metadata).toEqual({ org: 'acme' });
    expect(created.status).toBe('pending');
    expect(created.verification_errors).toEqual([NOT_CNAMED]);
    expect(created.ownership_verification).toEqual({ type: 'txt', name: '_cf-custom-hostname.app.customer-one.com', value: expect.stringMatching(UUID) });
    expect(created.ownership_verification_http?.http_url).toBe(`http://app.customer-one.com/.well-known/cf-custom-hostname-challenge/${created.id}`);
    expect(created.ownership_verification_http?.http_body).toMatch(UUID);
    expect(created.ssl).toEqual({
      id: expect.stringMatching(UUID),
      type: 'dv',
      method: 'txt',
      status: 'pending_validation',
      validation_records: [{ status: 'pending', txt_name: '_acme-challenge.app.customer-one.com', txt_value: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) }],
      settings: { min_tls_version: '1.2' },
      bundle_method: 'ubiquitous',
      certificate_authority: 'google',
      wildcard: false,
    });
  });

  it('Should get, list by hostname, edit and delete a hostname', async () => {
    const zone = newZone();
    const client = cloudflare();
    const created = await createIn(zone, 'docs.customer-two.com');

    const got = await client.customHostnames.get(created.id, { zone_id: zone });
    expect(got.id).toBe(created.id);
    expect(got.hostname).toBe('docs.customer-two.com');

    const listed = await client.customHostnames.list({ zone_id: zone, hostname: { exact: 'docs.customer-two.com' } });
    expect(listed.result.map((hostname) => hostname.id)).toEqual([created.id]);
    expect(listed.result_info).toEqual({ page: 1, per_page: 20, count: 1, total_count: 1, total_pages: 1 });

    const { data: edited, response } = await client.customHostnames.edit(created.id, { zone_id: zone, custom_metadata: { plan: 'enterprise' } }).withResponse();
    expect(response.status).toBe(202);
    expect(edited.custom_metadata).toEqual({ plan: 'enterprise' });
    expect(edited.ssl?.method).toBe('txt');

    const deleted = await client.customHostnames.delete(created.id, { zone_id: zone });
    expect(deleted.id).toBe(created.id);

    const gone = await failureOf(client.customHostnames.get(created.id, { zone_id: zone }));
    expect(gone).toBeInstanceOf(NotFoundError);
    expect(gone.status).toBe(404);
    expect(gone.errors[0]?.code).toBe(1436);
  });

  it('Should list nothing for an unknown hostname and page through many', async () => {
    const zone = newZone();
    const client = cloudflare();
    for (const n of [1, 2, 3, 4, 5, 6]) await createIn(zone, `shop${n}.customer-three.com`);

    const none = await client.customHostnames.list({ zone_id: zone, hostname: { exact: 'nobody.customer-three.com' } });
    expect(none.result).toEqual([]);
    expect(none.result_info).toEqual({ page: 1, per_page: 20, count: 0, total_count: 0, total_pages: 0 });

    const second = await client.customHostnames.list({ zone_id: zone, page: 2, per_page: 5 });
    expect(second.result.map((hostname) => hostname.hostname)).toEqual(['shop6.customer-three.com']);
    expect(second.result_info).toEqual({ page: 2, per_page: 5, count: 1, total_count: 6, total_pages: 2 });

    const all: CustomHostname[] = [];
    for await (const hostname of client.customHostnames.list({ zone_id: zone, per_page: 5 })) all.push(hostname);
    expect(all).toHaveLength(6);
  });

  it('Should report the quota as the SDK types it', async () => {
    const zone = newZone();
    await createIn(zone, 'one.customer-four.com');
    expect(await cloudflare().customHostnames.quota.get({ zone_id: zone })).toEqual({ allocated: 100, hard_cap: 100, used: 1, exceeded: false });
  });
});

describe('activation', () => {
  it('Should become active with an active certificate after two reads, through certificate deployment', async () => {
    const zone = newZone();
    const client = cloudflare();
    const created = await createIn(zone, 'portal.customer-five.com');

    const first = await client.customHostnames.get(created.id, { zone_id: zone });
    expect(first.status).toBe('active');
    expect(first.verification_errors).toBeUndefined();
    expect(first.ssl?.status).toBe('pending_deployment');
    expect(first.ssl?.validation_records).toBeUndefined();

    // A list by exact hostname is a read too.
    const [second] = (await client.customHostnames.list({ zone_id: zone, hostname: { exact: 'portal.customer-five.com' } })).result;
    expect(second?.status).toBe('active');
    expect(second?.ssl?.status).toBe('active');
    expect(second?.ssl?.validation_records).toBeUndefined();
    expect(second?.verification_errors).toBeUndefined();
  });

  it('Should not advance a hostname listed without a filter', async () => {
    const zone = newZone();
    const client = cloudflare();
    await createIn(zone, 'quiet.customer-six.com');
    await client.customHostnames.list({ zone_id: zone });
    const [listed] = (await client.customHostnames.list({ zone_id: zone })).result;
    expect(listed?.status).toBe('pending');
  });

  it('Should keep a hostname pending while its DNS does not point here, and activate once it does', async () => {
    const zone = newZone();
    const client = cloudflare();
    expect((await control('POST', `/zones/${zone}/hostnames/www.customer-seven.com`, { dns: 'missing' })).status).toBe(200);
    const created = await createIn(zone, 'www.customer-seven.com');

    for (const _read of [1, 2, 3]) {
      const read = await client.customHostnames.get(created.id, { zone_id: zone });
      expect(read.status).toBe('pending');
      expect(read.verification_errors).toEqual([NOT_CNAMED]);
      expect(read.ssl?.status).toBe('pending_validation');
    }

    await control('POST', `/zones/${zone}/hostnames/www.customer-seven.com`, { dns: 'points_here' });
    await client.customHostnames.get(created.id, { zone_id: zone });
    expect((await client.customHostnames.get(created.id, { zone_id: zone })).ssl?.status).toBe('active');
  });

  it('Should show a forced moved hostname and timed-out certificate until an edit restarts validation', async () => {
    const zone = newZone();
    const client = cloudflare();
    const created = await createIn(zone, 'app.customer-eight.com');
    const forced = await control('POST', `/zones/${zone}/hostnames/app.customer-eight.com`, {
      status: 'moved',
      ssl_status: 'validation_timed_out',
      validation_errors: ['TXT record not found'],
    });
    expect(forced.status).toBe(200);

    const moved = await client.customHostnames.get(created.id, { zone_id: zone });
    expect(moved.status).toBe('moved');
    expect(moved.ssl?.status).toBe('validation_timed_out');
    expect(moved.ssl?.validation_errors).toEqual([{ message: 'TXT record not found' }]);

    const restarted = await client.customHostnames.edit(created.id, { zone_id: zone, ssl: { method: 'txt', type: 'dv' } });
    expect(restarted.status).toBe('pending');
    expect(restarted.ssl?.status).toBe('pending_validation');
    expect(restarted.ssl?.validation_errors).toBeUndefined();
  });

  it('Should lose a hostname deleted upstream, as from the dashboard', async () => {
    const zone = newZone();
    const created = await createIn(zone, 'old.customer-nine.com');
    expect((await control('DELETE', `/zones/${zone}/hostnames/old.customer-nine.com`)).status).toBe(200);
    const gone = await failureOf(cloudflare().customHostnames.get(created.id, { zone_id: zone }));
    expect(gone).toBeInstanceOf(NotFoundError);
  });
});

describe('documented errors', () => {
  it('Should refuse a duplicate hostname with 409 and code 1406', async () => {
    const zone = newZone();
    await createIn(zone, 'app.customer-ten.com');
    const duplicate = await failureOf(createIn(zone, 'APP.customer-ten.com'));
    expect(duplicate).toBeInstanceOf(ConflictError);
    expect(duplicate.status).toBe(409);
    expect(duplicate.errors).toEqual([{ code: 1406, message: 'Duplicate custom hostname found.' }]);
  });

  it.each([
    ['an IP address', '192.0.2.10', 1407],
    ['a leading hyphen', '-shop.customer-eleven.com', 1407],
    ['a special character', 'shop_1.customer-eleven.com', 1407],
    ['non-ASCII characters', 'bücher.customer-eleven.com', 1408],
    ['a reserved top domain', 'shop.localhost', 1409],
    ['a name with no registrable domain', 'intranet', 1410],
    ['an example domain', 'shop.example.com', 1411],
  ])('Should refuse %s with 400 and code %i', async (_what, hostname, code) => {
    const refused = await failureOf(createIn(newZone(), hostname));
    expect(refused).toBeInstanceOf(BadRequestError);
    expect(refused.errors[0]?.code).toBe(code);
  });

  it('Should refuse an unknown id with 404 and 1436, and a malformed one with 400 and 1435', async () => {
    const zone = newZone();
    const unknown = await failureOf(cloudflare().customHostnames.get(crypto.randomUUID(), { zone_id: zone }));
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect(unknown.errors[0]?.code).toBe(1436);
    const malformed = await failureOf(cloudflare().customHostnames.delete('not-an-id', { zone_id: zone }));
    expect(malformed).toBeInstanceOf(BadRequestError);
    expect(malformed.errors[0]?.code).toBe(1435);
  });

  it('Should refuse a list by id and hostname together with 1438', async () => {
    const refused = await failureOf(cloudflare().customHostnames.list({ zone_id: newZone(), id: crypto.randomUUID(), hostname: { exact: 'a.customer-twelve.com' } }));
    expect(refused).toBeInstanceOf(BadRequestError);
    expect(refused.errors[0]?.code).toBe(1438);
  });

  it('Should let creates past the allocation until the hard cap, then refuse with 403 and 1405', async () => {
    const zone = newZone();
    const client = cloudflare();
    const quota = await control('POST', `/zones/${zone}/quota`, { allocated: 1, hard_cap: 2 });
    expect(await quota.json()).toEqual({ allocated: 1, hard_cap: 2, used: 0, exceeded: false });
    await createIn(zone, 'one.customer-thirteen.com');
    await createIn(zone, 'two.customer-thirteen.com');
    expect(await client.customHostnames.quota.get({ zone_id: zone })).toEqual({ allocated: 1, hard_cap: 2, used: 2, exceeded: true });

    const refused = await failureOf(createIn(zone, 'three.customer-thirteen.com'));
    expect(refused).toBeInstanceOf(PermissionDeniedError);
    expect(refused.status).toBe(403);
    expect(refused.errors[0]?.code).toBe(1405);
  });

  it('Should refuse a request without a token with 400 and 9106, counted but meeting no fault', async () => {
    const zone = newZone();
    await control('POST', `/zones/${zone}/faults`, { kind: 'unavailable', times: 1 });
    const refused = await failureOf(cloudflare(null).customHostnames.quota.get({ zone_id: zone }));
    expect(refused).toBeInstanceOf(BadRequestError);
    expect(refused.errors[0]?.code).toBe(9106);
    expect(await callsOf(zone)).toEqual({ total: 1, by_route: { 'GET custom_hostnames/quota': 1 } });
    // The queued outage is still there for the next authenticated request.
    expect(await failureOf(cloudflare().customHostnames.quota.get({ zone_id: zone }))).toBeInstanceOf(InternalServerError);
  });
});

describe('faults and calls', () => {
  it('Should answer 429 with retry-after and code 971 for the requests the fault covers, then recover', async () => {
    const zone = newZone();
    const queued = await control('POST', `/zones/${zone}/faults`, { kind: 'rate_limited', retry_after_seconds: 30, times: 2 });
    expect(queued.status).toBe(200);

    for (const _attempt of [1, 2]) {
      const limited = await failureOf(createIn(zone, 'busy.customer-fourteen.com'));
      expect(limited).toBeInstanceOf(RateLimitError);
      expect(limited.status).toBe(429);
      expect(limited.headers?.get('retry-after')).toBe('30');
      expect(limited.errors[0]?.code).toBe(971);
    }
    expect((await createIn(zone, 'busy.customer-fourteen.com')).status).toBe('pending');
    expect(await callsOf(zone)).toEqual({ total: 3, by_route: { 'POST custom_hostnames': 3 } });
  });

  it('Should answer an outage with the documented 500 and code 1500, or the status asked for', async () => {
    const zone = newZone();
    await control('POST', `/zones/${zone}/faults`, { kind: 'unavailable' });
    await control('POST', `/zones/${zone}/faults`, { kind: 'unavailable', status: 503 });
    const first = await failureOf(cloudflare().customHostnames.quota.get({ zone_id: zone }));
    expect(first).toBeInstanceOf(InternalServerError);
    expect(first.status).toBe(500);
    expect(first.errors[0]?.code).toBe(1500);
    expect((await failureOf(cloudflare().customHostnames.quota.get({ zone_id: zone }))).status).toBe(503);
  });

  it('Should drop queued faults when they are cleared', async () => {
    const zone = newZone();
    await control('POST', `/zones/${zone}/faults`, { kind: 'rate_limited', retry_after_seconds: 5, times: 10 });
    expect((await control('DELETE', `/zones/${zone}/faults`)).status).toBe(200);
    expect((await cloudflare().customHostnames.quota.get({ zone_id: zone })).used).toBe(0);
  });

  it('Should count API calls by route and not count controls', async () => {
    const zone = newZone();
    const client = cloudflare();
    expect(await callsOf(zone)).toEqual({ total: 0, by_route: {} });
    const created = await createIn(zone, 'counted.customer-fifteen.com');
    await client.customHostnames.get(created.id, { zone_id: zone });
    await client.customHostnames.get(created.id, { zone_id: zone });
    await client.customHostnames.list({ zone_id: zone });
    await control('GET', `/zones/${zone}/hostnames`);
    expect(await callsOf(zone)).toEqual({ total: 4, by_route: { 'POST custom_hostnames': 1, 'GET custom_hostnames/:id': 2, 'GET custom_hostnames': 1 } });
  });

  it('Should show every stored hostname with its state, without advancing it', async () => {
    const zone = newZone();
    const created = await createIn(zone, 'seen.customer-sixteen.com');
    for (const _look of [1, 2]) {
      const { hostnames } = await (await control('GET', `/zones/${zone}/hostnames`)).json<{ hostnames: Array<{ id: string; checks: number; view: CustomHostname }> }>();
      expect(hostnames).toHaveLength(1);
      expect(hostnames[0]?.id).toBe(created.id);
      expect(hostnames[0]?.checks).toBe(0);
      expect(hostnames[0]?.view.status).toBe('pending');
    }
  });

  it('Should refuse to force the state of a hostname the zone does not have', async () => {
    const response = await control('POST', `/zones/${newZone()}/hostnames/ghost.customer-seventeen.com`, { status: 'moved' });
    expect(response.status).toBe(404);
  });
});
