/**
 * Method `none`: every request is accepted. Allowed, but every view of such a webhook says it is
 * not recommended (see describeAuth).
 */
import { accepted } from './outcomes';
import type { Verifier } from './types';

export function createOpenVerifier(): Verifier {
  return {
    extraMethods: [],
    bodyFormat: 'json',
    verify: () => Promise.resolve(accepted(null)),
    deliveryIdFromPayload: () => null,
    handshake: () => Promise.resolve(null),
  };
}
