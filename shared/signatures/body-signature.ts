/**
 * The most common shape: one header holding `<prefix><signature of the raw body>`, no signed
 * timestamp in the headers (GitHub, Meta, Shopify, Intercom, Linear). Header, prefix, algorithm,
 * encoding and delivery id all come from the sender's preset row.
 */
import { hmacVerifier, type HmacSchemeOptions, type SenderHints } from './hmac-verifier';
import { decodeSignature } from './hmac';
import { header, missingCredential } from './outcomes';
import { deliveryIdInHeaders, presetOptions, type Preset } from './preset-row';
import type { ActiveSecret, Verifier } from './types';

/** A row with exactly one credential header: the one holding the signature. */
export type BodySignaturePreset = Preset & { signatureHeaders: readonly [string] };

export async function createBodySignatureVerifier(
  preset: BodySignaturePreset,
  hints: SenderHints,
  secrets: readonly ActiveSecret[],
  extra: Pick<HmacSchemeOptions, 'afterSignature' | 'handshake'> = {},
): Promise<Verifier> {
  const [signatureHeader] = preset.signatureHeaders;
  const prefix = preset.signaturePrefix ?? '';
  const malformed = `${signatureHeader} must be "${prefix}" followed by the ${preset.encoding} signature.`;
  return hmacVerifier({
    ...extra,
    ...(await presetOptions(preset, secrets)),
    badSignatureDetail: hints.badSignatureDetail,
    extract(request) {
      const value = header(request.headers, signatureHeader);
      if (value === null) return missingCredential(hints.missingDetail);
      if (!value.toLowerCase().startsWith(prefix.toLowerCase())) return missingCredential(malformed);
      const signature = decodeSignature(value.slice(prefix.length), preset.encoding);
      if (signature === null) return missingCredential(malformed);
      return {
        signatures: [signature],
        content: request.body,
        timestampMs: null,
        deliveryId: deliveryIdInHeaders(preset.deliveryId, request.headers),
      };
    },
  });
}
