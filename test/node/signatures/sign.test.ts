// The signer (shared/signatures/sign.ts) is the sender side of every scheme: what it signs must be
// what each sender's own SDK accepts (or, where the SDK only signs, what the SDK itself would send),
// and what our verifiers accept; a wrong secret must fail both. Senders without an SDK installed
// (Shopify, Slack, Zoom, Meta, Twitch, Intercom) are checked against their documented recipe,
// computed here with node:crypto independently of the preset rows.
import { createHmac } from 'node:crypto';
import { Signature } from '@hubspot/api-client';
import { LinearWebhookClient } from '@linear/sdk/webhooks';
import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods';
import { NodeRuntime, Webhooks as PaddleWebhooks } from '@paddle/paddle-node-sdk';
import { WebhooksHelper } from 'square';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { createVerifier, PRESET_NAMES, type AuthConfig } from '../../../shared/signatures';
import { signRequest, SignError, type SignedRequest } from '../../../shared/signatures/sign';
import { NOW, PUBLIC_URL, inbound, secrets } from './helpers';

NodeRuntime.initialize();

const BODY = JSON.stringify({ id: 'evt_1Nq', event_id: 'ev_2', notification_id: 'ntf_3', type: 'chart.updated', data: { patient_id: 'p1' } });
const WHSEC = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const OTHER_WHSEC = `whsec_${Buffer.alloc(32, 4).toString('base64')}`;
const SECRET = 'sender-issued-secret-0123456789';
const OTHER = 'sender-issued-secret-9876543210';

function secretFor(auth: AuthConfig): [string, string] {
  return auth.method === 'hmac' && !('preset' in auth) && !('header' in auth) ? [WHSEC, OTHER_WHSEC] : [SECRET, OTHER];
}

function sign(auth: AuthConfig, secret: string | null, body = BODY, now = NOW): Promise<SignedRequest> {
  return signRequest({ auth, secret, url: PUBLIC_URL, body, now });
}

async function ourVerdict(auth: AuthConfig, secret: string, request: SignedRequest): Promise<boolean> {
  const verifier = await createVerifier(auth, secrets(secret));
  return (await verifier.verify(inbound({ headers: request.headers, body: request.body, url: request.url }), NOW)).ok;
}

const hmac = (algorithm: string, key: string, content: string, encoding: 'hex' | 'base64') => createHmac(algorithm, key).update(content).digest(encoding);

const EVERY_SCHEME: [string, AuthConfig][] = [
  ['standard-webhooks (default)', { method: 'hmac' }],
  ...PRESET_NAMES.filter((n) => n !== 'standard-webhooks').map((name): [string, AuthConfig] => [name, { method: 'hmac', preset: name }]),
  ['generic HMAC over the body', { method: 'hmac', header: 'X-Signature', prefix: 'sha512=', algorithm: 'sha512', encoding: 'base64', signed_content: 'body', delivery_id_header: 'X-Delivery' }],
  ['generic HMAC over timestamp.body', { method: 'hmac', header: 'X-Sig', prefix: '', algorithm: 'sha1', encoding: 'hex', signed_content: 'timestamp.body', timestamp_header: 'X-Ts', tolerance_seconds: 300 }],
  ['header token', { method: 'header', header: 'X-Hasp-Token' }],
  ['bearer token', { method: 'bearer' }],
];

describe('signRequest, checked by our verifiers', () => {
  it.each(EVERY_SCHEME)('%s: accepted with the secret, refused with another', async (_name, auth) => {
    const [secret, other] = secretFor(auth);
    expect(await ourVerdict(auth, secret, await sign(auth, secret))).toBe(true);
    expect(await ourVerdict(auth, secret, await sign(auth, other))).toBe(false);
  });

  it('none: sends the body with no credential, and the open verifier accepts it', async () => {
    const request = await sign({ method: 'none' }, null);
    expect(Object.keys(request.headers)).toEqual(['content-type']);
    expect((await (await createVerifier({ method: 'none' }, [])).verify(inbound(request), NOW)).ok).toBe(true);
  });

  it('refuses to sign without a secret for a scheme that needs one', async () => {
    await expect(sign({ method: 'bearer' }, null)).rejects.toBeInstanceOf(SignError);
  });

  it('gives each request a fresh delivery id, so two sends are two events', async () => {
    const [a, b] = [await sign({ method: 'hmac', preset: 'github' }, SECRET), await sign({ method: 'hmac', preset: 'github' }, SECRET)];
    expect(a.headers['X-GitHub-Delivery']).not.toBe(b.headers['X-GitHub-Delivery']);
  });
});

