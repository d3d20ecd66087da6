/**
 * Square: `x-square-hmacsha256-signature: <base64>` HMAC-SHA256 with the subscription's signature
 * key over the notification URL followed by the raw body. The URL is the public URL the sender
 * called, as the ingress rebuilt it; it must equal the one registered with Square. Delivery id is
 * the payload's `event_id`.
 */
import { utf8 } from '../encoding/utf8';
import { hmacVerifier } from './hmac-verifier';
import { concatBytes, decodeSignature } from './hmac';
import { header, missingCredential } from './outcomes';
import { presetOptions, type Preset } from './preset-row';
import type { ActiveSecret, Verifier } from './types';

export const SQUARE_PRESET = {
  label: 'Square',
  signatureHeaders: ['x-square-hmacsha256-signature'],
  signedContent: '{notification URL}{body}',
  algorithm: 'sha256',
  encoding: 'base64',
  signaturePrefix: null,
  timestamp: null,
  toleranceSeconds: null,
  multipleSignatures: false,
  deliveryId: { from: 'payload', fields: ['event_id'] },
  bodyFormat: 'json',
  handshake: null,
  extraMethods: [],
  key: 'utf8',
  secretIssuedBy: 'sender',
  secretLocation: 'Developer Console → your app → Webhooks → Subscriptions → your subscription → Signature key.',
} as const satisfies Preset;

const [SIGNATURE_HEADER] = SQUARE_PRESET.signatureHeaders;

export async function createSquareVerifier(secrets: readonly ActiveSecret[]): Promise<Verifier> {
  return hmacVerifier({
    ...(await presetOptions(SQUARE_PRESET, secrets)),
    badSignatureDetail:
      "x-square-hmacsha256-signature does not match: configure the subscription's Signature key, and register exactly this URL as the notification URL.",
    extract(request) {
      const value = header(request.headers, SIGNATURE_HEADER);
      if (value === null) {
        return missingCredential('No x-square-hmacsha256-signature header: is this request from Square?');
      }
      const signature = decodeSignature(value, SQUARE_PRESET.encoding);
      if (signature === null) return missingCredential('x-square-hmacsha256-signature must be base64.');
      return {
        signatures: [signature],
        content: concatBytes(utf8(request.url.href), request.body),
        timestampMs: null,
        deliveryId: null,
      };
    },
  });
}
