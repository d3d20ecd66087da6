/**
 * HubSpot signature v3: `X-HubSpot-Signature-v3: <base64>` HMAC-SHA256 with the app's client
 * secret over `{method}{URL}{body}{X-HubSpot-Request-Timestamp}`; timestamp in milliseconds,
 * 5 minutes either way. HubSpot decodes a fixed set of percent-escapes in the URL before signing.
 * HubSpot sends no delivery id (payloads are batches of events).
 */
import { utf8 } from '../encoding/utf8';
import { hmacVerifier } from './hmac-verifier';
import { concatBytes, decodeSignature } from './hmac';
import { header, missingCredential, parseSignedTimestamp } from './outcomes';
import { presetOptions, type Preset } from './preset-row';
import type { ActiveSecret, Verifier } from './types';

export const HUBSPOT_PRESET = {
  label: 'HubSpot (signature v3)',
  signatureHeaders: ['X-HubSpot-Signature-v3', 'X-HubSpot-Request-Timestamp'],
  signedContent: '{method}{URL}{body}{X-HubSpot-Request-Timestamp}',
  algorithm: 'sha256',
  encoding: 'base64',
  signaturePrefix: null,
  timestamp: { source: 'X-HubSpot-Request-Timestamp header', unit: 'milliseconds' },
  toleranceSeconds: 300,
  multipleSignatures: false,
  deliveryId: null,
  bodyFormat: 'json',
  handshake: null,
  extraMethods: [],
  key: 'utf8',
  secretIssuedBy: 'sender',
  secretLocation: "Developer account → your app → Auth → Client secret.",
} as const satisfies Preset;

const [SIGNATURE_HEADER, TIMESTAMP_HEADER] = HUBSPOT_PRESET.signatureHeaders;

/** The escapes HubSpot's v3 documentation decodes in the URI before signing. */
const DECODED: Record<string, string> = {
  '%3A': ':', '%2F': '/', '%3F': '?', '%40': '@', '%21': '!', '%24': '$',
  '%27': "'", '%28': '(', '%29': ')', '%2A': '*', '%2C': ',', '%3B': ';',
};

function hubspotUri(url: URL): string {
  return url.href.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (escape) => DECODED[escape.toUpperCase()] ?? escape);
}

export async function createHubspotVerifier(secrets: readonly ActiveSecret[]): Promise<Verifier> {
  return hmacVerifier({
    ...(await presetOptions(HUBSPOT_PRESET, secrets)),
    badSignatureDetail:
      "X-HubSpot-Signature-v3 does not match: configure the app's client secret, and use exactly this URL as the target URL.",
    extract(request) {
      const value = header(request.headers, SIGNATURE_HEADER);
      const timestamp = header(request.headers, TIMESTAMP_HEADER);
      if (value === null || timestamp === null) {
        return missingCredential(
          'No X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp header: is this request from HubSpot (signature v3)?',
        );
      }
      const signature = decodeSignature(value, HUBSPOT_PRESET.encoding);
      const timestampMs = parseSignedTimestamp(timestamp, HUBSPOT_PRESET.timestamp.unit);
      if (signature === null || timestampMs === null) {
        return missingCredential('X-HubSpot-Signature-v3 must be base64 and X-HubSpot-Request-Timestamp epoch milliseconds.');
      }
      return {
        signatures: [signature],
        content: concatBytes(utf8(request.method.toUpperCase() + hubspotUri(request.url)), request.body, utf8(timestamp)),
        timestampMs,
        deliveryId: null,
      };
    },
  });
}
