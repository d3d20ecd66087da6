/**
 * The security probe of issue 27, re-run as an outsider and as a tenant with a token would run it:
 * against `npm run dev`, over HTTP, with the probe's own requests. Each `it` is one finding and
 * asserts the refusal the contract's "Limits that protect every tenant" promises.
 *
 * The wrong-token run is last: the dev server sees every request of this file from 127.0.0.1, and
 * once that address is past the threshold it is refused whatever token it sends.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, signedHeaders, startDevServer, type DevServer, type HttpResult } from './helpers/dev-server';

const PORT = Number(process.env.HASP_TEST_PROBE_DEV_PORT ?? 8806);
const INSPECTOR_PORT = Number(process.env.HASP_TEST_PROBE_INSPECTOR_PORT ?? 9246);
const TOKEN = 'hasp_test_probe_dev_token_0123456789abcdef';
const SECRET = 'whsec_cHJvYmUtZGV2LXRlc3Qtc2VjcmV0LTAxMjM0NTY=';
const API = 'api.usehasp.run';
const CONSOLE = 'console.localhost';
const AUTH = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const SAMPLE = { patient_id: 'p1', event: 'chart_updated', updated_fields: ['allergies'] };

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, token: TOKEN, secret: SECRET, args: ['--inspector-port', String(INSPECTOR_PORT)] });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

function api(method: string, path: string, body?: unknown): Promise<HttpResult> {
  return http(PORT, API, method, path, AUTH, body === undefined ? undefined : JSON.stringify(body));
}

function json<T>(res: HttpResult): T {
  return JSON.parse(res.text) as T;
}

interface Problem {
  code: string;
  status: number;
  detail: string;
  limit_bytes?: number;
  errors?: { path: string; message: string }[];
}

/**
 * Posts `bytes` of JSON-looking filler with its Content-Length, as the probe's 50 MB posts did, and
 * resolves with the answer. The server may answer (and stop reading) before the body is all sent:
 * a write that fails after the answer arrived is that refusal, not an error.
 */
function postLarge(host: string, path: string, bytes: number): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    let answered: HttpResult | null = null;
    const req = httpRequest(
      { host: '127.0.0.1', port: PORT, method: 'POST', path, headers: { ...AUTH, host, 'content-length': String(bytes) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          answered = { status: res.statusCode ?? 0, headers: res.headers, text };
          resolve(answered);
        });
      },
    );
    req.on('error', (err) => {
      if (answered === null) reject(err);
    });
    const head = '{"samples":[{"pad":"';
    const tail = '"}]}';
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    let left = bytes - head.length - tail.length;
    req.write(head);
    const pump = (): void => {
      while (left > 0) {
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= piece.length;
        if (!req.write(piece)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end(tail);
    };
    pump();
  });
}

interface Webhook {
  id: string;
  slug: string;
  name: string;
}

async function seededWebhook(): Promise<Webhook> {
  const list = json<{ data: Webhook[] }>(await api('GET', '/v1/webhooks?limit=100'));
  const hook = list.data.find((w) => w.slug === 'ehr-chart-updated');
  if (hook === undefined) throw new Error('npm run dev seeded no ehr-chart-updated webhook');
  return hook;
}

