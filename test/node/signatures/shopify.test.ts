// No Shopify SDK verifier is installed: signatures are built as Shopify documents them
// (base64 HMAC-SHA256 of the raw body with the client secret) using node:crypto, independent of
// our Web Crypto code.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { itBehavesAsAnHmacScheme, secrets, verifyWith, type RequestParts } from './helpers';

const AUTH = { method: 'hmac', preset: 'shopify' } as const;
const BODY = JSON.stringify({ id: 820982911946154500, email: 'jon@example.com' });

function signShopify(secret: string): RequestParts {
  return {
    headers: {
      'X-Shopify-Hmac-Sha256': createHmac('sha256', secret).update(BODY).digest('base64'),
      'X-Shopify-Webhook-Id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      'X-Shopify-Topic': 'orders/create',
    },
    body: BODY,
  };
}

describe('Shopify preset', () => {
  itBehavesAsAnHmacScheme({
    auth: AUTH,
    secret: 'shpss_client_secret_one',
    otherSecret: 'shpss_client_secret_two',
    sign: signShopify,
    credentialHeader: 'X-Shopify-Hmac-Sha256',
  });

  it('gives X-Shopify-Webhook-Id as the delivery id', async () => {
    expect(await verifyWith(AUTH, secrets('shpss_client_secret_one'), signShopify('shpss_client_secret_one'))).toEqual({
      ok: true,
      deliveryId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
    });
  });

  it('verifies a vector computed by an independent implementation (key "shop-secret", body {"id":1})', async () => {
    const outcome = await verifyWith(AUTH, secrets('shop-secret'), {
      headers: { 'X-Shopify-Hmac-Sha256': 'plW8VGqq0nDMIEhDqaNNW99asdUCy7EIqLZVcQwtAZ0=' },
      body: '{"id":1}',
    });
    expect(outcome.ok).toBe(true);
  });
});
