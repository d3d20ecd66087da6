/**
 * Wrong tokens are slowed: past a threshold of wrong API tokens from one client address (counted
 * together at `/v1/*` and the console's sign-in), that address is answered 429 with Retry-After,
 * before its token is looked up. Other addresses and the console's in-process calls are unaffected.
 *
 * The rate-limit binding is simulated in memory per process, shared by every test file: each test
 * uses addresses of its own.
 */
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { AUTH_FAILURE_LIMIT, AUTH_FAILURE_PERIOD_SECONDS, AuthFailures, clientKey } from '../../shared/control/auth-failures';
import { API } from '../helpers/control-api';
import { ConsoleBrowser } from '../helpers/console';
import { createProject } from '../helpers/fixtures';
import type { Problem } from '../helpers/send';

const WRONG = 'hasp_not-a-real-token-000000000000';

/** An address no other test uses (198.18.0.0/15 is reserved for benchmarks, never a real client). */
function freshAddress(): string {
  const [a = 0, b = 0] = crypto.getRandomValues(new Uint8Array(2));
  return `198.${18 + (a & 1)}.${a}.${b}`;
}

/**
 * The local simulation counts in windows aligned to the period: a run of requests that straddles a
 * window's end would start counting again. Wait out the last seconds of a window first.
 */
async function awayFromWindowEdge(): Promise<void> {
  const periodMs = AUTH_FAILURE_PERIOD_SECONDS * 1000;
  const left = periodMs - (Date.now() % periodMs);
  if (left < 5000) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

function listWebhooks(token: string, address: string | null): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (address !== null) headers['cf-connecting-ip'] = address;
  return SELF.fetch(`${API}/v1/webhooks`, { headers });
}

/** Sends `count` wrong tokens from `address`; returns their statuses. */
async function wrongTokens(address: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const response = await listWebhooks(WRONG, address);
    await response.body?.cancel();
    statuses.push(response.status);
  }
  return statuses;
}

describe('wrong API tokens', () => {
  it('are answered 401 up to the threshold', async () => {
    await awayFromWindowEdge();
    const statuses = await wrongTokens(freshAddress(), AUTH_FAILURE_LIMIT);
    expect(statuses).toEqual(Array<number>(AUTH_FAILURE_LIMIT).fill(401));
  });

  it('are answered 429 with Retry-After past the threshold, even when the right token follows', async () => {
    await awayFromWindowEdge();
    const project = await createProject();
    const address = freshAddress();
    await wrongTokens(address, AUTH_FAILURE_LIMIT);

    const over = await listWebhooks(WRONG, address);
    expect(over.status).toBe(429);
    expect(over.headers.get('content-type')).toBe('application/problem+json');
    const problem = await over.json<Problem>();
    expect(problem.code).toBe('rate-limited');
    expect(problem.type).toBe('https://usehasp.run/problems/rate-limited');
    expect(problem.detail).not.toContain(address);
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(AUTH_FAILURE_PERIOD_SECONDS);

    // A blocked address is refused before its token is read, so a right guess is no use to it…
    const right = await listWebhooks(project.token, address);
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await right.body?.cancel();
    // …while the same token from another address works.
    const elsewhere = await listWebhooks(project.token, freshAddress());
    expect(elsewhere.status).toBe(200);
    await elsewhere.body?.cancel();
  });

  it('are not counted when the token is right', async () => {
    await awayFromWindowEdge();
    const project = await createProject();
    const address = freshAddress();
    for (let i = 0; i < AUTH_FAILURE_LIMIT + 5; i++) {
      const response = await listWebhooks(project.token, address);
      await response.body?.cancel();
      expect(response.status).toBe(200);
    }
    expect(await wrongTokens(address, 1)).toEqual([401]);
  });

  it('count an IPv6 client by its /64, where one host holds many addresses', async () => {
    await awayFromWindowEdge();
    const [a = 0, b = 0] = crypto.getRandomValues(new Uint16Array(2));
    const prefix = `2001:db8:${a.toString(16)}:${b.toString(16)}`;
    const statuses: number[] = [];
    for (let i = 1; i <= AUTH_FAILURE_LIMIT + 1; i++) {
      const response = await listWebhooks(WRONG, `${prefix}::${i.toString(16)}`);
      await response.body?.cancel();
      statuses.push(response.status);
    }
    expect(statuses.slice(0, AUTH_FAILURE_LIMIT)).toEqual(Array<number>(AUTH_FAILURE_LIMIT).fill(401));
    expect(statuses[AUTH_FAILURE_LIMIT]).toBe(429);
  });
});

