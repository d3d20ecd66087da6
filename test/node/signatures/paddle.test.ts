// Paddle's SDK only verifies (Webhooks.isSignatureValid): signatures are built as Paddle documents
// them (Paddle-Signature: ts=…;h1=hex HMAC-SHA256 of "{ts}:{body}") with node:crypto, and both
// Paddle's verifier and ours must accept them, and reject the same tampered ones.
import { createHmac } from 'node:crypto';
import { NodeRuntime, Webhooks } from '@paddle/paddle-node-sdk';
import { describe, expect, it } from 'vitest';
import { createVerifier } from '../../../shared/signatures';
import { NOW, NOW_SECONDS, flipChar, inbound, itBehavesAsAnHmacScheme, type RequestParts } from './helpers';

NodeRuntime.initialize();

const AUTH = { method: 'hmac', preset: 'paddle' } as const;
const BODY = JSON.stringify({ event_id: 'evt_01h8bzakzx3hm2fmen703n5q45', notification_id: 'ntf_01h8bzam1z32agrxjwhjgqk8w6', event_type: 'subscription.activated' });

function h1(secret: string, at: number, body = BODY): string {
  return createHmac('sha256', secret).update(`${at}:${body}`).digest('hex');
}

function signPaddle(secret: string, at: number): RequestParts {
  return { headers: { 'Paddle-Signature': `ts=${at};h1=${h1(secret, at)}` }, body: BODY };
}

describe('Paddle preset', () => {
  itBehavesAsAnHmacScheme({
    auth: AUTH,
    secret: 'pdl_ntfset_01gkpjp8bkm3tm53kdgkx6sms7_one',
    otherSecret: 'pdl_ntfset_01gkpjp8bkm3tm53kdgkx6sms7_two',
    sign: signPaddle,
    credentialHeader: 'Paddle-Signature',
    timestamp: {
      toleranceSeconds: 5,
      tamper: (parts) => ({
        ...parts,
        headers: { 'Paddle-Signature': (parts.headers['Paddle-Signature'] ?? '').replace(/^ts=(\d+)/, (_m, ts: string) => `ts=${flipChar(ts, -1)}`) },
      }),
    },
  });

  it('accepts a header with several h1 signatures while Paddle rotates the secret', async () => {
    const secret = 'pdl_ntfset_01gkpjp8bkm3tm53kdgkx6sms7_one';
    const header = `ts=${NOW_SECONDS};h1=${h1('pdl_ntfset_old', NOW_SECONDS)};h1=${h1(secret, NOW_SECONDS)}`;
    const verifier = await createVerifier(AUTH, [{ value: secret, expiresAt: null }]);
    expect((await verifier.verify(inbound({ headers: { 'Paddle-Signature': header }, body: BODY }), NOW)).ok).toBe(true);
  });

  it("agrees with Paddle's SDK on a valid and a tampered request", async () => {
    const secret = 'pdl_ntfset_01gkpjp8bkm3tm53kdgkx6sms7_one';
    const at = Math.floor(Date.now() / 1000);
    const header = `ts=${at};h1=${h1(secret, at)}`;
    const verifier = await createVerifier(AUTH, [{ value: secret, expiresAt: null }]);
    const webhooks = new Webhooks();
    for (const [body, valid] of [[BODY, true], [flipChar(BODY, 5), false]] as const) {
      expect(await webhooks.isSignatureValid(body, secret, header)).toBe(valid);
      expect((await verifier.verify(inbound({ headers: { 'Paddle-Signature': header }, body }), at * 1000)).ok).toBe(valid);
    }
  });

  it('takes the delivery id from notification_id in the payload', async () => {
    const verifier = await createVerifier(AUTH, [{ value: 'pdl_ntfset_x_one', expiresAt: null }]);
    expect(verifier.deliveryIdFromPayload(JSON.parse(BODY))).toBe('ntf_01h8bzam1z32agrxjwhjgqk8w6');
  });
});