describe("signRequest, checked by the senders' SDKs", () => {
  it('standard-webhooks: the standardwebhooks and svix libraries verify it, and sign it identically', async () => {
    const request = await sign({ method: 'hmac' }, WHSEC);
    expect(new StandardWebhook(WHSEC).verify(request.body, request.headers)).toEqual(JSON.parse(BODY));
    expect(new SvixWebhook(WHSEC).verify(request.body, request.headers)).toEqual(JSON.parse(BODY));
    const id = request.headers['webhook-id'] ?? '';
    expect(request.headers['webhook-signature']).toBe(new StandardWebhook(WHSEC).sign(id, new Date(NOW), BODY));
    expect(() => new StandardWebhook(OTHER_WHSEC).verify(request.body, request.headers)).toThrow();
  });

  it("stripe: constructEvent accepts it, and it equals stripe's generateTestHeaderString", async () => {
    const request = await sign({ method: 'hmac', preset: 'stripe' }, SECRET);
    const header = request.headers['Stripe-Signature'] ?? '';
    expect(Stripe.webhooks.constructEvent(request.body, header, SECRET).id).toBe('evt_1Nq');
    expect(header).toBe(Stripe.webhooks.generateTestHeaderString({ payload: BODY, secret: SECRET, timestamp: NOW / 1000 }));
    expect(() => Stripe.webhooks.constructEvent(request.body, header, OTHER)).toThrow();
  });

  it('github: @octokit/webhooks-methods verifies it and signs it identically', async () => {
    const request = await sign({ method: 'hmac', preset: 'github' }, SECRET);
    const signature = request.headers['X-Hub-Signature-256'] ?? '';
    expect(await octokitVerify(SECRET, request.body, signature)).toBe(true);
    expect(signature).toBe(await octokitSign(SECRET, BODY));
    expect(await octokitVerify(OTHER, request.body, signature)).toBe(false);
  });

  it('twilio: validateRequest accepts the form it sends, signed over the URL', async () => {
    const url = `${PUBLIC_URL}?source=sms`;
    const body = JSON.stringify({ To: '+15005550006', From: '+14158675310', Body: 'Hello & bye', MessageSid: 'SM1' });
    const request = await signRequest({ auth: { method: 'hmac', preset: 'twilio' }, secret: SECRET, url, body, now: NOW });
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const params = Object.fromEntries(new URLSearchParams(request.body));
    expect(params).toEqual(JSON.parse(body));
    const signature = request.headers['X-Twilio-Signature'] ?? '';
    expect(twilio.validateRequest(SECRET, signature, url, params)).toBe(true);
    expect(twilio.validateRequest(OTHER, signature, url, params)).toBe(false);
  });

  it("square: WebhooksHelper.verifySignature accepts it for the notification URL only", async () => {
    const request = await sign({ method: 'hmac', preset: 'square' }, SECRET);
    const signatureHeader = request.headers['x-square-hmacsha256-signature'] ?? '';
    const check = (notificationUrl: string, signatureKey: string) =>
      WebhooksHelper.verifySignature({ requestBody: request.body, signatureHeader, signatureKey, notificationUrl });
    expect(await check(PUBLIC_URL, SECRET)).toBe(true);
    expect(await check(`${PUBLIC_URL}x`, SECRET)).toBe(false);
    expect(await check(PUBLIC_URL, OTHER)).toBe(false);
  });

  it("paddle: the SDK's isSignatureValid accepts it", async () => {
    const request = await sign({ method: 'hmac', preset: 'paddle' }, SECRET, BODY, Date.now());
    const header = request.headers['Paddle-Signature'] ?? '';
    expect(await new PaddleWebhooks().isSignatureValid(request.body, SECRET, header)).toBe(true);
    expect(await new PaddleWebhooks().isSignatureValid(request.body, OTHER, header)).toBe(false);
  });

  it("linear: LinearWebhookClient.verify accepts it, with webhookTimestamp filled into the body", async () => {
    const now = Date.now();
    const request = await sign({ method: 'hmac', preset: 'linear' }, SECRET, BODY, now);
    expect(JSON.parse(request.body)).toMatchObject({ webhookTimestamp: now });
    const accepts = (secret: string) => {
      try {
        return new LinearWebhookClient(secret).verify(Buffer.from(request.body), request.headers['Linear-Signature'] ?? '');
      } catch {
        return false;
      }
    };
    expect(accepts(SECRET)).toBe(true);
    expect(accepts(OTHER)).toBe(false);
  });

  it('hubspot: Signature.isValid (v3) accepts it', async () => {
    const request = await sign({ method: 'hmac', preset: 'hubspot' }, SECRET);
    const check = (clientSecret: string) =>
      Signature.isValid({
        signatureVersion: 'v3',
        method: 'POST',
        clientSecret,
        requestBody: request.body,
        url: PUBLIC_URL,
        timestamp: Number(request.headers['X-HubSpot-Request-Timestamp']),
        signature: request.headers['X-HubSpot-Signature-v3'] ?? '',
      });
    expect(check(SECRET)).toBe(true);
    expect(check(OTHER)).toBe(false);
  });

  it('shopify, meta, intercom: the documented body HMACs', async () => {
    const shopify = await sign({ method: 'hmac', preset: 'shopify' }, SECRET);
    expect(shopify.headers['X-Shopify-Hmac-Sha256']).toBe(hmac('sha256', SECRET, BODY, 'base64'));
    const meta = await sign({ method: 'hmac', preset: 'meta' }, SECRET);
    expect(meta.headers['X-Hub-Signature-256']).toBe(`sha256=${hmac('sha256', SECRET, BODY, 'hex')}`);
    const intercom = await sign({ method: 'hmac', preset: 'intercom' }, SECRET);
    expect(intercom.headers['X-Hub-Signature']).toBe(`sha1=${hmac('sha1', SECRET, BODY, 'hex')}`);
  });

  it('slack, zoom: v0:{timestamp}:{body} with the timestamp header in seconds', async () => {
    const slack = await sign({ method: 'hmac', preset: 'slack' }, SECRET);
    const ts = slack.headers['X-Slack-Request-Timestamp'];
    expect(ts).toBe(String(NOW / 1000));
    expect(slack.headers['X-Slack-Signature']).toBe(`v0=${hmac('sha256', SECRET, `v0:${ts}:${BODY}`, 'hex')}`);
    const zoom = await sign({ method: 'hmac', preset: 'zoom' }, SECRET);
    expect(zoom.headers['x-zm-signature']).toBe(`v0=${hmac('sha256', SECRET, `v0:${zoom.headers['x-zm-request-timestamp']}:${BODY}`, 'hex')}`);
  });

  it('twitch: message id, RFC 3339 timestamp and body, hex HMAC-SHA256', async () => {
    const twitch = await sign({ method: 'hmac', preset: 'twitch' }, SECRET);
    const id = twitch.headers['Twitch-Eventsub-Message-Id'] ?? '';
    const at = twitch.headers['Twitch-Eventsub-Message-Timestamp'] ?? '';
    expect(at).toBe(new Date(NOW).toISOString());
    expect(twitch.headers['Twitch-Eventsub-Message-Signature']).toBe(`sha256=${hmac('sha256', SECRET, id + at + BODY, 'hex')}`);
  });

  it('header and bearer: the secret where the sender puts its token', async () => {
    expect((await sign({ method: 'header', header: 'X-Token' }, SECRET)).headers['X-Token']).toBe(SECRET);
    expect((await sign({ method: 'bearer' }, SECRET)).headers.authorization).toBe(`Bearer ${SECRET}`);
  });
});
