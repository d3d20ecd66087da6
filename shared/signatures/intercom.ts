/**
 * Intercom: `X-Hub-Signature: sha1=<hex>` HMAC-SHA1 of the raw body with the app's client secret.
 * Delivery id is the notification `id` in the payload.
 */
import { createBodySignatureVerifier } from './body-signature';
import { payloadString } from './hmac-verifier';
import type { ActiveSecret, Verifier } from './types';

export function createIntercomVerifier(secrets: readonly ActiveSecret[]): Promise<Verifier> {
  return createBodySignatureVerifier(
    {
      signatureHeader: 'X-Hub-Signature',
      prefix: 'sha1=',
      hash: 'SHA-1',
      encoding: 'hex',
      deliveryIdHeaders: [],
      missingDetail: 'No X-Hub-Signature header: is this request from Intercom?',
      badSignatureDetail:
        "X-Hub-Signature does not match: configure the app's client secret, and sign the raw body.",
    },
    secrets,
    { deliveryIdFromPayload: (payload) => payloadString(payload, 'id') },
  );
}
