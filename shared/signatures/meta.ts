/**
 * Meta (WhatsApp Cloud API, Instagram, Messenger): `X-Hub-Signature-256: sha256=<hex>` HMAC-SHA256
 * of the raw body with the App Secret.
 *
 * Subscribing, Meta first calls `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…` and
 * expects the challenge back. The verify token is the preset's `verify_token` setting (what you
 * typed as "Verify Token" in Meta's dashboard), not the App Secret: Meta sends it in a query
 * string, where a secret does not belong. Without a configured verify_token every GET is refused.
 */
import { createBodySignatureVerifier } from './body-signature';
import { sha256, timingSafeEqual, utf8 } from './hmac';
import { accepted, badSignature, missingCredential } from './outcomes';
import type { ActiveSecret, AuthOutcome, HandshakeReply, InboundRequest, Verifier } from './types';

const CHALLENGE = /^[A-Za-z0-9._~-]{1,512}$/;

function isSubscribe(request: InboundRequest): boolean {
  return request.method === 'GET';
}

export async function createMetaVerifier(
  secrets: readonly ActiveSecret[],
  verifyToken: string | null,
): Promise<Verifier> {
  const post = await createBodySignatureVerifier(
    {
      signatureHeader: 'X-Hub-Signature-256',
      prefix: 'sha256=',
      hash: 'SHA-256',
      encoding: 'hex',
      deliveryIdHeaders: [],
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
    extraMethods: ['GET'],
    verify: (request, now) => (isSubscribe(request) ? verifySubscribe(request) : post.verify(request, now)),
    handshake(request: InboundRequest): Promise<HandshakeReply | null> {
      if (!isSubscribe(request)) return Promise.resolve(null);
      const challenge = request.url.searchParams.get('hub.challenge') ?? '';
      return Promise.resolve({ status: 200, contentType: 'text/plain; charset=utf-8', body: challenge });
    },
  };
}
