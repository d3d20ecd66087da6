/**
 * Presets through the real ingress: delivery ids, form bodies, URL-bound signatures and the
 * senders' verification handshakes (answered without a schema check and without fanning out).
 * The schemes themselves are proven against the senders' SDKs in test/node/signatures.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { EventMessage } from '../shared/queue/event-message';
import type { RunEnvelope } from '../shared/queue/run-envelope';
import worker from '../workers/hasp/index';
import { CHART_SAMPLE, CHART_SCHEMA, createProject, createWebhook, createWorkflow, type TestProject } from './helpers/fixtures';
import { base64, hex, hmac } from './helpers/hmac';
import { RecordingQueue, everyEventsShard, receiptsOf } from './helpers/queue';
import { post, problemOf, webhookUrl } from './helpers/send';
import { waitFor } from './helpers/wait';

const OPEN_SCHEMA = { type: 'object' };

async function presetHook(preset: string, secret: string, extra: Record<string, unknown> = {}, schema: Record<string, unknown> = OPEN_SCHEMA) {
  const project = await createProject();
  const hook = await createWebhook(project, { auth: { method: 'hmac', preset, ...extra }, secrets: [{ value: secret }], schema });
  return { project, hook, url: webhookUrl(project.orgSlug, hook.slug) };
}

/**
 * Sends through the Worker with an events queue that keeps what it is sent, so "no event" is read
 * the moment the response (and its waitUntil work) is done, not guessed after a wait.
 */
async function sendKeepingEvents(url: string, body?: string, headers: Record<string, string> = {}): Promise<{ response: Response; enqueued: EventMessage[] }> {
  const events = new RecordingQueue<EventMessage>();
  const ctx = createExecutionContext();
  const request =
    body === undefined ? new Request(url) : new Request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const response = await worker.fetch(request, { ...env, ...everyEventsShard(events) }, ctx);
  await waitOnExecutionContext(ctx);
  return { response, enqueued: events.sent };
}

async function firstEnvelope(project: TestProject, eventId: string): Promise<RunEnvelope> {
  const [receipt] = await waitFor(async () => {
    const found = await receiptsOf(project, eventId);
    return found.length > 0 && found;
  }, `a run of ${eventId} in ${project.orgSlug}`);
  if (receipt === undefined) throw new Error(`no run of ${eventId}`);
  return receipt.envelope;
}

describe('stripe', () => {
  const secret = 'whsec_stripe_test_secret_0123456789';
  const stripeHeader = async (body: string, t = Math.floor(Date.now() / 1000)) => `t=${t},v1=${hex(await hmac('SHA-256', secret, `${t}.${body}`))}`;

  it('derives the event id from the Stripe event id, so a retry keeps it', async () => {
    const { url } = await presetHook('stripe', secret);
    const body = JSON.stringify({ id: 'evt_1Stripe', object: 'event', type: 'invoice.paid', data: { object: {} } });
    const first = await post(url, body, { headers: { 'stripe-signature': await stripeHeader(body) } });
    const retry = await post(url, body, { headers: { 'stripe-signature': await stripeHeader(body, Math.floor(Date.now() / 1000) - 30) } });
    expect([first.status, retry.status]).toEqual([202, 202]);
    expect((await retry.json<{ event_id: string }>()).event_id).toBe((await first.json<{ event_id: string }>()).event_id);
  });

  it('refuses a Stripe signature over an altered body', async () => {
    const { url } = await presetHook('stripe', secret);
    const body = JSON.stringify({ id: 'evt_2', type: 'invoice.paid' });
    const response = await post(url, body.replace('paid', 'void'), { headers: { 'stripe-signature': await stripeHeader(body) } });
    expect((await problemOf(response)).code).toBe('bad-signature');
  });
});

describe('github', () => {
  it('accepts X-Hub-Signature-256 and dedups on X-GitHub-Delivery', async () => {
    const secret = 'github-webhook-secret';
    const { url } = await presetHook('github', secret);
    const body = JSON.stringify({ ref: 'refs/heads/main', commits: [] });
    const headers = { 'x-hub-signature-256': `sha256=${hex(await hmac('SHA-256', secret, body))}`, 'x-github-delivery': 'd3f0-1', 'x-github-event': 'push' };
    const a = await post(url, body, { headers });
    const b = await post(url, body, { headers });
    expect((await a.json<{ event_id: string }>()).event_id).toBe((await b.json<{ event_id: string }>()).event_id);
  });
});

