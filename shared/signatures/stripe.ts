/**
 * Stripe: `Stripe-Signature: t=<seconds>,v1=<hex>[,v1=<hex>…]` over `{t}.{body}`, HMAC-SHA256
 * keyed with the whole `whsec_…` string (not decoded). Several v1 entries appear while a secret
 * is being rolled. Delivery id is the event `id` in the payload.
 */
import type { Preset } from './preset-row';
import { createTimestampedListVerifier } from './timestamped-list';
import type { ActiveSecret, Verifier } from './types';

export const STRIPE_PRESET = {
  label: 'Stripe',
  signatureHeaders: ['Stripe-Signature'],
  signedContent: '{t}.{body}',
  algorithm: 'sha256',
  encoding: 'hex',
  signaturePrefix: 't=…,v1=',
  timestamp: { source: 't= in Stripe-Signature', unit: 'seconds' },
  toleranceSeconds: 300,
  multipleSignatures: true,
  deliveryId: { from: 'payload', fields: ['id'] },
  bodyFormat: 'json',
  handshake: null,
  extraMethods: [],
  key: 'utf8',
  secretIssuedBy: 'sender',
  secretLocation: 'Dashboard → Developers → Webhooks → your endpoint → Signing secret (whsec_…).',
} as const satisfies Preset;

export function createStripeVerifier(secrets: readonly ActiveSecret[]): Promise<Verifier> {
  return createTimestampedListVerifier(
    STRIPE_PRESET,
    {
      missingDetail:
        'No Stripe-Signature header: is this request from Stripe, and is the endpoint\'s signing secret (whsec_…) the one configured here?',
      malformedDetail: 'Stripe-Signature must carry t=<timestamp> and at least one v1=<hex signature>.',
      badSignatureDetail:
        'No signatures found matching the expected signature for payload. Are you passing the raw request body you received from Stripe, and the signing secret of this endpoint?',
    },
    secrets,
  );
}
