/**
 * The most common shape: one header holding `<prefix><signature of the raw body>`, no timestamp
 * (GitHub, Meta, Shopify, Intercom, Linear). Each preset module supplies its header and codec.
 */
import { hmacVerifier, type HmacSchemeOptions } from './hmac-verifier';
import { decodeSignature, utf8, type HashName } from './hmac';
import { importKeys } from './keyring';
import { header, missingCredential } from './outcomes';
import type { ActiveSecret, Verifier } from './types';

export interface BodySignatureScheme {
  signatureHeader: string;
  prefix: string;
  hash: HashName;
  encoding: 'hex' | 'base64';
  /** Header names tried in order for the delivery id. */
  deliveryIdHeaders: readonly string[];
  missingDetail: string;
  badSignatureDetail: string;
}

export async function createBodySignatureVerifier(
  scheme: BodySignatureScheme,
  secrets: readonly ActiveSecret[],
  extra: Pick<HmacSchemeOptions, 'deliveryIdFromPayload' | 'afterSignature' | 'extraMethods' | 'handshake'> = {},
): Promise<Verifier> {
  return hmacVerifier({
    ...extra,
    keys: await importKeys(secrets, scheme.hash, utf8),
    toleranceSeconds: null,
    badSignatureDetail: scheme.badSignatureDetail,
    extract(request) {
      const value = header(request.headers, scheme.signatureHeader);
      if (value === null) return missingCredential(scheme.missingDetail);
      if (!value.toLowerCase().startsWith(scheme.prefix.toLowerCase())) {
        return missingCredential(
          `${scheme.signatureHeader} must be "${scheme.prefix}" followed by the ${scheme.encoding} signature.`,
        );
      }
      const signature = decodeSignature(value.slice(scheme.prefix.length), scheme.encoding);
      if (signature === null) {
        return missingCredential(
          `${scheme.signatureHeader} must be "${scheme.prefix}" followed by the ${scheme.encoding} signature.`,
        );
      }
      let deliveryId: string | null = null;
      for (const name of scheme.deliveryIdHeaders) {
        deliveryId = header(request.headers, name);
        if (deliveryId !== null) break;
      }
      return { signatures: [signature], content: request.body, timestampMs: null, deliveryId };
    },
  });
}
