/**
 * Notification channels under the real `npm run dev`, with a real local receiver: local
 * development accepts `http://127.0.0.1:…` channel URLs so a developer can watch notifications
 * arrive, and what arrives verifies with the `standardwebhooks` package, as a receiver would check it.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startDevServer, type DevServer } from './helpers/dev-server';

const PORT = Number(process.env.HASP_TEST_NOTIFY_DEV_PORT ?? 8821);
const INSPECTOR_PORT = Number(process.env.HASP_TEST_NOTIFY_INSPECTOR_PORT ?? 9261);
const TOKEN = 'hasp_test_notify_dev_token_0123456789ab';
const SECRET = 'whsec_bm90aWZ5LWRldi10ZXN0LXNlY3JldC0wMDAx';
const AUTH = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Answers 500 on /down, 200 elsewhere, and keeps every request. */
function startReceiver(): Promise<{ server: Server; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      res.statusCode = req.url === '/down' ? 500 : 200;
      res.end(req.url === '/down' ? 'stack trace the service must never show' : 'ok');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port, received })));
}

let dev: DevServer;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver();
  dev = await startDevServer({ port: PORT, token: TOKEN, secret: SECRET, args: ['--inspector-port', String(INSPECTOR_PORT)] });
}, 120_000);

afterAll(async () => {
  await dev?.stop();
  await new Promise((resolve) => receiver?.server.close(resolve));
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await http(PORT, 'api.usehasp.run', method, path, AUTH, body === undefined ? undefined : JSON.stringify(body));
  return { status: res.status, json: res.text === '' ? {} : (JSON.parse(res.text) as Record<string, unknown>) };
}

function headersOf(received: Received): Record<string, string> {
  return Object.fromEntries(Object.entries(received.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]));
}

describe('notification channels under npm run dev', () => {
  it('sends a test notification to a local receiver, signed so that standardwebhooks verifies it', async () => {
    const created = await call('POST', '/v1/notification-channels', { kind: 'webhook', url: `http://127.0.0.1:${receiver.port}/hasp` });
    expect(created.status).toBe(201);
    const secret = String(created.json.secret);
    expect(secret).toMatch(/^whsec_/);

    const tested = await call('POST', `/v1/notification-channels/${String(created.json.id)}/test`);
    expect(tested.json).toMatchObject({ delivered: true, status: 200, failure: null });

    const arrived = receiver.received.find((r) => r.path === '/hasp');
    if (arrived === undefined) throw new Error('nothing arrived at the receiver');
    expect(arrived.headers['webhook-id']).toBe(tested.json.notification_id);
    const verified = new Webhook(secret).verify(arrived.body, headersOf(arrived)) as Record<string, unknown>;
    expect(verified).toMatchObject({ type: 'issue.opened', test: true, data: { id: 'iss_test', cause: 'authentication' } });
  });

  it('posts a Slack message to a local receiver playing Slack, and shows a 500 by its status alone', async () => {
    const slack = await call('POST', '/v1/notification-channels', { kind: 'slack', url: `http://127.0.0.1:${receiver.port}/slack` });
    expect(slack.status).toBe(201);
    expect((await call('POST', `/v1/notification-channels/${String(slack.json.id)}/test`)).json).toMatchObject({ delivered: true, status: 200 });
    const arrived = receiver.received.find((r) => r.path === '/slack');
    expect(JSON.parse(arrived?.body ?? '{}')).toMatchObject({ text: expect.stringContaining('[Test] Issue opened'), blocks: expect.any(Array) });

    const down = await call('POST', '/v1/notification-channels', { kind: 'webhook', url: `http://127.0.0.1:${receiver.port}/down` });
    const failed = await call('POST', `/v1/notification-channels/${String(down.json.id)}/test`);
    expect(failed.json).toMatchObject({ delivered: false, status: 500, failure: 'The receiver answered 500.' });
    const view = await call('GET', `/v1/notification-channels/${String(down.json.id)}`);
    expect(view.json).toMatchObject({ last_failure: 'The receiver answered 500.', consecutive_failures: 1 });
    expect(JSON.stringify([failed.json, view.json])).not.toContain('stack trace');
  });
});
