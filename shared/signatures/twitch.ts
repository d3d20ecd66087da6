/**
 * Twitch EventSub: `Twitch-Eventsub-Message-Signature: sha256=<hex>` HMAC-SHA256 with the
 * subscription's secret over message id + timestamp + body (no separators); the timestamp is
 * RFC 3339 and Twitch asks receivers to refuse messages older than 10 minutes (we refuse 10 minutes
 * either way). Delivery id = message id. `webhook_callback_verification` is answered with the
 * challenge as text/plain.
 */
import { utf8 } from '../encoding/utf8';
import { hmacVerifier, payloadString } from './hmac-verifier';
import { concatBytes, decodeSignature } from './hmac';
import { header, missingCredential, parseSignedTimestamp } from './outcomes';
import { deliveryIdInHeaders, presetOptions, type Preset } from './preset-row';
import type { ActiveSecret, HandshakeReply, Verifier } from './types';

export const TWITCH_PRESET = {
  label: 'Twitch EventSub',
  signatureHeaders: [
    'Twitch-Eventsub-Message-Id',
    'Twitch-Eventsub-Message-Timestamp',
    'Twitch-Eventsub-Message-Signature',
  ],
  signedContent: '{Twitch-Eventsub-Message-Id}{Twitch-Eventsub-Message-Timestamp}{body}',
  algorithm: 'sha256',
  encoding: 'hex',
  signaturePrefix: 'sha256=',
  timestamp: { source: 'Twitch-Eventsub-Message-Timestamp header', unit: 'rfc3339' },
  toleranceSeconds: 600,
  multipleSignatures: false,
  deliveryId: { from: 'header', names: ['Twitch-Eventsub-Message-Id'] },
  bodyFormat: 'json',
  handshake: 'webhook_callback_verification: replies the challenge as text/plain',
  extraMethods: [],
  key: 'utf8',
  secretIssuedBy: 'either',
  secretLocation:
    'The transport.secret you pass when creating the EventSub subscription (10–100 ASCII characters).',
} as const satisfies Preset;

const [ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER] = TWITCH_PRESET.signatureHeaders;
const PREFIX = TWITCH_PRESET.signaturePrefix;

export async function createTwitchVerifier(secrets: readonly ActiveSecret[]): Promise<Verifier> {
  return hmacVerifier({
    ...(await presetOptions(TWITCH_PRESET, secrets)),
    badSignatureDetail:
      "Twitch-Eventsub-Message-Signature does not match: configure the subscription's transport secret, and sign the raw body.",
    extract(request) {
      const id = header(request.headers, ID_HEADER);
      const timestamp = header(request.headers, TIMESTAMP_HEADER);
      const value = header(request.headers, SIGNATURE_HEADER);
      if (id === null || timestamp === null || value === null) {
        return missingCredential(
          'No Twitch-Eventsub-Message-Id, -Timestamp or -Signature header: is this request from Twitch EventSub?',
        );
      }
      const timestampMs = parseSignedTimestamp(timestamp, TWITCH_PRESET.timestamp.unit);
      const signature = value.startsWith(PREFIX) ? decodeSignature(value.slice(PREFIX.length), TWITCH_PRESET.encoding) : null;
      if (timestampMs === null || signature === null) {
        return missingCredential(
          'Twitch-Eventsub-Message-Signature must be "sha256=<hex>" and the timestamp RFC 3339.',
        );
      }
      return {
        signatures: [signature],
        content: concatBytes(utf8(id + timestamp), request.body),
        timestampMs,
        deliveryId: deliveryIdInHeaders(TWITCH_PRESET.deliveryId, request.headers),
      };
    },
    handshake(request, payload): Promise<HandshakeReply | null> {
      const type = header(request.headers, 'Twitch-Eventsub-Message-Type');
      if (type !== 'webhook_callback_verification') return Promise.resolve(null);
      const challenge = payloadString(payload, 'challenge') ?? '';
      return Promise.resolve({ status: 200, contentType: 'text/plain; charset=utf-8', body: challenge });
    },
  });
}
