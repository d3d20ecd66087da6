/**
 * Slack and Zoom sign alike: `<signature header>: v0=<hex>` HMAC-SHA256 over
 * `v0:{timestamp}:{body}`, the timestamp (seconds) in its own header, 5 minutes either way.
 */
import { hmacVerifier, type HmacSchemeOptions, type Extraction } from './hmac-verifier';
import { concatBytes, fromHex, utf8 } from './hmac';
import { findMatchingKey, importKeys, type KeyedSecret } from './keyring';
import { header, missingCredential, parseEpoch } from './outcomes';
import type { ActiveSecret, InboundRequest, Verifier } from './types';

export interface V0Scheme {
  signatureHeader: string;
  timestampHeader: string;
  toleranceSeconds: number;
  missingDetail: string;
  badSignatureDetail: string;
}

export function extractV0(scheme: V0Scheme, request: InboundRequest): Extraction {
  const signature = header(request.headers, scheme.signatureHeader);
  const timestamp = header(request.headers, scheme.timestampHeader);
  if (signature === null || timestamp === null) return missingCredential(scheme.missingDetail);
  const timestampMs = parseEpoch(timestamp, 'seconds');
  if (timestampMs === null) {
    return missingCredential(`${scheme.timestampHeader} must be whole seconds since the epoch.`);
  }
  const decoded = signature.startsWith('v0=') ? fromHex(signature.slice(3)) : null;
  if (decoded === null) {
    return missingCredential(`${scheme.signatureHeader} must be "v0=" followed by the hex HMAC-SHA256.`);
  }
  return {
    signatures: [decoded],
    content: concatBytes(utf8(`v0:${timestamp}:`), request.body),
    timestampMs,
    deliveryId: null,
  };
}

export interface V0Verifier {
  verifier: Verifier;
  keys: readonly KeyedSecret[];
  /** The key that signed this request (already verified), for replies signed with the same secret. */
  signingKey(request: InboundRequest): Promise<KeyedSecret | null>;
}

export async function createV0Verifier(
  scheme: V0Scheme,
  secrets: readonly ActiveSecret[],
  extra: Pick<HmacSchemeOptions, 'deliveryIdFromPayload' | 'handshake'> = {},
): Promise<V0Verifier> {
  const keys = await importKeys(secrets, 'SHA-256', utf8);
  return {
    keys,
    verifier: hmacVerifier({
      ...extra,
      keys,
      toleranceSeconds: scheme.toleranceSeconds,
      extract: (request) => extractV0(scheme, request),
      badSignatureDetail: scheme.badSignatureDetail,
    }),
    async signingKey(request) {
      const signed = extractV0(scheme, request);
      if ('ok' in signed) return null;
      return findMatchingKey(keys, null, signed.signatures, signed.content);
    },
  };
}
