// Proven against stripe-node: `stripe.webhooks.generateTestHeaderString` signs, our verifier checks.
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { createVerifier } from '../../../shared/signatures';
import { NOW_SECONDS, flipChar, inbound, itBehavesAsAnHmacScheme, secrets, verifyWith, type RequestParts } from './helpers';

const SECRET = 'whsec_test_5f1c8b2a9e7d4c3b1a0f9e8d7c6b5a4f';
const OTHER = 'whsec_test_0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d';
const BODY = JSON.stringify({ id: 'evt_1NG8Du2eZvKYlo2CUI79vXWy', object: 'event', type: 'payment_intent.succeeded' });
const AUTH = { method: 'hmac', preset: 'stripe' } as const;

function signStripe(secret: string, at: number): RequestParts {
  const header = Stripe.webhooks.generateTestHeaderString({ payload: BODY, secret, timestamp: at });
  return { headers: { 'Stripe-Signature': header }, body: BODY };
}

describe('Stripe preset', () => {
  itBehavesAsAnHmacScheme({
    auth: AUTH,
    secret: SECRET,
    otherSecret: OTHER,
    sign: signStripe,
    credentialHeader: 'Stripe-Signature',
    timestamp: {
      toleranceSeconds: 300,
      tamper: (parts) => {
        const header = parts.headers['Stripe-Signature'] ?? '';
        return { ...parts, headers: { 'Stripe-Signature': header.replace(/^t=(\d+)/, (_m, t: string) => `t=${flipChar(t, -1)}`) } };
      },
    },
  });

  it('accepts a header with several v1 signatures while Stripe rolls the secret', async () => {
    const old = signStripe(OTHER, NOW_SECONDS).headers['Stripe-Signature'] ?? '';
    const current = signStripe(SECRET, NOW_SECONDS).headers['Stripe-Signature'] ?? '';
    const v1 = (header: string) => header.split(',').find((part) => part.startsWith('v1=')) ?? '';
    const header = `t=${NOW_SECONDS},${v1(old)},${v1(current)},v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39`;
    expect((await verifyWith(AUTH, secrets(SECRET), { headers: { 'Stripe-Signature': header }, body: BODY })).ok).toBe(true);
  });

  it('takes the delivery id from the event id in the payload', async () => {
    const verifier = await createVerifier(AUTH, secrets(SECRET));
    expect(await verifier.verify(inbound(signStripe(SECRET, NOW_SECONDS)), NOW_SECONDS * 1000)).toEqual({ ok: true, deliveryId: null });
    expect(verifier.deliveryIdFromPayload(JSON.parse(BODY))).toBe('evt_1NG8Du2eZvKYlo2CUI79vXWy');
  });

  it('uses the whole whsec_ string as the key, as Stripe does (not its base64 decoding)', async () => {
    const outcome = await verifyWith({ method: 'hmac' }, secrets(SECRET), signStripe(SECRET, NOW_SECONDS));
    expect(outcome.ok).toBe(false);
  });

  it('answers missing-credential when Stripe-Signature has no v1 entry', async () => {
    const outcome = await verifyWith(AUTH, secrets(SECRET), { headers: { 'Stripe-Signature': `t=${NOW_SECONDS}` }, body: BODY });
    expect(outcome).toMatchObject({ ok: false, reason: 'missing-credential' });
  });
});
