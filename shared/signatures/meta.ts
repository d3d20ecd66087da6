/**
 * Meta (WhatsApp Cloud API, Instagram, Messenger): `X-Hub-Signature-256: sha256=<hex>` HMAC-SHA256
 * of the raw body with the App Secret.
 *
 * Subscribing, Meta first calls `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…` and
 * expects the challenge back. The verify token is the preset's `verify_token` setting (what you
 * typed as "Verify Token" in Meta's dashboard), not the App Secret: Meta sends it in a query
 * string, where a secret does not belong. Without a configured verify_token every GET is refused.
 */
import { utf8 } from '../encoding/utf8';
import { createBodySignatureVerifier } from './body-signature';
import { sha256, timingSafeEqual } from './hmac';
import { accepted, badSignature, missingCredential } from './outcomes';
import type { Preset } from './preset-row';
import type { ActiveSecret, AuthOutcome, HandshakeReply, InboundRequest, Verifier } from './types';

export const META_PRESET = {
  label: 'Meta (WhatsApp Cloud API, Instagram, Messenger)',
  signatureHeaders: ['X-Hub-Signature-256'],
  signedContent: '{body}',
  algorithm: 'sha256',
  encoding: 'hex',
  signaturePrefix: 'sha256=',
  timestamp: null,
  toleranceSeconds: null,
  multipleSignatures: false,
  deliveryId: null,
  bodyFormat: 'json',
  handshake:
    'GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…: replies the challenge as text/plain when hub.verify_token equals the preset\'s verify_token',
  extraMethods: ['GET'],
  key: 'utf8',
  secretIssuedBy: 'sender',
  secretLocation:
    'developers.facebook.com → your app → App settings → Basic → App Secret. The Verify Token you type in the Webhooks product is the preset\'s verify_token.',
} as const satisfies Preset;

const CHALLENGE = /^[A-Za-z0-9._~-]{1,512}$/;

function isSubscribe(request: InboundRequest): boolean {
  return request.method === 'GET';
}

export async function createMetaVerifier(
  secrets: readonly ActiveSecret[],
  verifyToken: string | null,
): Promise<Verifier> {
  const post = await createBodySignatureVerifier(
    META_PRESET,
    {
      missingDetail: 'No X-Hub-Signature-256 header: is this request from Meta?',
      badSignatureDetail:
        'X-Hub-Signature-256 does not match: configure the App Secret (App settings → Basic), and sign the raw body.',
    },
    secrets,
  );
  // Compared as digests so the comparison time does not depend on where the tokens differ.
  const expectedDigest = verifyToken === null ? null : await sha256(utf8(verifyToken));

  async function verifySubscribe(request: InboundRequest): Promise<AuthOutcome> {
    const params = request.url.searchParams;
    const token = params.get('hub.verify_token');
    const challenge = params.get('hub.challenge');
    // The challenge is echoed back, so only the characters Meta uses (digits) and a few safe ones.
    if (params.get('hub.mode') !== 'subscribe' || token === null || challenge === null || !CHALLENGE.test(challenge)) {
      return missingCredential('A GET must be Meta\'s subscribe check: hub.mode=subscribe, hub.verify_token and hub.challenge.');
    }
    if (expectedDigest === null) {
      return badSignature('No verify_token is configured for this webhook: set auth.verify_token to the Verify Token entered in Meta.');
    }
    if (!timingSafeEqual(await sha256(utf8(token)), expectedDigest)) {
      return badSignature('hub.verify_token does not match the Verify Token configured for this webhook.');
    }
    return accepted(null);
  }

  return {
    ...post,
    verify: (request, now) => (isSubscribe(request) ? verifySubscribe(request) : post.verify(request, now)),
    handshake(request: InboundRequest): Promise<HandshakeReply | null> {
      if (!isSubscribe(request)) return Promise.resolve(null);
      const challenge = request.url.searchParams.get('hub.challenge') ?? '';
      return Promise.resolve({ status: 200, contentType: 'text/plain; charset=utf-8', body: challenge });
    },
  };
}
