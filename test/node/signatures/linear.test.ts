// Linear's SDK only verifies (LinearWebhookClient.verify): signatures are built as Linear documents
// them (Linear-Signature: hex HMAC-SHA256 of the raw body; webhookTimestamp in ms inside the body)
// with node:crypto, and both Linear's verifier and ours must accept them and reject tampered ones.
import { createHmac } from 'node:crypto';
import { LinearWebhookClient } from '@linear/sdk/webhooks';
import { describe, expect, it } from 'vitest';
import { createVerifier } from '../../../shared/signatures';
import { NOW, NOW_SECONDS, flipChar, inbound, itBehavesAsAnHmacScheme, secrets, verifyWith, type RequestParts } from './helpers';

const AUTH = { method: 'hmac', preset: 'linear' } as const;

function bodyAt(at: number): string {
  return JSON.stringify({ action: 'create', type: 'Issue', data: { id: 'b5d9c1e0' }, webhookTimestamp: at * 1000, webhookId: 'wh_1' });
}

function signLinear(secret: string, at: number, body = bodyAt(at)): RequestParts {
  return {
    headers: {
      'Linear-Signature': createHmac('sha256', secret).update(body).digest('hex'),
      'Linear-Delivery': '234d1a4e-b617-4388-90fe-adc3633d6b72',
      'Linear-Event': 'Issue',
    },
    body,
  };
}

function linearAccepts(secret: string, parts: RequestParts): boolean {
  try {
    return new LinearWebhookClient(secret).verify(Buffer.from(parts.body), parts.headers['Linear-Signature'] ?? '');
  } catch {
    return false;
  }
}

describe('Linear preset', () => {
  itBehavesAsAnHmacScheme({
    auth: AUTH,
    secret: 'lin_wh_signing_secret_one',
    otherSecret: 'lin_wh_signing_secret_two',
    sign: signLinear,
    credentialHeader: 'Linear-Signature',
    bodyCharIndex: 5,
    timestamp: {
      toleranceSeconds: 60,
      // The timestamp is inside the signed body: changing it breaks the signature.
      tamper: (parts) => ({ ...parts, body: parts.body.replace(/"webhookTimestamp":(\d+)/, (_m, ts: string) => `"webhookTimestamp":${flipChar(ts, -4)}`) }),
    },
  });

  it('gives Linear-Delivery as the delivery id', async () => {
    expect(await verifyWith(AUTH, secrets('lin_wh_signing_secret_one'), signLinear('lin_wh_signing_secret_one', NOW_SECONDS))).toEqual({
      ok: true,
      deliveryId: '234d1a4e-b617-4388-90fe-adc3633d6b72',
    });
  });

  it("agrees with Linear's SDK on valid, tampered and stale requests", async () => {
    const secret = 'lin_wh_signing_secret_one';
    const at = Math.floor(Date.now() / 1000);
    const verifier = await createVerifier(AUTH, secrets(secret));
    const valid = signLinear(secret, at);
    const cases: [RequestParts, boolean][] = [
      [valid, true],
      [{ ...valid, body: flipChar(valid.body, 5) }, false],
      [signLinear(secret, at - 120), false],
    ];
    for (const [parts, expected] of cases) {
      expect(linearAccepts(secret, parts)).toBe(expected);
      expect((await verifier.verify(inbound(parts), at * 1000)).ok).toBe(expected);
    }
  });

  it('answers missing-credential when the signed body has no webhookTimestamp', async () => {
    const body = JSON.stringify({ action: 'create', type: 'Issue' });
    const outcome = await verifyWith(AUTH, secrets('lin_wh_signing_secret_one'), signLinear('lin_wh_signing_secret_one', NOW_SECONDS, body), NOW);
    expect(outcome).toMatchObject({ ok: false, reason: 'missing-credential' });
  });
});
