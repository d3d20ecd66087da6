/**
 * Zoom: `x-zm-signature: v0=<hex>` over `v0:{x-zm-request-timestamp}:{body}` with the app's
 * Secret Token; 5 minutes either way. No delivery id Zoom documents as stable across retries.
 *
 * `endpoint.url_validation` is answered with `{plainToken, encryptedToken}`, encryptedToken being
 * the hex HMAC-SHA256 of plainToken under the secret that signed the validation request (so it is
 * right during a rotation overlap too).
 */
import { bytesToHex } from '../encoding/hex';
import { utf8 } from '../encoding/utf8';
import { payloadString } from './hmac-verifier';
import { signHmac } from './hmac';
import type { Preset } from './preset-row';
import { createV0Verifier } from './v0-timestamped';
import type { ActiveSecret, HandshakeReply, Verifier } from './types';

export const ZOOM_PRESET = {
  label: 'Zoom',
  signatureHeaders: ['x-zm-signature', 'x-zm-request-timestamp'],
  signedContent: 'v0:{x-zm-request-timestamp}:{body}',
  algorithm: 'sha256',
  encoding: 'hex',
  signaturePrefix: 'v0=',
  timestamp: { source: 'x-zm-request-timestamp header', unit: 'seconds' },
  toleranceSeconds: 300,
  multipleSignatures: false,
  deliveryId: null,
  bodyFormat: 'json',
  handshake:
    'endpoint.url_validation: replies {"plainToken", "encryptedToken": hex HMAC-SHA256 of plainToken}',
  extraMethods: [],
  key: 'utf8',
  secretIssuedBy: 'sender',
  secretLocation: 'Zoom App Marketplace → your app → Features/Access → Secret Token.',
} as const satisfies Preset;

function plainTokenOf(payload: unknown): string | null {
  if (payloadString(payload, 'event') !== 'endpoint.url_validation') return null;
  const inner = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>).payload : null;
  return payloadString(inner, 'plainToken');
}

export async function createZoomVerifier(secrets: readonly ActiveSecret[]): Promise<Verifier> {
  const built = await createV0Verifier(
    ZOOM_PRESET,
    {
      missingDetail: 'No x-zm-signature or x-zm-request-timestamp header: is this request from Zoom?',
      badSignatureDetail:
        "x-zm-signature does not match: configure the app's Secret Token, and sign the raw body.",
    },
    secrets,
    {
      async handshake(request, payload): Promise<HandshakeReply | null> {
        const plainToken = plainTokenOf(payload);
        if (plainToken === null) return null;
        const signing = await built.signingKey(request);
        if (signing === null) return null;
        const encryptedToken = bytesToHex(await signHmac(signing.key, utf8(plainToken)));
        return {
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify({ plainToken, encryptedToken }),
        };
      },
    },
  );
  return built.verifier;
}
