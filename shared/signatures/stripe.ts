/**
 * Stripe: `Stripe-Signature: t=<seconds>,v1=<hex>[,v1=<hex>…]` over `{t}.{body}`, HMAC-SHA256
 * keyed with the whole `whsec_…` string (not decoded). Several v1 entries appear while a secret
 * is being rolled. Delivery id is the event `id` in the payload.
 */
import { hmacVerifier, payloadString, type Extraction } from './hmac-verifier';
import { concatBytes, fromHex, utf8 } from './hmac';
import { importKeys } from './keyring';
import { header, missingCredential, parseEpoch } from './outcomes';
import { PRESETS } from './presets';
import type { ActiveSecret, InboundRequest, Verifier } from './types';

const PRESET = PRESETS.stripe;

function extract(request: InboundRequest): Extraction {
  const value = header(request.headers, 'Stripe-Signature');
  if (value === null) {
    return missingCredential(
      'No Stripe-Signature header: is this request from Stripe, and is the endpoint\'s signing secret (whsec_…) the one configured here?',
    );
  }
  let timestamp: string | null = null;
  const signatures: Uint8Array[] = [];
  for (const item of value.split(',')) {
    const eq = item.indexOf('=');
    if (eq === -1) continue;
    const key = item.slice(0, eq).trim();
    const val = item.slice(eq + 1).trim();
    if (key === 't') timestamp = val;
    if (key === 'v1') {
      const decoded = fromHex(val);
      if (decoded !== null) signatures.push(decoded);
    }
  }
  const timestampMs = timestamp === null ? null : parseEpoch(timestamp, 'seconds');
  if (timestamp === null || timestampMs === null || signatures.length === 0) {
    return missingCredential(
      'Stripe-Signature must carry t=<timestamp> and at least one v1=<hex signature>.',
    );
  }
  return {
    signatures,
    content: concatBytes(utf8(`${timestamp}.`), request.body),
    timestampMs,
    deliveryId: null,
  };
}

export async function createStripeVerifier(secrets: readonly ActiveSecret[]): Promise<Verifier> {
  return hmacVerifier({
    keys: await importKeys(secrets, 'SHA-256', utf8),
    toleranceSeconds: PRESET.toleranceSeconds,
    extract,
    badSignatureDetail:
      'No signatures found matching the expected signature for payload. Are you passing the raw request body you received from Stripe, and the signing secret of this endpoint?',
    deliveryIdFromPayload: (payload) => payloadString(payload, 'id'),
  });
}
