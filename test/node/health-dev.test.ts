/**
 * Sender health under the real `npm run dev`, with the clock moved through the scheduled handler
 * (`/cdn-cgi/handler/scheduled?time=…`, which wrangler dev serves): a sender whose secret changed
 * opens one authentication issue, a signed notification reaches a receiver on 127.0.0.1 and
 * verifies with the standardwebhooks package, a person acknowledges it, the sender is fixed, and 30
 * quiet minutes later the issue resolves with one more notification. A sender that adds a field
 * and changes a type gets a schema proposal; applied, the refused requests replay into runs the
 * stand-in runtime records. A steady sender that goes quiet opens a silence issue, and its next
 * request resolves it.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, runsRecordedByStandin, signedHeaders, startDevServer, type DevServer, type HttpResult } from './helpers/dev-server';

const PORT = Number(process.env.HASP_TEST_HEALTH_DEV_PORT ?? 8814);
const INSPECTOR_PORT = Number(process.env.HASP_TEST_HEALTH_INSPECTOR_PORT ?? 9254);
const TOKEN = 'hasp_test_health_dev_token_0123456789ab';
const SECRET = 'whsec_aGVhbHRoLWRldi10ZXN0LXNlY3JldC0wMTIzNDU=';
const WRONG_SECRET = 'whsec_cm90YXRlZC1hdC10aGUtc2VuZGVyLTAxMjM0NQ==';
const SAMPLE = { patient_id: 'p1', event: 'chart_updated', updated_fields: ['allergies'] };
const BODY = JSON.stringify(SAMPLE);
const AUTH = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const MINUTE = 60_000;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let server: DevServer;
let receiver: Server;
const received: Received[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  server = await startDevServer({ port: PORT, token: TOKEN, secret: SECRET, args: ['--inspector-port', String(INSPECTOR_PORT)] });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

function api(method: string, path: string, body?: unknown): Promise<HttpResult> {
  return http(PORT, 'api.usehasp.run', method, path, AUTH, body === undefined ? undefined : JSON.stringify(body));
}

async function until<T>(probe: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${server.output().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The cron at `at` (epoch ms), as Cloudflare would run it then. */
async function cronAt(at: number): Promise<void> {
  const res = await http(PORT, 'localhost', 'GET', `/cdn-cgi/handler/scheduled?cron=${encodeURIComponent('* * * * *')}&time=${at}`);
  expect(res.status, res.text).toBe(200);
}

interface Issue {
  id: string;
  cause: string;
  state: string;
  count: number;
  reopen_count: number;
}

async function issuesOf(webhookId: string, cause: string): Promise<Issue[]> {
  const res = await api('GET', `/v1/issues?webhook_id=${webhookId}&cause=${cause}`);
  expect(res.status, res.text).toBe(200);
  return (JSON.parse(res.text) as { data: Issue[] }).data;
}

let delivery = 0;
function send(slug: string, secret: string, body = BODY): Promise<HttpResult> {
  delivery += 1;
  return http(PORT, 'acme.usehasp.run', 'POST', `/webhooks/${slug}`, signedHeaders(secret, `msg_health_${delivery}`, body), body);
}

async function dispatchedCount(webhookId: string): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const res = await api('GET', `/v1/events?webhook_id=${webhookId}&limit=100${cursor === null ? '' : `&cursor=${cursor}`}`);
    const page = JSON.parse(res.text) as { data: { status: string }[]; next_cursor: string | null };
    count += page.data.filter((e) => e.status === 'dispatched').length;
    cursor = page.next_cursor;
  } while (cursor !== null);
  return count;
}

async function createWebhook(extra: Record<string, unknown> = {}): Promise<{ id: string; slug: string; secret: string }> {
  const res = await api('POST', '/v1/webhooks', { name: `health ${delivery}-${Math.random().toString(36).slice(2, 6)}`, sample_payload: SAMPLE, ...extra });
  expect(res.status, res.text).toBe(201);
  return JSON.parse(res.text) as { id: string; slug: string; secret: string };
}

