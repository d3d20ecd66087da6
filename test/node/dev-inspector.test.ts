/**
 * wrangler 4.86 (the last release that runs on Node 20) turns on the runtime's Network domain
 * whether or not DevTools is attached. Every D1 call of the queue consumers then sends four
 * inspector events through wrangler's dev proxy, which JSON-parses each one, posts it to Node and
 * keeps it until a DevTools client drains them: the proxy's memory grows with every D1 call for
 * as long as the dev server runs (workers-sdk #14191). patches/wrangler+4.86.0.patch turns
 * Network on only while a client is attached (workers-sdk #14243 made the same change upstream)
 * and off again when the client leaves. Here `npm run dev` shows both halves: no Network traffic
 * with nobody watching, and the D1 calls visible to a client that asks for them.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventOnceDispatched, http, signedHeaders, startDevServer, type DevServer } from './helpers/dev-server';

const PORT = Number(process.env.HASP_TEST_INSPECTOR_DEV_PORT ?? 8798);
const INSPECTOR_PORT = Number(process.env.HASP_TEST_INSPECTOR_PORT ?? 9238);
const TOKEN = 'hasp_test_inspector_token_0123456789';
const SECRET = 'whsec_ZGV2LWluc3BlY3Rvci10ZXN0LXNlY3JldC0wMQ==';
const BODY = JSON.stringify({ patient_id: 'p1', event: 'chart_updated', updated_fields: ['allergies'] });

let server: DevServer;

beforeAll(async () => {
  // At debug level wrangler logs every message its inspector proxy receives from the runtime.
  server = await startDevServer({ port: PORT, token: TOKEN, secret: SECRET, args: ['--inspector-port', String(INSPECTOR_PORT)], env: { WRANGLER_LOG: 'debug' } });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

/** Network events the runtime sent to wrangler's inspector proxy, as its debug log shows them. */
function networkEventsIn(log: string): string[] {
  return [...log.matchAll(/RUNTIME INCOMING MESSAGE \{\s*method: '(Network\.\w+)'/g)].map((m) => m[1] as string);
}

/**
 * Whether the runtime has answered the last `method` command the proxy sent it, as the proxy's
 * debug log shows the command (`SEND TO RUNTIME {"id":N,…}`) and its answer (`{ id: N, … }`).
 */
function runtimeAnswered(log: string, method: string): boolean {
  const sent = [...log.matchAll(/SEND TO RUNTIME \{"id":(\d+),"method":"([\w.]+)"/g)].filter((m) => m[2] === method).at(-1);
  if (sent === undefined) return false;
  return new RegExp(`RUNTIME INCOMING MESSAGE \\{\\s*id: ${sent[1] as string},`).test(log);
}

/** Posts one signed event and waits until the consumer has fanned it out (D1 reads and writes). */
async function deliver(id: string): Promise<void> {
  const res = await http(PORT, 'acme.usehasp.run', 'POST', '/webhooks/ehr-chart-updated', signedHeaders(SECRET, id, BODY), BODY);
  expect(res.status, res.text).toBe(202);
  await eventOnceDispatched(PORT, TOKEN, (JSON.parse(res.text) as { event_id: string }).event_id);
}

/** A DevTools Protocol client on the inspector `wrangler dev` serves, as the DevTools window is. */
async function attachDevTools(): Promise<{ client: WebSocket; events: { method: string; url?: string }[] }> {
  const targets = (await (await fetch(`http://127.0.0.1:${INSPECTOR_PORT}/json`)).json()) as { webSocketDebuggerUrl?: string }[];
  const url = targets.find((t) => t.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspector target on port ${INSPECTOR_PORT}`);
  const client = new WebSocket(url);
  const events: { method: string; url?: string }[] = [];
  client.on('message', (data) => {
    const message = JSON.parse(String(data)) as { method?: string; params?: { request?: { url?: string } } };
    if (message.method) events.push({ method: message.method, url: message.params?.request?.url });
  });
  await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
  return { client, events };
}

describe('npm run dev and the inspector', () => {
  it('sends no Network events while no DevTools client is attached', async () => {
    await deliver('msg_inspector_1');
    // The proxy did receive runtime messages (its own commands' answers), and none were Network.
    expect(server.output()).toContain('RUNTIME INCOMING MESSAGE');
    expect(networkEventsIn(server.output())).toEqual([]);
  });

  it('shows the consumers\' D1 calls to an attached client that enables Network, and stops when it leaves', async () => {
    const { client, events } = await attachDevTools();
    client.send(JSON.stringify({ id: 1, method: 'Network.enable' }));
    await deliver('msg_inspector_2');
    await expect.poll(() => events.filter((e) => e.method === 'Network.requestWillBeSent' && e.url?.startsWith('http://d1/')).length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(networkEventsIn(server.output())).toContain('Network.requestWillBeSent');

    const closedAt = server.output().length;
    client.close();
    // The proxy sends Network.disable as the client goes. Once the runtime has answered it, the
    // runtime sends no more Network events and those it sent before are already in the log, so any
    // counted from here on come from the next delivery.
    await expect.poll(() => runtimeAnswered(server.output().slice(closedAt), 'Network.disable'), { timeout: 10_000 }).toBe(true);
    // The proxy never answers the close frame, so the socket is dropped rather than waited on for 30 s.
    client.terminate();
    const seenBefore = networkEventsIn(server.output()).length;
    await deliver('msg_inspector_3');
    expect(networkEventsIn(server.output()).length).toBe(seenBefore);
  });
});