describe('wrong tokens at the console sign-in', () => {
  it('are answered with a 429 page saying when to retry, past the threshold', async () => {
    await awayFromWindowEdge();
    const project = await createProject();
    const address = freshAddress();
    const browser = new ConsoleBrowser(undefined, { 'cf-connecting-ip': address });
    await browser.get('/sign-in');
    for (let i = 0; i < AUTH_FAILURE_LIMIT; i++) {
      expect((await browser.post('/sign-in', { token: WRONG })).status).toBe(401);
    }
    const over = await browser.post('/sign-in', { token: WRONG });
    expect(over.status).toBe(429);
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(AUTH_FAILURE_PERIOD_SECONDS);
    expect(over.html).toContain('Too many wrong tokens');
    expect(over.html).toMatch(/[Tt]ry again in \d+ seconds?/);

    const right = await browser.post('/sign-in', { token: project.token });
    expect(right.status).toBe(429);
    const elsewhere = new ConsoleBrowser(undefined, { 'cf-connecting-ip': freshAddress() });
    expect((await elsewhere.signIn(project.token)).status).toBe(303);
  });

  it('count together with wrong tokens at the API', async () => {
    await awayFromWindowEdge();
    const address = freshAddress();
    await wrongTokens(address, AUTH_FAILURE_LIMIT);
    const browser = new ConsoleBrowser(undefined, { 'cf-connecting-ip': address });
    await browser.get('/sign-in');
    expect((await browser.post('/sign-in', { token: WRONG })).status).toBe(429);
  });

  it("leave the console's in-process API calls of a signed-in session alone", async () => {
    await awayFromWindowEdge();
    const project = await createProject();
    const address = freshAddress();
    const browser = new ConsoleBrowser(undefined, { 'cf-connecting-ip': address });
    expect((await browser.signIn(project.token)).status).toBe(303);
    await wrongTokens(address, AUTH_FAILURE_LIMIT + 1);
    // Each page below calls the control API in-process, as the session's token.
    expect((await browser.get('/')).status).toBe(200);
    expect((await browser.get('/workflows')).status).toBe(200);
  });
});

describe('the auth-failures binding', () => {
  it('is declared in wrangler.toml', async () => {
    expect(typeof env.AUTH_FAILURES.limit).toBe('function');
  });
});

describe('AuthFailures', () => {
  /** A limiter that lets `allowed` calls through, then refuses; it records each key counted. */
  function fakeLimiter(allowed: number) {
    const keys: string[] = [];
    const limiter: RateLimit = {
      limit: async ({ key }) => {
        keys.push(key);
        return { success: keys.length <= allowed };
      },
    };
    return { limiter, keys };
  }

  it('blocks an address for a whole period from its first refusal, then forgets it', async () => {
    let now = 1_000_000;
    const failures = new AuthFailures({ now: () => now });
    const { limiter } = fakeLimiter(1);
    expect(await failures.countFailure(limiter, 'a')).toBeNull();
    expect(failures.blocked('a')).toBeNull();
    expect(await failures.countFailure(limiter, 'a')).toBe(AUTH_FAILURE_PERIOD_SECONDS);
    now += 59_500;
    expect(failures.blocked('a')).toBe(1);
    expect(failures.blocked('b')).toBeNull();
    now += 500;
    expect(failures.blocked('a')).toBeNull();
  });

  it('lets every request through when the binding fails or is missing', async () => {
    const failures = new AuthFailures();
    const broken: RateLimit = {
      limit: async () => {
        throw new Error('binding unavailable');
      },
    };
    expect(await failures.countFailure(broken, 'a')).toBeNull();
    expect(await failures.countFailure(undefined, 'a')).toBeNull();
    expect(failures.blocked('a')).toBeNull();
  });

  it('keeps at most its bound of blocked addresses, dropping the soonest to expire', async () => {
    let now = 0;
    const failures = new AuthFailures({ now: () => now, maxBlocked: 2 });
    const { limiter } = fakeLimiter(0);
    for (const key of ['a', 'b', 'c']) {
      await failures.countFailure(limiter, key);
      now += 1000;
    }
    expect(failures.blocked('a')).toBeNull();
    expect(failures.blocked('b')).not.toBeNull();
    expect(failures.blocked('c')).not.toBeNull();
  });

  it('keys a client by its address, an IPv6 client by its /64, and one without an address by a shared fallback', () => {
    const from = (ip: string | null) => new Request('https://api.usehasp.run/v1/webhooks', { headers: ip === null ? {} : { 'cf-connecting-ip': ip } });
    expect(clientKey(from('203.0.113.7'))).toBe('203.0.113.7');
    expect(clientKey(from('2001:db8:1:2:aaaa::1'))).toBe(clientKey(from('2001:db8:1:2:bbbb::2')));
    expect(clientKey(from('2001:db8:1:2::1'))).not.toBe(clientKey(from('2001:db8:1:3::1')));
    expect(clientKey(from('::ffff:203.0.113.7'))).toBe('203.0.113.7');
    expect(clientKey(from(null))).toBe(clientKey(from(null)));
    expect(clientKey(from(null))).not.toBe(clientKey(from('203.0.113.7')));
  });
});
