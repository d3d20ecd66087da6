/**
 * Square: `x-square-hmacsha256-signature: <base64>` HMAC-SHA256 with the subscription's signature
 * key over the notification URL followed by the raw body. The URL is the public URL the sender
 * called, as the ingress rebuilt it; it must equal the one registered with Square. Delivery id is
 * the payload's `event_id`.
 */
import { hmacVerifier, payloadString } from './hmac-verifier';
import { concatBytes, fromBase64, utf8 } from './hmac';
import { importKeys } from './keyring';
import { header, missingCredential } from './outcomes';
import type { ActiveSecret, Verifier } from './types';

export async function createSquareVerifier(secrets: readonly ActiveSecret[]): Promise<Verifier> {
  return hmacVerifier({
    keys: await importKeys(secrets, 'SHA-256', utf8),
    toleranceSeconds: null,
    badSignatureDetail:
      "x-square-hmacsha256-signature does not match: configure the subscription's Signature key, and register exactly this URL as the notification URL.",
    extract(request) {
      const value = header(request.headers, 'x-square-hmacsha256-signature');
      if (value === null) {
        return missingCredential('No x-square-hmacsha256-signature header: is this request from Square?');
      }
      const signature = fromBase64(value);
      if (signature === null) return missingCredential('x-square-hmacsha256-signature must be base64.');
      return {
        signatures: [signature],
        content: concatBytes(utf8(request.url.href), request.body),
        timestampMs: null,
        deliveryId: null,
      };
    },
    deliveryIdFromPayload: (payload) => payloadString(payload, 'event_id'),
  });
}
