/**
 * wrangler 4.86's dev proxy reads the whole body of every 400 before passing the response on, to
 * look for the text of an expired preview token (an HTML page) or a timed-out remote binding (a
 * text/plain line). The ingress answers refusals 400 with JSON problems, so under `npm run dev`
 * each paid for a tee and a read it cannot match. patches/wrangler+4.86.0.patch reads only a 400
 * that may be one of those two: HTML, plain text or no content type.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from './helpers/dev-server';

const PORT = Number(process.env.HASP_TEST_PROXY_400_DEV_PORT ?? 8822);
const INSPECTOR_PORT = Number(process.env.HASP_TEST_PROXY_400_INSPECTOR_PORT ?? 9262);
/** How long the fixture holds each 400's body back after its headers. */
const BODY_DELAY_MS = 3000;

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({
    port: PORT,
    token: 'unused',
    secret: 'unused',
    portBy: 'argument',
    entry: ['node_modules/wrangler/bin/wrangler.js', 'dev', '--config', 'test/node/fixtures/late-400-body.toml'],
    args: ['--inspector-port', String(INSPECTOR_PORT), '--ip', '127.0.0.1'],
  });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

/** Milliseconds until the status line and headers of a GET arrive, and the status. */
function timeToHeaders(type: string): Promise<{ ms: number; status: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = httpRequest({ host: '127.0.0.1', port: PORT, path: `/?delay=${BODY_DELAY_MS}&type=${encodeURIComponent(type)}` }, (res) => {
      const ms = performance.now() - started;
      res.resume();
      resolve({ ms, status: res.statusCode ?? 0 });
    });
    req.on('error', reject);
    req.end();
  });
}

describe("wrangler dev's proxy and 400 responses", () => {
  it('passes a JSON 400 on as its headers arrive, without waiting for its body', async () => {
    const answer = await timeToHeaders('application/problem+json');
    expect(answer.status).toBe(400);
    expect(answer.ms).toBeLessThan(BODY_DELAY_MS / 2);
  });

  it('still reads a plain-text or HTML 400 (in any letter case) through before passing it on, for the preview-token check', async () => {
    for (const type of ['text/plain; charset=utf-8', 'text/html', 'Text/HTML']) {
      const answer = await timeToHeaders(type);
      expect(answer.status).toBe(400);
      expect(answer.ms).toBeGreaterThanOrEqual(BODY_DELAY_MS - 100);
    }
  });
});
