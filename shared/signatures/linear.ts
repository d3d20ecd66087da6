/**
 * Linear: `Linear-Signature: <hex>` HMAC-SHA256 of the raw body with the webhook's signing secret.
 * The signed timestamp is the body's `webhookTimestamp` (ms), checked within one minute either
 * way — read only after the signature holds, since it lives in the payload. Delivery id
 * `Linear-Delivery`.
 */
import { createBodySignatureVerifier } from './body-signature';
import { checkTolerance, missingCredential } from './outcomes';
import { PRESETS } from './presets';
import type { ActiveSecret, AuthFailure, InboundRequest, Verifier } from './types';

const PRESET = PRESETS.linear;
const decoder = new TextDecoder();

function checkBodyTimestamp(request: InboundRequest, now: number): AuthFailure | null {
  let timestamp: unknown;
  try {
    const parsed: unknown = JSON.parse(decoder.decode(request.body));
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
  return checkTolerance(timestamp, now, PRESET.toleranceSeconds);
}

export function createLinearVerifier(secrets: readonly ActiveSecret[]): Promise<Verifier> {
  return createBodySignatureVerifier(
    {
      signatureHeader: 'Linear-Signature',
      prefix: '',
      hash: 'SHA-256',
      encoding: 'hex',
      deliveryIdHeaders: ['Linear-Delivery'],
      missingDetail: 'No Linear-Signature header: is this request from Linear?',
      badSignatureDetail:
        "Linear-Signature does not match: configure the webhook's signing secret (lin_wh_…), and sign the raw body.",
    },
    secrets,
    { afterSignature: checkBodyTimestamp },
  );
}