describe('sender health under npm run dev', () => {
  it('opens one issue when the sender’s secret changes, notifies once signed, and resolves with one more notification after 30 quiet minutes', async () => {
    const hook = await createWebhook();
    const channel = await api('POST', '/v1/notification-channels', { kind: 'webhook', url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hasp-issues`, name: 'local receiver' });
    expect(channel.status, channel.text).toBe(201);
    const channelSecret = (JSON.parse(channel.text) as { secret: string }).secret;
    expect(channelSecret).toMatch(/^whsec_/);

    for (let i = 0; i < 15; i += 1) expect((await send(hook.slug, WRONG_SECRET)).status).toBe(401);
    const issue = await until(async () => (await issuesOf(hook.id, 'authentication')).find((x) => x.state === 'open'), 'an open authentication issue');

    const opened = await until(async () => received.length >= 1 && received[0], 'the notification of the opened issue');
    const verified = new Webhook(channelSecret).verify(opened.body, opened.headers as Record<string, string>) as { type: string; data: { id: string; cause: string } };
    expect(verified.type).toBe('issue.opened');
    expect(verified.data).toMatchObject({ id: issue.id, cause: 'authentication' });
    expect(opened.body).not.toContain(hook.secret);
    expect(opened.body).not.toContain(channelSecret);
    expect(opened.body).not.toContain('chart_updated');

    const acked = await api('PATCH', `/v1/issues/${issue.id}`, { state: 'acknowledged' });
    expect(acked.status, acked.text).toBe(200);
    for (let i = 0; i < 3; i += 1) expect((await send(hook.slug, hook.secret)).status).toBe(202);
    // More refusals while it is open count against it, and notify nothing.
    expect((await send(hook.slug, WRONG_SECRET)).status).toBe(401);

    await cronAt(Date.now() + 10 * MINUTE);
    expect((await issuesOf(hook.id, 'authentication'))[0]?.state).toBe('acknowledged');
    await cronAt(Date.now() + 32 * MINUTE);
    const resolved = await until(async () => (await issuesOf(hook.id, 'authentication')).find((x) => x.state === 'resolved'), 'the resolved issue');
    expect(resolved.id).toBe(issue.id);

    const closing = await until(async () => received.length >= 2 && received[1], 'the notification of the resolved issue');
    const closed = new Webhook(channelSecret).verify(closing.body, closing.headers as Record<string, string>) as { type: string; data: { id: string; state: string } };
    expect(closed.type).toBe('issue.resolved');
    expect(closed.data).toMatchObject({ id: issue.id, state: 'resolved' });
    // No storm: the issue went through two transitions only (never re-opened), and each notice is
    // numbered by its transition, so the two received are the opening and the resolution, once each.
    expect(resolved).toMatchObject({ reopen_count: 0 });
    const idOf = (n: number) => `ntf_${issue.id.slice(4)}_${n}`;
    expect(received.slice(0, 2).map((r) => r.headers['webhook-id'])).toEqual([idOf(1), idOf(2)]);
  }, 120_000);

  it('proposes the change a sender’s payloads call for, applies it, and replays the refused requests into recorded runs', async () => {
    const hook = await createWebhook();
    const workflow = await api('POST', '/v1/workflows', {
      name: 'Patient index',
      input_schema: { type: 'object', properties: { patient_id: { type: 'string' } }, required: ['patient_id'] },
      triggers: [{ webhook_id: hook.id, mapping: { patient_id: '/patient_id' } }],
    });
    expect(workflow.status, workflow.text).toBe(201);
    // 100 accepted, 30 with a field the schema lacks, in lots a consumer batch summarises whole.
    for (let lot = 0; lot < 5; lot += 1) {
      for (let i = lot * 20; i < (lot + 1) * 20; i += 1) {
        expect((await send(hook.slug, hook.secret, JSON.stringify(i % 10 < 3 ? { ...SAMPLE, priority: 'stat' } : SAMPLE))).status).toBe(202);
      }
      await until(async () => (await dispatchedCount(hook.id)) === (lot + 1) * 20, `${(lot + 1) * 20} dispatched events`);
    }
    for (let i = 0; i < 12; i += 1) expect((await send(hook.slug, hook.secret, JSON.stringify({ ...SAMPLE, updated_fields: 7 }))).status).toBe(400);

    interface Proposal {
      id: string;
      diff: { op: string; path: string }[];
      evidence: { path: string; source: string; count: number; share: number }[];
      window: { events_seen: number };
      breaks: unknown[];
    }
    const proposal = await until(async () => {
      const res = await api('GET', `/v1/webhooks/${hook.id}/schema-proposals`);
      const [open] = (JSON.parse(res.text) as { data: Proposal[] }).data;
      const ops = open?.diff.map((d) => `${d.op} ${d.path}`) ?? [];
      return ops.includes('add-property /priority') && ops.includes('widen-type /updated_fields') && (open?.window.events_seen ?? 0) >= 100 && open;
    }, 'a proposal naming both changes');
    expect(proposal.breaks).toEqual([]);
    expect(proposal.evidence).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: 'accepted', path: '/priority', count: 30, share: 0.3 }),
        expect.objectContaining({ source: 'refused', path: '/updated_fields', count: 12 }),
      ]),
    );
    const issue = await until(async () => (await issuesOf(hook.id, 'content')).find((x) => x.count === 12), 'the content issue counting 12');

    const applied = await api('POST', `/v1/webhooks/${hook.id}/schema-proposals/${proposal.id}/apply`);
    expect(applied.status, applied.text).toBe(200);
    const replay = await api('POST', `/v1/issues/${issue.id}/replay`);
    expect(JSON.parse(replay.text)).toMatchObject({ replayed: 12, still_refused: 0 });

    const kept = JSON.parse((await api('GET', `/v1/rejections?webhook_id=${hook.id}`)).text) as { data: { replayed: { event_id: string } | null }[] };
    expect(kept.data).toHaveLength(12);
    const eventId = kept.data[0]?.replayed?.event_id;
    if (eventId === undefined) throw new Error('the kept request was not marked replayed');
    expect(await runsRecordedByStandin(server.state, eventId, 1)).toHaveLength(1);
  }, 180_000);

  it('opens a silence issue when a steady sender goes quiet, and resolves it when the sender is back', async () => {
    // A steady sender in minutes rather than a week: at 0.1 requests an hour on average, 20 requests make one.
    const hook = await createWebhook({ health_thresholds: { silence: { min_hourly_average: 0.1, quiet_minutes: 60 } } });
    for (let i = 0; i < 20; i += 1) expect((await send(hook.slug, hook.secret)).status).toBe(202);
    // The consumer reports accepted events to sender health after their fan-out.
    await until(async () => {
      const res = await api('GET', `/v1/events?webhook_id=${hook.id}&limit=20`);
      return (JSON.parse(res.text) as { data: { status: string }[] }).data.filter((e) => e.status === 'dispatched').length === 20;
    }, 'twenty dispatched events');

    await cronAt(Date.now() + 30 * MINUTE);
    expect(await issuesOf(hook.id, 'silence')).toEqual([]);
    await cronAt(Date.now() + 63 * MINUTE);
    const silence = await until(async () => (await issuesOf(hook.id, 'silence')).find((x) => x.state === 'open'), 'an open silence issue');

    expect((await send(hook.slug, hook.secret)).status).toBe(202);
    const back = await until(async () => (await issuesOf(hook.id, 'silence')).find((x) => x.state === 'resolved'), 'the silence issue resolved');
    expect(back.id).toBe(silence.id);
  }, 120_000);
});
