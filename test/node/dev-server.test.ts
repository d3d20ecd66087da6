/**
 * `npm run dev` from outside, as a sender and an operator meet it: the seeded webhook takes
 * events signed by independent libraries (standardwebhooks, svix), a redelivery starts no second
 * run, the event reads back with its run, the stand-in runtime records that run, and the local D1
 * file holds no plaintext secret.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sign as githubSign } from '@octokit/webhooks-methods';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventOnceDispatched as dispatched, http, runsRecordedByStandin, signedHeaders, startDevServer, type DevServer } from './helpers/dev-server';

const PORT = Number(process.env.HASP_TEST_DEV_PORT ?? 8797);
const TOKEN = 'hasp_test_dev_token_0123456789abcdef';
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const BODY = JSON.stringify({ patient_id: 'p1', event: 'chart_updated', updated_fields: ['allergies'] });
const INGRESS = '/webhooks/ehr-chart-updated';

let server: DevServer;

beforeAll(async () => {
  // The port as README's `npm run dev -- --port 8790` gives it (once failed: two `--port` values).
  server = await startDevServer({ port: PORT, token: TOKEN, secret: SECRET, portBy: 'argument' });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

function signed(id: string, body = BODY): Record<string, string> {
  return signedHeaders(SECRET, id, body);
}

const eventOnceDispatched = (eventId: string) => dispatched(PORT, TOKEN, eventId);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('npm run dev', () => {
  it('serves on the port given after --, and prints the addresses on it', () => {
    expect(server.output()).toContain(`console:  http://console.localhost:${PORT}`);
    expect(server.output()).toMatch(new RegExp(`Ready on http://127\\.0\\.0\\.1:${PORT}`));
  });

  it('accepts an event signed by the standardwebhooks library and shows its one run', async () => {
    const accepted = await http(PORT, 'acme.usehasp.run', 'POST', INGRESS, signed('msg_dev_e2e_1'), BODY);
    expect(accepted.status).toBe(202);
    const { event_id, status } = JSON.parse(accepted.text) as { event_id: string; status: string };
    expect(status).toBe('accepted');
    const event = await eventOnceDispatched(event_id);
    expect(event.runs).toHaveLength(1);
    expect(event.runs[0]?.status).toBe('dispatched');
    // The stand-in runtime, its own Worker in the same `wrangler dev`, took the run off the runs queue.
    expect(await runsRecordedByStandin(server.state, event_id, 1)).toEqual(event.runs.map((r) => r.id));

    const again = await http(PORT, 'acme.localhost', 'POST', INGRESS, signed('msg_dev_e2e_1'), BODY);
    expect(JSON.parse(again.text)).toEqual({ event_id, status: 'accepted' });
    // A later event of the same project follows the redelivery on its events shard, which hands its
    // messages to the consumer in order, one batch at a time: once the later one is dispatched and
    // its run recorded, the redelivery has been consumed too, and started nothing.
    const later = await http(PORT, 'acme.usehasp.run', 'POST', INGRESS, signed('msg_dev_e2e_1_later'), BODY);
    expect(later.status).toBe(202);
    const laterId = (JSON.parse(later.text) as { event_id: string }).event_id;
    await runsRecordedByStandin(server.state, laterId, (await eventOnceDispatched(laterId)).runs.length);
    expect((await eventOnceDispatched(event_id)).runs).toHaveLength(1);
    expect(await runsRecordedByStandin(server.state, event_id, 1)).toEqual(event.runs.map((r) => r.id));
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

describe('payloads at rest under npm run dev', () => {
  it('keeps an inline and a claim-checked payload only sealed in every local state file, and reads them back decrypted', async () => {
    const marker = `phi-marker-${randomUUID()}`;
    const inline = JSON.stringify({ patient_id: 'p-rest-1', event: 'chart_updated', updated_fields: [marker] });
    // Over the 100 KB a queue message carries inline: claim-checked in R2.
    const large = JSON.stringify({ patient_id: 'p-rest-2', event: 'chart_updated', updated_fields: [marker, 'x'.repeat(120_000)] });
    const ids: string[] = [];
    for (const [n, body] of [inline, large].entries()) {
      const res = await http(PORT, 'acme.usehasp.run', 'POST', INGRESS, signed(`msg_rest_${n}`, body), body);
      expect(res.status, res.text).toBe(202);
      const eventId = (JSON.parse(res.text) as { event_id: string }).event_id;
      const event = await eventOnceDispatched(eventId);
      // The stand-in runtime has recorded the run (its receipt holds the envelope, payload included).
      await runsRecordedByStandin(server.state, eventId, event.runs.length);
      ids.push(eventId);
    }

    const holding = filesUnder(server.state).filter((file) => readFileSync(file).toString('latin1').includes(marker));
    expect(holding).toEqual([]);
    expect(server.output()).not.toContain(marker);

    for (const [n, eventId] of ids.entries()) {
      const read = await http(PORT, 'api.usehasp.run', 'GET', `/v1/events/${eventId}?include=payload`, { authorization: `Bearer ${TOKEN}` });
      expect(read.status, read.text).toBe(200);
      const { payload } = JSON.parse(read.text) as { payload: { updated_fields: string[] } };
      expect(payload.updated_fields[0]).toBe(marker);
      expect(payload.updated_fields).toHaveLength(n === 0 ? 1 : 2);
    }
  }, 90_000);
});

/** Creates a webhook through the control API, as the workflow compiler would. */
async function createWebhook(body: Record<string, unknown>): Promise<{ id: string; slug: string; url: string; secret?: string }> {
  const res = await http(PORT, 'api.usehasp.run', 'POST', '/v1/webhooks', { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, JSON.stringify(body));
  if (res.status !== 201) throw new Error(`create webhook: ${res.status} ${res.text}`);
  return JSON.parse(res.text) as { id: string; slug: string; url: string; secret?: string };
}

describe('presets created through the control API, signed by the senders\' SDKs', () => {
  const sample = { id: 'evt_sample', type: 'invoice.paid', data: { object: { amount_paid: 100 } } };

  it('verifies Stripe signatures made by stripe-node and dedups on the Stripe event id', async () => {
    const secret = 'whsec_stripe_dev_e2e_0123456789abcdef';
    const hook = await createWebhook({ name: 'Stripe invoices', auth: { method: 'hmac', preset: 'stripe' }, secret, sample_payload: sample });
    expect(hook.secret).toBeUndefined();
    const body = JSON.stringify({ ...sample, id: 'evt_1Dev' });
    const send = () =>
      http(PORT, 'acme.usehasp.run', 'POST', `/webhooks/${hook.slug}`, {
        'content-type': 'application/json',
        'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret }),
      }, body);
    const [a, b] = [await send(), await send()];
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(JSON.parse(a.text).event_id).toBe(JSON.parse(b.text).event_id);
    const tampered = await http(PORT, 'acme.usehasp.run', 'POST', `/webhooks/${hook.slug}`, {
      'content-type': 'application/json',
      'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret }),
    }, body.replace('100', '999'));
    expect(tampered.status).toBe(401);
    const stale = await http(PORT, 'acme.usehasp.run', 'POST', `/webhooks/${hook.slug}`, {
      'content-type': 'application/json',
      'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: Math.floor(Date.now() / 1000) - 3600 }),
    }, body);
    expect(JSON.parse(stale.text).code).toBe('timestamp-out-of-tolerance');
  });

  it('verifies GitHub signatures made by @octokit/webhooks-methods', async () => {
    const secret = 'github-dev-e2e-secret';
    const push = { ref: 'refs/heads/main', repository: { full_name: 'acme/ehr' } };
    const hook = await createWebhook({ name: 'GitHub pushes', auth: { method: 'hmac', preset: 'github' }, secret, sample_payload: push });
    const body = JSON.stringify(push);
    const ok = await http(PORT, 'acme.usehasp.run', 'POST', `/webhooks/${hook.slug}`, {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': 'a1b2c3',
      'x-hub-signature-256': await githubSign(secret, body),
    }, body);
    const wrong = await http(PORT, 'acme.usehasp.run', 'POST', `/webhooks/${hook.slug}`, {
      'content-type': 'application/json',
      'x-hub-signature-256': await githubSign('another-secret', body),
    }, body);
    expect([ok.status, wrong.status]).toEqual([202, 401]);
  });

  it('verifies a Twilio form post signed by the twilio SDK over the URL wrangler dev serves', async () => {
    const authToken = '0123456789abcdef0123456789abcdef';
    const params = { From: '+15551230000', To: '+15557654321', Body: 'Confirmed', MessageSid: 'SM1' };
    const hook = await createWebhook({ name: 'Twilio SMS', auth: { method: 'hmac', preset: 'twilio' }, secret: authToken, sample_payload: params });
    const host = `acme.localhost:${PORT}`;
    const path = `/webhooks/${hook.slug}?clinic=north`;
    const signature = twilio.getExpectedTwilioSignature(authToken, `http://${host}${path}`, params);
    const form = new URLSearchParams(params).toString();
    const res = await http(PORT, host, 'POST', path, { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, form);
    expect(res.status, res.text).toBe(202);
    const forged = await http(PORT, host, 'POST', path, { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, form.replace('Confirmed', 'Cancelled'));
    expect(forged.status).toBe(401);
  });
});
