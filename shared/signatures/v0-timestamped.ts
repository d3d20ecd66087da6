/**
 * Slack and Zoom sign alike: `<signature header>: v0=<hex>` HMAC-SHA256 over
 * `v0:{timestamp}:{body}`, the timestamp (seconds) in its own header, 5 minutes either way.
 * Header names, prefix, algorithm, encoding, unit and tolerance come from the sender's row.
 */
import { utf8 } from '../encoding/utf8';
import { hmacVerifier, type Extraction, type HmacSchemeOptions, type SenderHints } from './hmac-verifier';
import { concatBytes, decodeSignature } from './hmac';
import { findMatchingKey, type KeyedSecret } from './hmac-keys';
import { header, missingCredential, parseSignedTimestamp } from './outcomes';
import { presetOptions, type TimestampedPreset } from './preset-row';
import type { ActiveSecret, InboundRequest, Verifier } from './types';

/** A row whose credential headers are the signature, then the timestamp. */
export type V0Preset = TimestampedPreset & { signatureHeaders: readonly [string, string] };

function extractV0(preset: V0Preset, hints: SenderHints, request: InboundRequest): Extraction {
  const [signatureHeader, timestampHeader] = preset.signatureHeaders;
  const prefix = preset.signaturePrefix ?? '';
  const signature = header(request.headers, signatureHeader);
  const timestamp = header(request.headers, timestampHeader);
  if (signature === null || timestamp === null) return missingCredential(hints.missingDetail);
  const timestampMs = parseSignedTimestamp(timestamp, preset.timestamp.unit);
  if (timestampMs === null) {
    return missingCredential(`${timestampHeader} must be whole seconds since the epoch.`);
  }
  const decoded = signature.startsWith(prefix) ? decodeSignature(signature.slice(prefix.length), preset.encoding) : null;
  if (decoded === null) {
    return missingCredential(
      `${signatureHeader} must be "${prefix}" followed by the ${preset.encoding} HMAC-${preset.algorithm.toUpperCase()}.`,
    );
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
  /** The key that signed this request (already verified), for replies signed with the same secret. */
  signingKey(request: InboundRequest): Promise<KeyedSecret | null>;
}

export async function createV0Verifier(
  preset: V0Preset,
  hints: SenderHints,
  secrets: readonly ActiveSecret[],
  extra: Pick<HmacSchemeOptions, 'handshake'> = {},
): Promise<V0Verifier> {
  const options = await presetOptions(preset, secrets);
  return {
    verifier: hmacVerifier({
      ...extra,
      ...options,
      extract: (request) => extractV0(preset, hints, request),
      badSignatureDetail: hints.badSignatureDetail,
    }),
    async signingKey(request) {
      const signed = extractV0(preset, hints, request);
      if ('ok' in signed) return null;
      return findMatchingKey(options.keys, null, signed.signatures, signed.content);
    },
  };
}
