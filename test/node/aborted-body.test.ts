/**
 * Senders that promise a Content-Length, send part of it and disconnect, against `npm run dev`.
 * workerd then fails the forward of that request ("Network connection lost."). wrangler 4.86 took
 * that one request's failure for the dev server's: on `/` it exited, elsewhere it answered "Your
 * worker restarted mid-request" (503). patches/wrangler+4.86.0.patch carries the upstream fix
 * (workers-sdk #14593, #15448): the failed forward is that request's outcome and the server keeps
 * serving. In the Worker, the broken body is the client's abort: no "unhandled error", no 500.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventOnceDispatched, http, signedHeaders, startDevServer, type DevServer } from './helpers/dev-server';

const PORT = Number(process.env.HASP_TEST_ABORT_DEV_PORT ?? 8801);
const INSPECTOR_PORT = Number(process.env.HASP_TEST_ABORT_INSPECTOR_PORT ?? 9241);
const TOKEN = 'hasp_test_aborted_body_token_0123456789';
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const INGRESS = '/webhooks/ehr-chart-updated';
const BODY = JSON.stringify({ patient_id: 'p1', event: 'chart_updated', updated_fields: ['allergies'] });

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, token: TOKEN, secret: SECRET, args: ['--inspector-port', String(INSPECTOR_PORT)] });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

/**
 * A signed POST over a raw socket whose Content-Length promises more than it sends; the socket is
 * destroyed after `holdMs`. Resolves with whatever came back before that (normally nothing).
 */
function abortedPost(path: string, id: string, holdMs: number): Promise<string> {
  const partial = `{"patient_id":"p1","notes":"${'n'.repeat(2000)}`;
  const headers = { ...signedHeaders(SECRET, id, partial), host: 'acme.usehasp.run', 'content-length': '100000' };
  const head = `POST ${path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
  return new Promise((resolve) => {
    let received = '';
    const socket = connect(PORT, '127.0.0.1', () => {
      socket.write(head + partial);
      setTimeout(() => {
        socket.destroy();
        resolve(received);
      }, holdMs);
    });
    socket.on('data', (chunk) => (received += chunk.toString()));
    // A refused connection (the dev server gone) is an answer to report, not a stray rejection.
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(`socket error ${err.code ?? err.message}`));
  });
}

const post = (id: string) => http(PORT, 'acme.usehasp.run', 'POST', INGRESS, signedHeaders(SECRET, id, BODY), BODY);

describe('npm run dev and senders that disconnect mid-body', () => {
  it('keeps serving, answers every other request normally, and the service logs no error', async () => {
    const before = server.output().length;
    for (let round = 0; round < 3; round++) {
      // The aborted uploads and ordinary deliveries overlap, as they would from real senders.
      const aborted = [abortedPost(INGRESS, `msg_abort_${round}_a`, 100), abortedPost(INGRESS, `msg_abort_${round}_b`, 300), abortedPost('/', `msg_abort_${round}_root`, 150)];
      const ordinary = [post(`msg_ok_${round}_a`), post(`msg_ok_${round}_b`)];
      expect(await Promise.all(aborted)).toEqual(['', '', '']);
      for (const res of await Promise.all(ordinary)) expect(res.status, res.text).toBe(202);
    }
    const after = await post('msg_ok_after');
    expect(after.status, after.text).toBe(202);
    await eventOnceDispatched(PORT, TOKEN, (JSON.parse(after.text) as { event_id: string }).event_id);

    const events = await http(PORT, 'api.usehasp.run', 'GET', '/v1/events?limit=100', { authorization: `Bearer ${TOKEN}` });
    expect(events.status, events.text).toBe(200);
    const deliveries = (JSON.parse(events.text) as { data: { delivery_id: string | null }[] }).data.map((e) => e.delivery_id);
    expect(deliveries).toContain('msg_ok_after');
    expect(deliveries.filter((id) => id?.startsWith('msg_abort_'))).toEqual([]);

    // workerd still prints "Uncaught Error: Network connection lost." once per aborted request: it
    // reports the dropped connection itself, even for a Worker that caught the failed read and
    // answered (a bare Worker does the same), so that line is not the service's and is not checked.
    const log = server.output().slice(before);
    expect(log).not.toMatch(/unhandled error/i);
    expect(log).not.toMatch(/Error inside ProxyWorker/);
    expect(log).not.toMatch(/restarted mid-request/);
    // The aborted requests' own answer (to clients already gone) is the proxy's 502; nothing is a 500 or 503.
    expect(log).not.toMatch(/ 50[03] [A-Z]/);
  }, 90_000);
});
