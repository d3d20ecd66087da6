/**
 * Paddle Billing: `Paddle-Signature: ts=<seconds>;h1=<hex>` (several h1 while a secret rotates)
 * HMAC-SHA256 with the destination's secret key over `{ts}:{body}`. Paddle's SDK allows 5 s; we
 * match it on both sides. Delivery id is the payload's `notification_id` (else `event_id`).
 */
import type { Preset } from './preset-row';
import { createTimestampedListVerifier } from './timestamped-list';
import type { ActiveSecret, Verifier } from './types';

export const PADDLE_PRESET = {
  label: 'Paddle Billing',
  signatureHeaders: ['Paddle-Signature'],
  signedContent: '{ts}:{body}',
  algorithm: 'sha256',
  encoding: 'hex',
  signaturePrefix: 'ts=…;h1=',
  timestamp: { source: 'ts= in Paddle-Signature', unit: 'seconds' },
  // Paddle's own SDK rejects anything more than 5 s old; we match it, on both sides.
  toleranceSeconds: 5,
  multipleSignatures: true,
  deliveryId: { from: 'payload', fields: ['notification_id', 'event_id'] },
  bodyFormat: 'json',
  handshake: null,
  extraMethods: [],
  key: 'utf8',
  secretIssuedBy: 'sender',
  secretLocation: 'Paddle → Developer tools → Notifications → your destination → Secret key (pdl_ntfset_…).',
} as const satisfies Preset;

export function createPaddleVerifier(secrets: readonly ActiveSecret[]): Promise<Verifier> {
  return createTimestampedListVerifier(
    PADDLE_PRESET,
    {
      missingDetail: 'No Paddle-Signature header: is this request from Paddle?',
      malformedDetail: 'Paddle-Signature must carry ts=<seconds> and at least one h1=<hex signature>.',
      badSignatureDetail:
        "Paddle-Signature does not match: configure the notification destination's secret key (pdl_ntfset_…), and sign the raw body.",
    },
    secrets,
  );
}
