/**
 * Linear: `Linear-Signature: <hex>` HMAC-SHA256 of the raw body with the webhook's signing secret.
 * The signed timestamp is the body's `webhookTimestamp` (ms), checked within one minute either
 * way — read only after the signature holds, since it lives in the payload. Delivery id
 * `Linear-Delivery`.
 */
import { decodeUtf8 } from '../encoding/utf8';
import { createBodySignatureVerifier } from './body-signature';
import { checkTolerance, missingCredential } from './outcomes';
import type { Preset } from './preset-row';
import type { ActiveSecret, AuthFailure, InboundRequest, Verifier } from './types';

export const LINEAR_PRESET = {
  label: 'Linear',
  signatureHeaders: ['Linear-Signature'],
  signedContent: '{body}',
  algorithm: 'sha256',
  encoding: 'hex',
  signaturePrefix: null,
  timestamp: { source: 'webhookTimestamp field of the signed body', unit: 'milliseconds' },
  // Linear's SDK allows one minute either way.
  toleranceSeconds: 60,
  multipleSignatures: false,
  deliveryId: { from: 'header', names: ['Linear-Delivery'] },
  bodyFormat: 'json',
  handshake: null,
  extraMethods: [],
  key: 'utf8',
  secretIssuedBy: 'sender',
  secretLocation: 'Settings → API → Webhooks → your webhook → Signing secret (lin_wh_…).',
} as const satisfies Preset;

function checkBodyTimestamp(request: InboundRequest, now: number): AuthFailure | null {
  let timestamp: unknown;
  try {
    const parsed: unknown = JSON.parse(decodeUtf8(request.body));
    timestamp =
      typeof parsed === 'object' && parsed !== null
        ? (parsed as Record<string, unknown>).webhookTimestamp
        : undefined;
  } catch {
    timestamp = undefined;
  }
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) {
    return missingCredential('The signed body has no numeric webhookTimestamp (ms): is this request from Linear?');
  }
  return checkTolerance(timestamp, now, LINEAR_PRESET.toleranceSeconds);
}

export function createLinearVerifier(secrets: readonly ActiveSecret[]): Promise<Verifier> {
  return createBodySignatureVerifier(
    LINEAR_PRESET,
    {
      missingDetail: 'No Linear-Signature header: is this request from Linear?',
      badSignatureDetail:
        "Linear-Signature does not match: configure the webhook's signing secret (lin_wh_…), and sign the raw body.",
    },
    secrets,
    { afterSignature: checkBodyTimestamp },
  );
}
