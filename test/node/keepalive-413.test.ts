/**
 * A body over the webhook's limit, then the sender's next request on the same keep-alive socket,
 * against `npm run dev`. The chunked body (no Content-Length) is read until it passes the limit;
 * the ingress used to cancel it there, workerd then closed the connection behind the 413 with the
 * rest unread, and wrangler's proxy, which had already sent the whole body and pooled that
 * connection, forwarded the next request into it: 502 "Network connection lost", every time.
 * The rest of a body just over the limit is now discarded (shared/http/read-body.ts) and the
 * connection carries the next request. A declared Content-Length over the limit is refused unread.
 */
import { Agent, request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, signedHeaders, startDevServer, type DevServer } from './helpers/dev-server';

const PORT = Number(process.env.HASP_TEST_KEEPALIVE_DEV_PORT ?? 8810);
const INSPECTOR_PORT = Number(process.env.HASP_TEST_KEEPALIVE_INSPECTOR_PORT ?? 9250);
const TOKEN = 'hasp_test_keepalive_413_token_0123456789';
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const INGRESS = '/webhooks/ehr-chart-updated';
const HOST = 'acme.usehasp.run';
/** The seeded webhook's body_limit_bytes (the default). */
const LIMIT = 1_048_576;
/** Rounds per kind of oversized body: before the fix every chunked round failed. */
const ROUNDS = 60;
const BODY = JSON.stringify({ patient_id: 'p1', event: 'chart_updated', updated_fields: ['allergies'] });

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, token: TOKEN, secret: SECRET, args: ['--inspector-port', String(INSPECTOR_PORT)] });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

interface Answer {
  status: number;
  text: string;
  socket: Socket | undefined;
  error?: string;
}

/** One request through `agent` (one keep-alive socket); the body is written by `write`. */
function send(agent: Agent, headers: Record<string, string>, write: (req: ReturnType<typeof httpRequest>) => void): Promise<Answer> {
  return new Promise((resolve) => {
    let socket: Socket | undefined;
    const req = httpRequest({ host: '127.0.0.1', port: PORT, method: 'POST', path: INGRESS, agent, headers: { ...headers, host: HOST } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      // The request is done once both the answer and the upload are: only then is the socket free.
      const answered = new Promise<void>((done) => res.on('end', done));
      const uploaded = req.writableFinished ? Promise.resolve() : new Promise<void>((done) => req.once('finish', done));
      void Promise.all([answered, uploaded]).then(() => resolve({ status: res.statusCode ?? 0, text, socket }));
    });
    req.on('socket', (s) => (socket = s));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ status: 0, text: '', socket, error: err.code ?? err.message }));
    write(req);
  });
}

const oversized = Buffer.alloc(LIMIT + 4096, 'x');

/** Just over the limit, sent whole and chunked (no Content-Length), as fast as the socket takes it. */
function chunkedOverLimit(agent: Agent): Promise<Answer> {
  return send(agent, { 'content-type': 'application/json' }, (req) => {
    for (let at = 0; at < oversized.length; at += 16_384) req.write(oversized.subarray(at, at + 16_384));
    req.end();
  });
}

/** Just over the limit, with a Content-Length that says so, sent whole. */
function declaredOverLimit(agent: Agent): Promise<Answer> {
  return send(agent, { 'content-type': 'application/json', 'content-length': String(oversized.length) }, (req) => req.end(oversized));
}

function valid(agent: Agent, id: string): Promise<Answer> {
  return send(agent, { ...signedHeaders(SECRET, id, BODY), 'content-length': String(Buffer.byteLength(BODY)) }, (req) => req.end(BODY));
}

describe('npm run dev and the request after a 413 on the same keep-alive socket', () => {
  it('answers every oversized body 413 and every next request 202, on the same socket, and keeps nothing', async () => {
    const outcomes: string[] = [];
    let tooLarge = 0;
    // Two senders at once, each on its own single keep-alive socket.
    await Promise.all(
      (['chunked', 'declared'] as const).map(async (kind) => {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        try {
          for (let round = 0; round < ROUNDS; round++) {
            const refused = await (kind === 'chunked' ? chunkedOverLimit(agent) : declaredOverLimit(agent));
            const next = await valid(agent, `msg_keepalive_${kind}_${round}`);
            if (refused.status === 413) tooLarge++;
            const problem = refused.status === 413 ? (JSON.parse(refused.text) as { code: string }).code : refused.text;
            const sameSocket = refused.socket !== undefined && refused.socket === next.socket;
            outcomes.push(`${kind}: ${refused.status || refused.error} ${problem} -> ${next.status || next.error}${next.status === 202 ? '' : ` ${next.text}`} ${sameSocket ? 'same socket' : 'new socket'}`);
          }
        } finally {
          agent.destroy();
        }
      }),
    );
    const expected = (['chunked', 'declared'] as const).flatMap((kind) => Array.from({ length: ROUNDS }, () => `${kind}: 413 payload-too-large -> 202 same socket`));
    expect(outcomes.sort()).toEqual(expected.sort());

    // Nothing kept: every 413 is counted as a refusal with no kept request, and none is replayable.
    const auth = { authorization: `Bearer ${TOKEN}` };
    const deadline = Date.now() + 20_000;
    let refusals: { reason: string; count: number; request_id: string | null }[] = [];
    for (;;) {
      const res = await http(PORT, 'api.usehasp.run', 'GET', '/v1/events?status=rejected&limit=100', auth);
      expect(res.status, res.text).toBe(200);
      refusals = (JSON.parse(res.text) as { data: typeof refusals }).data.filter((r) => r.reason === 'payload-too-large');
      if (refusals.reduce((n, r) => n + r.count, 0) >= tooLarge || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(refusals.reduce((n, r) => n + r.count, 0)).toBe(2 * ROUNDS);
    expect(refusals.map((r) => r.request_id)).toEqual(refusals.map(() => null));
    const kept = await http(PORT, 'api.usehasp.run', 'GET', '/v1/rejections?limit=100', auth);
    expect(kept.status, kept.text).toBe(200);
    expect((JSON.parse(kept.text) as { data: unknown[] }).data).toEqual([]);
  }, 120_000);
});
