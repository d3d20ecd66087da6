/**
 * Slack Events API: `X-Slack-Signature: v0=<hex>` over `v0:{X-Slack-Request-Timestamp}:{body}`
 * with the app's Signing Secret; 5 minutes either way. Delivery id is the payload's `event_id`
 * (the same on Slack's retries). The `url_verification` handshake is answered with its challenge.
 */
import { payloadString } from './hmac-verifier';
import type { Preset } from './preset-row';
import { createV0Verifier } from './v0-timestamped';
import type { ActiveSecret, HandshakeReply, Verifier } from './types';

export const SLACK_PRESET = {
  label: 'Slack (Events API)',
  signatureHeaders: ['X-Slack-Signature', 'X-Slack-Request-Timestamp'],
  signedContent: 'v0:{X-Slack-Request-Timestamp}:{body}',
  algorithm: 'sha256',
  encoding: 'hex',
  signaturePrefix: 'v0=',
  timestamp: { source: 'X-Slack-Request-Timestamp header', unit: 'seconds' },
  toleranceSeconds: 300,
  multipleSignatures: false,
  deliveryId: { from: 'payload', fields: ['event_id'] },
  bodyFormat: 'json',
  handshake: 'url_verification: replies {"challenge": …}',
  extraMethods: [],
  key: 'utf8',
  secretIssuedBy: 'sender',
  secretLocation: 'api.slack.com/apps → your app → Basic Information → App Credentials → Signing Secret.',
} as const satisfies Preset;

export async function createSlackVerifier(secrets: readonly ActiveSecret[]): Promise<Verifier> {
  const built = await createV0Verifier(
    SLACK_PRESET,
    {
      missingDetail:
        'No X-Slack-Signature or X-Slack-Request-Timestamp header: is this request from Slack?',
      badSignatureDetail:
        "X-Slack-Signature does not match: configure the app's Signing Secret (not the verification token), and sign the raw body.",
    },
    secrets,
    {
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
