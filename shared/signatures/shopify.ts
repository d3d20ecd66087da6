/**
 * Shopify: `X-Shopify-Hmac-Sha256: <base64>` HMAC-SHA256 of the raw body with the app's client
 * secret; delivery id `X-Shopify-Webhook-Id`. No signed timestamp.
 */
import { createBodySignatureVerifier } from './body-signature';
import type { ActiveSecret, Verifier } from './types';

export function createShopifyVerifier(secrets: readonly ActiveSecret[]): Promise<Verifier> {
  return createBodySignatureVerifier(
    {
      signatureHeader: 'X-Shopify-Hmac-Sha256',
      prefix: '',
      hash: 'SHA-256',
      encoding: 'base64',
      deliveryIdHeaders: ['X-Shopify-Webhook-Id'],
      missingDetail: 'No X-Shopify-Hmac-Sha256 header: is this request from Shopify?',
      badSignatureDetail:
        "X-Shopify-Hmac-Sha256 does not match: configure the app's client secret (not the API key), and sign the raw body.",
    },
    secrets,
  );
}
