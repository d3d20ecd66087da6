/**
 * Slack Events API: `X-Slack-Signature: v0=<hex>` over `v0:{X-Slack-Request-Timestamp}:{body}`
 * with the app's Signing Secret; 5 minutes either way. Delivery id is the payload's `event_id`
 * (the same on Slack's retries). The `url_verification` handshake is answered with its challenge.
 */
import { payloadString } from './hmac-verifier';
import { PRESETS } from './presets';
import { createV0Verifier } from './v0-timestamped';
import type { ActiveSecret, HandshakeReply, Verifier } from './types';

const PRESET = PRESETS.slack;

export async function createSlackVerifier(secrets: readonly ActiveSecret[]): Promise<Verifier> {
  const built = await createV0Verifier(
    {
      signatureHeader: 'X-Slack-Signature',
      timestampHeader: 'X-Slack-Request-Timestamp',
      toleranceSeconds: PRESET.toleranceSeconds,
      missingDetail:
        'No X-Slack-Signature or X-Slack-Request-Timestamp header: is this request from Slack?',
      badSignatureDetail:
        "X-Slack-Signature does not match: configure the app's Signing Secret (not the verification token), and sign the raw body.",
    },
    secrets,
    {
      deliveryIdFromPayload: (payload) => payloadString(payload, 'event_id'),
      handshake(_request, payload): Promise<HandshakeReply | null> {
        if (payloadString(payload, 'type') !== 'url_verification') return Promise.resolve(null);
        const challenge = payloadString(payload, 'challenge') ?? '';
        return Promise.resolve({
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify({ challenge }),
        });
      },
    },
  );
  return built.verifier;
}
