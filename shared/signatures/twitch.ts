/**
 * Twitch EventSub: `Twitch-Eventsub-Message-Signature: sha256=<hex>` HMAC-SHA256 with the
 * subscription's secret over message id + timestamp + body (no separators); the timestamp is
 * RFC 3339 and Twitch asks receivers to refuse messages older than 10 minutes (we refuse 10 minutes
 * either way). Delivery id = message id. `webhook_callback_verification` is answered with the
 * challenge as text/plain.
 */
import { hmacVerifier, payloadString } from './hmac-verifier';
import { concatBytes, fromHex, utf8 } from './hmac';
import { importKeys } from './keyring';
import { header, missingCredential, parseRfc3339 } from './outcomes';
import { PRESETS } from './presets';
import type { ActiveSecret, HandshakeReply, Verifier } from './types';

const PRESET = PRESETS.twitch;

export async function createTwitchVerifier(secrets: readonly ActiveSecret[]): Promise<Verifier> {
  return hmacVerifier({
    keys: await importKeys(secrets, 'SHA-256', utf8),
    toleranceSeconds: PRESET.toleranceSeconds,
    badSignatureDetail:
      "Twitch-Eventsub-Message-Signature does not match: configure the subscription's transport secret, and sign the raw body.",
    extract(request) {
      const id = header(request.headers, 'Twitch-Eventsub-Message-Id');
      const timestamp = header(request.headers, 'Twitch-Eventsub-Message-Timestamp');
      const value = header(request.headers, 'Twitch-Eventsub-Message-Signature');
      if (id === null || timestamp === null || value === null) {
        return missingCredential(
          'No Twitch-Eventsub-Message-Id, -Timestamp or -Signature header: is this request from Twitch EventSub?',
        );
      }
      const timestampMs = parseRfc3339(timestamp);
      const signature = value.startsWith('sha256=') ? fromHex(value.slice('sha256='.length)) : null;
      if (timestampMs === null || signature === null) {
        return missingCredential(
          'Twitch-Eventsub-Message-Signature must be "sha256=<hex>" and the timestamp RFC 3339.',
        );
      }
      return {
        signatures: [signature],
        content: concatBytes(utf8(id + timestamp), request.body),
        timestampMs,
        deliveryId: id,
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