describe('the tenant-safety probe, re-run against npm run dev', () => {
  it('Should validate a catastrophic pattern in linear time on the test-event path, while others are answered at once', async () => {
    const created = await api('POST', '/v1/webhooks', {
      name: 'Probe pattern',
      auth: { method: 'none' },
      schema: { type: 'object', properties: { code: { type: 'string', pattern: '^(a|a)*$' } }, required: ['code'] },
    });
    expect(created.status, created.text).toBe(201);
    const hook = json<Webhook>(created);
    const seeded = await seededWebhook();

    // The probe's string took 6.9 s before; this one is 300 times longer.
    const adversarial = `${'a'.repeat(10_000)}!`;
    const started = performance.now();
    const [test, other, unknown] = await Promise.all([
      api('POST', `/v1/webhooks/${hook.id}/test-event`, { payload: { code: adversarial } }),
      (async () => {
        const body = JSON.stringify(SAMPLE);
        return http(PORT, 'acme.usehasp.run', 'POST', `/webhooks/${seeded.slug}`, signedHeaders(SECRET, 'msg_probe_1', body), body);
      })(),
      http(PORT, 'nobody.usehasp.run', 'POST', '/webhooks/x', { 'content-type': 'application/json' }, '{}'),
    ]);
    const took = performance.now() - started;

    expect(test.status, test.text).toBe(200);
    const answer = json<{ status: number; body: Problem }>(test);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('schema-mismatch');
    expect(answer.body.errors?.[0]?.path).toBe('/code');
    expect(other.status, other.text).toBe(202);
    expect(unknown.status).toBe(404);
    // Generous for a shared machine: the backtracking engine needed far longer than this for 30 characters.
    expect(took).toBeLessThan(5_000);
  });

  it('Should refuse, when the schema is saved, patterns the linear-time engine cannot run', async () => {
    const hook = json<Webhook>(await api('POST', '/v1/webhooks', { name: 'Probe refusals', auth: { method: 'none' }, sample_payload: { code: 'a' } }));
    for (const [pattern, construct] of [
      ['^(a)\\1$', /backreference/i],
      ['^(?=a)a$', /lookahead/i],
      ['^(?<!b)a$', /lookbehind/i],
    ] as const) {
      const res = await api('PATCH', `/v1/webhooks/${hook.id}`, { schema: { type: 'object', properties: { code: { type: 'string', pattern } } } });
      expect(res.status, pattern).toBe(400);
      const problem = json<Problem>(res);
      expect(problem.errors?.[0]?.path).toBe('/schema/properties/code/pattern');
      expect(problem.errors?.[0]?.message).toMatch(construct);
    }
  });

  it('Should answer 413 to 50 MB control-API bodies before parsing them, four at once included', async () => {
    const fifty = 50 * 1024 * 1024;
    const before = json<{ data: Webhook[] }>(await api('GET', '/v1/webhooks?limit=100')).data.length;
    const one = await postLarge(API, '/v1/webhooks', fifty);
    expect(one.status).toBe(413);
    expect(json<Problem>(one)).toMatchObject({ code: 'payload-too-large', limit_bytes: 512 * 1024 });
    const four = await Promise.all([1, 2, 3, 4].map(() => postLarge(API, '/v1/schemas/infer', fifty)));
    expect(four.map((res) => res.status)).toEqual([413, 413, 413, 413]);
    // The refused create created nothing, and the API still answers a body of a normal size.
    expect(json<{ data: Webhook[] }>(await api('GET', '/v1/webhooks?limit=100')).data.length).toBe(before);
    expect((await api('POST', '/v1/schemas/infer', { samples: [SAMPLE] })).status).toBe(200);
  });

  it('Should create webhooks whose slugs reach 49 characters and more, each name twice', async () => {
    for (const [i, length] of [48, 49, 50, 60, 64, 80].entries()) {
      // A letter of its own per length: names past 60 characters share their slug's first 60.
      const name = `${String.fromCharCode(97 + i)}${'x'.repeat(length - 1)}`;
      const first = await api('POST', '/v1/webhooks', { name, auth: { method: 'none' }, sample_payload: SAMPLE });
      expect(first.status, `${length}: ${first.text}`).toBe(201);
      const second = await api('POST', '/v1/webhooks', { name, auth: { method: 'none' }, sample_payload: SAMPLE });
      expect(second.status, `${length}: ${second.text}`).toBe(201);
      expect(json<Webhook>(second).slug).toBe(`${json<Webhook>(first).slug}-2`);
    }
  });

  it('Should refuse a name that reads as another with a right-to-left override, and a zero-width space in a description', async () => {
    const named = await api('POST', '/v1/webhooks', { name: 'x\u202Egnp.exe', auth: { method: 'none' }, sample_payload: SAMPLE });
    expect(named.status).toBe(400);
    expect(json<Problem>(named).errors?.[0]).toMatchObject({ path: '/name' });
    expect(json<Problem>(named).errors?.[0]?.message).toContain('U+202E');
    const described = await api('POST', '/v1/webhooks', { name: 'Probe described', description: 'chart\u200Bupdated', auth: { method: 'none' }, sample_payload: SAMPLE });
    expect(described.status).toBe(400);
    expect(json<Problem>(described).errors?.[0]?.message).toContain('U+200B');
    const names = json<{ data: Webhook[] }>(await api('GET', '/v1/webhooks?limit=100')).data.map((w) => w.name);
    expect(names).not.toContain('Probe described');
  });

  it('Should mark every kind of answer nosniff, and never repeat the sent Content-Type in a refusal', async () => {
    const seeded = await seededWebhook();
    const evil = 'text/html; x=<script>alert(1)</script>';
    const answers = await Promise.all([
      http(PORT, 'acme.usehasp.run', 'POST', `/webhooks/${seeded.slug}`, { ...signedHeaders(SECRET, 'msg_probe_ct', '{}'), 'content-type': evil }, '{}'),
      http(PORT, 'acme.usehasp.run', 'GET', `/webhooks/${seeded.slug}`),
      http(PORT, 'nobody.usehasp.run', 'GET', '/'),
      http(PORT, API, 'GET', '/v1/webhooks'),
      http(PORT, API, 'GET', '/v1/openapi.json'),
      http(PORT, CONSOLE, 'GET', '/sign-in'),
      http(PORT, CONSOLE, 'GET', '/'),
    ]);
    const [unsupported] = answers;
    expect(unsupported?.status).toBe(415);
    expect(unsupported?.text).not.toContain('script');
    expect(unsupported?.text).not.toContain('text/html');
    for (const res of answers) expect(res.headers['x-content-type-options'], `${res.status} ${res.text.slice(0, 80)}`).toBe('nosniff');
  });

  it('Should end the earlier session and the sign-in form cookie when a browser signs in again', async () => {
    const cookies = new Map<string, string>();
    const keep = (res: HttpResult): void => {
      const lines = res.headers['set-cookie'] ?? [];
      for (const line of Array.isArray(lines) ? lines : [lines]) {
        const [pair = ''] = line.split(';');
        const eq = pair.indexOf('=');
        const name = pair.slice(0, eq).trim();
        const value = pair.slice(eq + 1).trim();
        if (/max-age=0/i.test(line) || value === '') cookies.delete(name);
        else cookies.set(name, value);
      }
    };
    const jar = (): Record<string, string> => ({ cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') });
    const signIn = async (): Promise<HttpResult> => {
      const held = [...cookies].filter(([name]) => name.includes('session') || name.includes('console'));
      // A second tab's sign-in form: fetched without the session, posted with it.
      for (const [name] of held) cookies.delete(name);
      const form = await http(PORT, CONSOLE, 'GET', '/sign-in', jar());
      keep(form);
      for (const [name, value] of held) cookies.set(name, value);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
      const body = new URLSearchParams({ _csrf: csrf, token: TOKEN }).toString();
      const res = await http(PORT, CONSOLE, 'POST', '/sign-in', { ...jar(), 'content-type': 'application/x-www-form-urlencoded' }, body);
      expect(res.status, res.text).toBe(303);
      return res;
    };
    const first = await signIn();
    const setBefore = new Set(cookies.keys());
    keep(first);
    const sessionName = [...cookies.keys()].find((name) => !setBefore.has(name) || name.includes('console'));
    expect(sessionName).toBeDefined();
    const firstSession = cookies.get(sessionName ?? '') ?? '';
    // The sign-in answer expired the form's CSRF cookie: only the session cookie is left.
    expect([...cookies.keys()]).toEqual([sessionName]);

    const second = await signIn();
    keep(second);
    expect(cookies.get(sessionName ?? '')).not.toBe(firstSession);
    const old = await http(PORT, CONSOLE, 'GET', '/', { cookie: `${sessionName}=${firstSession}` });
    expect(old.status).toBe(303);
    expect(old.headers.location).toContain('/sign-in');
    expect((await http(PORT, CONSOLE, 'GET', '/', jar())).status).toBe(200);
  });

  it('Should answer 429 with Retry-After once one address has sent 20 wrong tokens, and keep refusing it', async () => {
    // wrangler's local limiter counts in windows aligned to the minute: keep the run inside one.
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 10_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
    const statuses: number[] = [];
    let retryAfter: string | string[] | undefined;
    for (let i = 0; i < 30; i++) {
      const res = await http(PORT, API, 'GET', '/v1/webhooks', { authorization: `Bearer hasp_wrong_probe_token_${i}` });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers['retry-after'];
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual(Array(10).fill(429));
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // The address is slowed whatever it sends next, the right token included, and the console's sign-in too.
    expect((await api('GET', '/v1/webhooks?limit=100')).status).toBe(429);
  });
});
