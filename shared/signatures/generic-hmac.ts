/**
 * Generic HMAC, for senders without a preset: `<header>: <prefix><signature>`, SHA-1/256/512,
 * hex or base64, over the raw body or `{timestamp}.{body}` (timestamp from its own header, in
 * seconds or milliseconds, told apart by size; tolerance two-sided). The secret's UTF-8 bytes are
 * the key. The config was checked complete by AuthConfigSchema; nothing is defaulted here.
 */
import { utf8 } from '../encoding/utf8';
import type { GenericHmacAuth } from './auth-config';
import { hmacVerifier } from './hmac-verifier';
import { concatBytes, decodeSignature, HASH_NAMES } from './hmac';
import { importKeys } from './hmac-keys';
import { header, missingCredential, parseEpoch } from './outcomes';
import { DEFAULT_TOLERANCE_SECONDS } from './presets';
import type { ActiveSecret, Verifier } from './types';

export async function createGenericHmacVerifier(
  auth: GenericHmacAuth,
  secrets: readonly ActiveSecret[],
): Promise<Verifier> {
  const shape = `"${auth.prefix}" followed by the ${auth.encoding} HMAC-${auth.algorithm.toUpperCase()}`;
  const timestampHeader = auth.signed_content === 'timestamp.body' ? auth.timestamp_header ?? null : null;
  const signedWhat = timestampHeader === null ? 'the raw body' : `"{${timestampHeader}}.{raw body}"`;
  return hmacVerifier({
    keys: await importKeys(secrets, HASH_NAMES[auth.algorithm], 'utf8'),
    toleranceSeconds: timestampHeader === null ? null : auth.tolerance_seconds ?? DEFAULT_TOLERANCE_SECONDS,
    badSignatureDetail: `${auth.header} does not match: sign ${signedWhat} with the webhook secret (${shape}). Are you signing the raw body, exactly as sent?`,
    extract(request) {
      const value = header(request.headers, auth.header);
      if (value === null) return missingCredential(`No ${auth.header} header: send ${shape} of ${signedWhat}.`);
      const signature = value.startsWith(auth.prefix)
        ? decodeSignature(value.slice(auth.prefix.length), auth.encoding)
        : null;
      if (signature === null) return missingCredential(`${auth.header} must be ${shape}.`);
      const deliveryId = auth.delivery_id_header === undefined ? null : header(request.headers, auth.delivery_id_header);
      if (timestampHeader === null) {
        return { signatures: [signature], content: request.body, timestampMs: null, deliveryId };
      }
      const timestamp = header(request.headers, timestampHeader);
      const timestampMs = timestamp === null ? null : parseEpoch(timestamp, 'auto');
      if (timestamp === null || timestampMs === null) {
        return missingCredential(`No valid ${timestampHeader} header: send the signing time as epoch seconds or milliseconds.`);
      }
      return {
        signatures: [signature],
        content: concatBytes(utf8(`${timestamp}.`), request.body),
        timestampMs,
        deliveryId,
      };
    },
  });
}
