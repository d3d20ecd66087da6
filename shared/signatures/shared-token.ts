/**
 * Shared-token methods: `header` (the secret in a named header, `X-Hasp-Token` by default) and
 * `bearer` (`Authorization: Bearer <secret>`). No signature, so no integrity: the token proves only
 * that the sender knows it. Tokens are compared as SHA-256 digests, so the time taken depends on
 * neither the token's length nor where it differs.
 */
import { utf8 } from '../encoding/utf8';
import { sha256, timingSafeEqual } from './hmac';
import { isActive } from './hmac-keys';
import { accepted, badSignature, header, missingCredential } from './outcomes';
import type { ActiveSecret, AuthOutcome, InboundRequest, Verifier } from './types';

export type TokenLocation = { method: 'header'; header: string } | { method: 'bearer' };

function presentedToken(location: TokenLocation, headers: Headers): string | null {
  if (location.method === 'header') return header(headers, location.header);
  const authorization = header(headers, 'Authorization');
  const match = authorization === null ? null : /^Bearer\s+(\S+)$/i.exec(authorization);
  return match?.[1] ?? null;
}

export async function createSharedTokenVerifier(
  location: TokenLocation,
  secrets: readonly ActiveSecret[],
): Promise<Verifier> {
  const digests = await Promise.all(
    secrets.map(async (secret) => ({ digest: await sha256(utf8(secret.value)), expiresAt: secret.expiresAt })),
  );
  const where = location.method === 'header' ? `the ${location.header} header` : 'Authorization: Bearer <token>';
  return {
    extraMethods: [],
    bodyFormat: 'json',
    async verify(request: InboundRequest, now: number): Promise<AuthOutcome> {
      const token = presentedToken(location, request.headers);
      if (token === null) return missingCredential(`No token: send the webhook secret in ${where}.`);
      const presented = await sha256(utf8(token));
      // Every active digest is compared, so timing does not reveal which secret matched.
      let matched = false;
      for (const secret of digests) {
        if (isActive(secret, now) && timingSafeEqual(presented, secret.digest)) matched = true;
      }
      return matched ? accepted(null) : badSignature(`The token in ${where} is not this webhook's current secret.`);
    },
    deliveryIdFromPayload: () => null,
    handshake: () => Promise.resolve(null),
  };
}
