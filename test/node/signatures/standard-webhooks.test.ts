// Proven against the senders' SDKs: `standardwebhooks` and `svix` sign, our verifier checks.
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { createVerifier } from '../../../shared/signatures';
import {
  NOW,
  NOW_SECONDS,
  flipChar,
  inbound,
  itBehavesAsAnHmacScheme,
  secrets,
  verifyWith,
  withHeader,
  type RequestParts,
} from './helpers';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OTHER = 'whsec_3zXk9Qv2bY7wLmN4pR8sT1uV6xZ0aB5c';
const BODY = JSON.stringify({ patient_id: 'p1', event: 'chart_updated', updated_fields: ['allergies'] });

function signStandard(secret: string, at: number, id = 'msg_2xYz'): RequestParts {
  const signature = new StandardWebhook(secret).sign(id, new Date(at * 1000), BODY);
  return {
    headers: { 'webhook-id': id, 'webhook-timestamp': String(at), 'webhook-signature': signature },
    body: BODY,
  };
}

describe('Standard Webhooks (default scheme)', () => {
  itBehavesAsAnHmacScheme({
    auth: { method: 'hmac' },
    secret: SECRET,
    otherSecret: OTHER,
    sign: signStandard,
    credentialHeader: 'webhook-signature',
    timestamp: {
      toleranceSeconds: 300,
      tamper: (parts) => withHeader(parts, 'webhook-timestamp', flipChar(parts.headers['webhook-timestamp'] ?? '', -1)),
    },
  });

  it('gives webhook-id as the delivery id', async () => {
    expect(await verifyWith({ method: 'hmac' }, secrets(SECRET), signStandard(SECRET, NOW_SECONDS, 'msg_abc'))).toEqual({
      ok: true,
      deliveryId: 'msg_abc',
    });
  });

  it('accepts a signature header carrying several space-separated signatures', async () => {
    const parts = signStandard(SECRET, NOW_SECONDS);
    const other = signStandard(OTHER, NOW_SECONDS).headers['webhook-signature'] ?? '';
    const both = withHeader(parts, 'webhook-signature', `${other} v1a,ignored ${parts.headers['webhook-signature'] ?? ''}`);
    expect((await verifyWith({ method: 'hmac' }, secrets(SECRET), both)).ok).toBe(true);
  });

  it('accepts the standard-webhooks preset exactly like the default', async () => {
    const outcome = await verifyWith({ method: 'hmac', preset: 'standard-webhooks' }, secrets(SECRET), signStandard(SECRET, NOW_SECONDS));
    expect(outcome.ok).toBe(true);
  });

  it('is accepted by the standardwebhooks library too (same bytes, same verdict)', () => {
    const parts = signStandard(SECRET, Math.floor(Date.now() / 1000));
    expect(() => new StandardWebhook(SECRET).verify(parts.body, parts.headers)).not.toThrow();
  });

  // The reference library compares the base64 text, so only its exact, padded spelling matches.
  describe.each([
    ['without its base64 padding', (b64: string) => b64.replace(/=+$/, '')],
    ['in the URL-safe alphabet', (b64: string) => b64.replace(/\+/g, '-').replace(/\//g, '_')],
  ])('a signature %s', (_variant, respell) => {
    /** A request signed by the library whose base64 has padding and (for the URL-safe case) `+` or `/`. */
    function respelled(): { genuine: RequestParts; respelled: RequestParts } {
      for (let n = 0; ; n++) {
        const parts = signStandard(SECRET, Math.floor(Date.now() / 1000), `msg_respell_${n}`);
        const [version, b64 = ''] = (parts.headers['webhook-signature'] ?? '').split(',');
        if (respell(b64) === b64) continue;
        return { genuine: parts, respelled: withHeader(parts, 'webhook-signature', `${version},${respell(b64)}`) };
      }
    }

    it('is refused, as the standardwebhooks library refuses it', async () => {
      const { genuine, respelled: parts } = respelled();
      expect(() => new StandardWebhook(SECRET).verify(genuine.body, genuine.headers)).not.toThrow();
      expect(() => new StandardWebhook(SECRET).verify(parts.body, parts.headers)).toThrow(/No matching signature/);
      expect((await verifyWith({ method: 'hmac' }, secrets(SECRET), genuine, NOW)).ok).toBe(true);
      const outcome = await verifyWith({ method: 'hmac' }, secrets(SECRET), parts, NOW);
      // No entry is spelled as a signature at all, so the detail says how to spell one.
      expect(outcome).toMatchObject({ ok: false, reason: 'missing-credential' });
      if (!outcome.ok) expect(outcome.detail).toContain('padded and in the standard alphabet');
    });

    it('is refused under svix-* headers too, as the svix SDK refuses it', async () => {
      const { respelled: parts } = respelled();
      const svixHeaders = Object.fromEntries(Object.entries(parts.headers).map(([name, value]) => [name.replace(/^webhook-/, 'svix-'), value]));
      expect(() => new SvixWebhook(SECRET).verify(parts.body, svixHeaders)).toThrow();
      expect((await verifyWith({ method: 'hmac' }, secrets(SECRET), { ...parts, headers: svixHeaders }, NOW)).ok).toBe(false);
    });
  });

  it('accepts what the svix SDK signs, under svix-* headers', async () => {
    const id = 'msg_svix1';
    const signature = new SvixWebhook(SECRET).sign(id, new Date(NOW), BODY);
    const parts: RequestParts = {
      headers: { 'svix-id': id, 'svix-timestamp': String(NOW_SECONDS), 'svix-signature': signature },
      body: BODY,
    };
    expect(await verifyWith({ method: 'hmac', preset: 'standard-webhooks' }, secrets(SECRET), parts)).toEqual({
      ok: true,
      deliveryId: id,
    });
  });

  it('tells the sender how to sign when the signature header is missing', async () => {
    const verifier = await createVerifier({ method: 'hmac' }, secrets(SECRET));
    const outcome = await verifier.verify(inbound({ headers: {}, body: BODY }), NOW);
    expect(outcome).toMatchObject({ ok: false, reason: 'missing-credential' });
    if (!outcome.ok) expect(outcome.detail).toContain('whsec_');
  });

  it('asks whether the raw body was signed when no signature matches', async () => {
    const parts = { ...signStandard(SECRET, NOW_SECONDS), body: `${BODY} ` };
    const outcome = await verifyWith({ method: 'hmac' }, secrets(SECRET), parts);
    expect(outcome).toMatchObject({ ok: false, reason: 'bad-signature' });
    if (!outcome.ok) expect(outcome.detail).toContain('raw body');
  });

  it('refuses a timestamp in milliseconds as malformed rather than far in the future', async () => {
    const parts = withHeader(signStandard(SECRET, NOW_SECONDS), 'webhook-timestamp', String(NOW));
    expect((await verifyWith({ method: 'hmac' }, secrets(SECRET), parts)).ok).toBe(false);
  });
});