describe('twilio (form-encoded, URL-bound)', () => {
  const secret = 'twilio-auth-token-0123456789abcdef';
  const sign = async (url: string, params: Record<string, string>) =>
    base64(await hmac('SHA-1', secret, url + Object.keys(params).sort().map((k) => k + params[k]).join('')));

  it('verifies over the public URL with its query, then delivers the form as an object', async () => {
    const { project, hook } = await presetHook('twilio', secret);
    await createWorkflow(project, [hook.id]);
    const url = `${webhookUrl(project.orgSlug, hook.slug)}?tenant=north`;
    const params = { From: '+15551230000', Body: 'Appointment confirmed', MessageSid: 'SM123' };
    const response = await post(url, new URLSearchParams(params).toString(), {
      contentType: 'application/x-www-form-urlencoded',
      headers: { 'x-twilio-signature': await sign(url, params), 'i-twilio-idempotency-token': 'idem-1' },
    });
    expect(response.status).toBe(202);
    const { event_id } = await response.json<{ event_id: string }>();
    expect((await firstEnvelope(project, event_id)).payload).toEqual(params);
  });

  it('refuses a signature made for another URL', async () => {
    const { project, hook } = await presetHook('twilio', secret);
    const url = webhookUrl(project.orgSlug, hook.slug);
    const params = { From: '+15551230000', Body: 'hi' };
    const response = await post(url, new URLSearchParams(params).toString(), {
      contentType: 'application/x-www-form-urlencoded',
      headers: { 'x-twilio-signature': await sign(`${url}?other=1`, params) },
    });
    expect((await problemOf(response)).code).toBe('bad-signature');
  });
});

describe('handshakes', () => {
  it("answers Slack's url_verification with its challenge, without the schema check or an event", async () => {
    const secret = 'slack-signing-secret-0123456789';
    const { url } = await presetHook('slack', secret, {}, CHART_SCHEMA);
    const signed = async (body: string) => {
      const ts = String(Math.floor(Date.now() / 1000));
      return { 'x-slack-request-timestamp': ts, 'x-slack-signature': `v0=${hex(await hmac('SHA-256', secret, `v0:${ts}:${body}`))}` };
    };
    const body = JSON.stringify({ token: 'x', challenge: 'ch4ll3nge', type: 'url_verification' });
    const { response, enqueued } = await sendKeepingEvents(url, body, await signed(body));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ challenge: 'ch4ll3nge' });
    expect(enqueued).toEqual([]);
    // The same webhook's ordinary events are enqueued through the same path.
    const event = JSON.stringify(CHART_SAMPLE);
    const accepted = await sendKeepingEvents(url, event, await signed(event));
    expect(accepted.response.status).toBe(202);
    expect(accepted.enqueued).toHaveLength(1);
  });

  it("refuses Slack's url_verification when it is not signed", async () => {
    const { url } = await presetHook('slack', 'slack-signing-secret-0123456789');
    const response = await post(url, JSON.stringify({ challenge: 'c', type: 'url_verification' }));
    expect(response.status).toBe(401);
  });

  it("answers Zoom's endpoint.url_validation with plainToken and encryptedToken", async () => {
    const secret = 'zoom-secret-token-0123456789';
    const { url } = await presetHook('zoom', secret, {}, CHART_SCHEMA);
    const body = JSON.stringify({ event: 'endpoint.url_validation', payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' }, event_ts: Date.now() });
    const ts = String(Math.floor(Date.now() / 1000));
    const { response, enqueued } = await sendKeepingEvents(url, body, {
      'x-zm-request-timestamp': ts,
      'x-zm-signature': `v0=${hex(await hmac('SHA-256', secret, `v0:${ts}:${body}`))}`,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
      encryptedToken: hex(await hmac('SHA-256', secret, 'qgg8vlvZRS6UYooatFL8Aw')),
    });
    expect(enqueued).toEqual([]);
  });

  it("answers Meta's GET subscribe check with the challenge and refuses a wrong verify token", async () => {
    const { url } = await presetHook('meta', 'meta-app-secret-0123456789', { verify_token: 'my-verify-token' });
    const ok = await sendKeepingEvents(`${url}?hub.mode=subscribe&hub.verify_token=my-verify-token&hub.challenge=1158201444`);
    const wrong = await sendKeepingEvents(`${url}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444`);
    expect(ok.response.status).toBe(200);
    expect(await ok.response.text()).toBe('1158201444');
    expect(wrong.response.status).toBe(401);
    expect([...ok.enqueued, ...wrong.enqueued]).toEqual([]);
  });

  it('still answers 405 with Allow: GET, POST to a PUT on a Meta webhook', async () => {
    const { url } = await presetHook('meta', 'meta-app-secret-0123456789', { verify_token: 'my-verify-token' });
    const response = await post(url, '{}', { method: 'PUT' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST, GET');
  });

  it("answers Twitch's webhook_callback_verification with the challenge as text", async () => {
    const secret = 'twitch-eventsub-secret-0123456789';
    const { url } = await presetHook('twitch', secret, {}, CHART_SCHEMA);
    const body = JSON.stringify({ challenge: 'pogchamp-kappa-360noscope-vohiyo', subscription: { type: 'channel.follow' } });
    const id = 'e76c6bd4-55c9-4987-8304-da1588d8988b';
    const ts = new Date().toISOString();
    const { response, enqueued } = await sendKeepingEvents(url, body, {
      'twitch-eventsub-message-id': id,
      'twitch-eventsub-message-timestamp': ts,
      'twitch-eventsub-message-type': 'webhook_callback_verification',
      'twitch-eventsub-message-signature': `sha256=${hex(await hmac('SHA-256', secret, id + ts + body))}`,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toBe('pogchamp-kappa-360noscope-vohiyo');
    expect(enqueued).toEqual([]);
  });
});
