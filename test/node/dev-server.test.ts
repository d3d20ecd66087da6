/**
 * `npm run dev` from outside, as a sender and an operator meet it: the seeded webhook takes
 * events signed by independent libraries (standardwebhooks, svix), a redelivery starts no second
 * run, the event reads back with its run, and the local D1 file holds no plaintext secret.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Webhook as SvixWebhook } from 'svix';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startDevServer, type DevServer } from './helpers/dev-server';

const PORT = Number(process.env.HASP_TEST_DEV_PORT ?? 8797);
const TOKEN = 'hasp_test_dev_token_0123456789abcdef';
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const BODY = JSON.stringify({ patient_id: 'p1', event: 'chart_updated', updated_fields: ['allergies'] });
const INGRESS = '/webhooks/ehr-chart-updated';

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, token: TOKEN, secret: SECRET });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

function signed(id: string, body = BODY): Record<string, string> {
  const at = new Date();
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(SECRET).sign(id, at, body),
  };
}

async function eventOnceDispatched(eventId: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await http(PORT, 'api.usehasp.run', 'GET', `/v1/events/${eventId}`, { authorization: `Bearer ${TOKEN}` });
    if (res.status === 200) {
      const event = JSON.parse(res.text) as { status: string; runs: { id: string; status: string }[] };
      if (event.status === 'dispatched') return event;
    }
    if (Date.now() > deadline) throw new Error(`event ${eventId} not dispatched: ${res.status} ${res.text}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('npm run dev', () => {
  it('accepts an event signed by the standardwebhooks library and shows its one run', async () => {
    const accepted = await http(PORT, 'acme.usehasp.run', 'POST', INGRESS, signed('msg_dev_e2e_1'), BODY);
    expect(accepted.status).toBe(202);
    const { event_id, status } = JSON.parse(accepted.text) as { event_id: string; status: string };
    expect(status).toBe('accepted');
    const event = await eventOnceDispatched(event_id);
    expect(event.runs).toHaveLength(1);
    expect(event.runs[0]?.status).toBe('dispatched');

    const again = await http(PORT, 'acme.localhost', 'POST', INGRESS, signed('msg_dev_e2e_1'), BODY);
    expect(JSON.parse(again.text)).toEqual({ event_id, status: 'accepted' });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await eventOnceDispatched(event_id)).runs).toHaveLength(1);
  }, 60_000);

  it('accepts svix-* headers signed by the svix library', async () => {
    const id = 'msg_svix_1';
    const at = new Date();
    const signature = new SvixWebhook(SECRET).sign(id, at, BODY);
    const res = await http(
      PORT,
      'acme.usehasp.run',
      'POST',
      INGRESS,
      { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': String(Math.floor(at.getTime() / 1000)), 'svix-signature': signature },
      BODY,
    );
    expect(res.status).toBe(202);
  });

  it('answers the contract statuses for refused requests', async () => {
    const forged = await http(PORT, 'acme.usehasp.run', 'POST', INGRESS, { ...signed('m2'), 'webhook-signature': 'v1,AAAA' }, BODY);
    const unknown = await http(PORT, 'acme.usehasp.run', 'POST', '/webhooks/nope', signed('m3'), BODY);
    const otherOrg = await http(PORT, 'globex.usehasp.run', 'POST', INGRESS, signed('m4'), BODY);
    const get = await http(PORT, 'acme.usehasp.run', 'GET', INGRESS);
    const mismatch = await http(PORT, 'acme.usehasp.run', 'POST', INGRESS, signed('m5', '{"patient_id":1}'), '{"patient_id":1}');
    expect([forged.status, unknown.status, otherOrg.status, get.status, mismatch.status]).toEqual([401, 404, 404, 405, 400]);
    expect(forged.headers['content-type']).toBe('application/problem+json');
    expect(get.headers.allow).toBe('POST');
    expect(unknown.text).toBe(otherOrg.text);
  });

  it('keeps the webhook secret and the API token out of every local state file and the log', () => {
    const raw = SECRET.slice('whsec_'.length);
    for (const file of filesUnder(server.state)) {
      if (file.endsWith('dev-seed.json')) continue; // the developer's own credentials file
      const bytes = readFileSync(file).toString('latin1');
      expect(bytes.includes(raw), file).toBe(false);
      expect(bytes.includes(TOKEN), file).toBe(false);
    }
    expect(server.output()).not.toContain(raw);
    expect(server.output()).not.toContain(TOKEN);
  });
});
