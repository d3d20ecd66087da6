// Square's SDK only verifies (WebhooksHelper.verifySignature): signatures are built as Square
// documents them (base64 HMAC-SHA256 of notification URL + raw body) with node:crypto, and both
// Square's verifier and ours must accept them, and reject the same tampered ones.
import { createHmac } from 'node:crypto';
import { WebhooksHelper } from 'square';
import { describe, expect, it } from 'vitest';
import { createVerifier } from '../../../shared/signatures';
import { NOW, PUBLIC_URL, flipChar, inbound, itBehavesAsAnHmacScheme, type RequestParts } from './helpers';

const AUTH = { method: 'hmac', preset: 'square' } as const;
const BODY = JSON.stringify({ merchant_id: 'C337NFWQT2A6W', type: 'payment.updated', event_id: '6a8f5f28-54a1-4eb0-a98a-3111513fd4fc' });

function signSquare(key: string, url = PUBLIC_URL, body = BODY): RequestParts {
  return {
    url,
    headers: { 'x-square-hmacsha256-signature': createHmac('sha256', key).update(url + body).digest('base64') },
    body,
  };
}

describe('Square preset', () => {
  itBehavesAsAnHmacScheme({
    auth: AUTH,
    secret: 'square-signature-key-one',
    otherSecret: 'square-signature-key-two',
    sign: (secret) => signSquare(secret),
    credentialHeader: 'x-square-hmacsha256-signature',
  });

  it("agrees with Square's WebhooksHelper on valid, tampered-body and wrong-URL requests", async () => {
    const key = 'square-signature-key-one';
    const parts = signSquare(key);
    const signatureHeader = parts.headers['x-square-hmacsha256-signature'] ?? '';
    const verifier = await createVerifier(AUTH, [{ value: key, expiresAt: null }]);
    const cases: { body: string; url: string; valid: boolean }[] = [
      { body: BODY, url: PUBLIC_URL, valid: true },
      { body: flipChar(BODY, 5), url: PUBLIC_URL, valid: false },
      { body: BODY, url: `${PUBLIC_URL}-other`, valid: false },
    ];
    for (const { body, url, valid } of cases) {
      expect(await WebhooksHelper.verifySignature({ requestBody: body, signatureHeader, signatureKey: key, notificationUrl: url })).toBe(valid);
      expect((await verifier.verify(inbound({ url, headers: parts.headers, body }), NOW)).ok).toBe(valid);
    }
  });

  it('takes the delivery id from event_id in the payload', async () => {
    const verifier = await createVerifier(AUTH, [{ value: 'square-signature-key-one', expiresAt: null }]);
    expect(verifier.deliveryIdFromPayload(JSON.parse(BODY))).toBe('6a8f5f28-54a1-4eb0-a98a-3111513fd4fc');
  });
});
