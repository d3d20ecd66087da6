/**
 * Shopify: `X-Shopify-Hmac-Sha256: <base64>` HMAC-SHA256 of the raw body with the app's client
 * secret; delivery id `X-Shopify-Webhook-Id`. No signed timestamp.
 */
import { createBodySignatureVerifier } from './body-signature';
import type { Preset } from './preset-row';
import type { ActiveSecret, Verifier } from './types';

export const SHOPIFY_PRESET = {
  label: 'Shopify',
  signatureHeaders: ['X-Shopify-Hmac-Sha256'],
  signedContent: '{body}',
  algorithm: 'sha256',
  encoding: 'base64',
  signaturePrefix: null,
  timestamp: null,
  toleranceSeconds: null,
  multipleSignatures: false,
  deliveryId: { from: 'header', names: ['X-Shopify-Webhook-Id'] },
  bodyFormat: 'json',
  handshake: null,
  extraMethods: [],
  key: 'utf8',
  secretIssuedBy: 'sender',
  secretLocation:
    "The app's client secret (Partner Dashboard / Dev Dashboard → app → Settings), or for webhooks made in the store admin, the key shown under Settings → Notifications → Webhooks.",
} as const satisfies Preset;

export function createShopifyVerifier(secrets: readonly ActiveSecret[]): Promise<Verifier> {
  return createBodySignatureVerifier(
    SHOPIFY_PRESET,
    {
      missingDetail: 'No X-Shopify-Hmac-Sha256 header: is this request from Shopify?',
      badSignatureDetail:
        "X-Shopify-Hmac-Sha256 does not match: configure the app's client secret (not the API key), and sign the raw body.",
    },
    secrets,
  );
}
