/**
 * HubSpot signature v3: `X-HubSpot-Signature-v3: <base64>` HMAC-SHA256 with the app's client
 * secret over `{method}{URL}{body}{X-HubSpot-Request-Timestamp}`; timestamp in milliseconds,
 * 5 minutes either way. HubSpot decodes a fixed set of percent-escapes in the URL before signing.
 * HubSpot sends no delivery id (payloads are batches of events).
 */
import { hmacVerifier } from './hmac-verifier';
import { concatBytes, fromBase64, utf8 } from './hmac';
import { importKeys } from './keyring';
import { header, missingCredential, parseEpoch } from './outcomes';
import { PRESETS } from './presets';
import type { ActiveSecret, Verifier } from './types';

const PRESET = PRESETS.hubspot;

/** The escapes HubSpot's v3 documentation decodes in the URI before signing. */
const DECODED: Record<string, string> = {
  '%3A': ':', '%2F': '/', '%3F': '?', '%40': '@', '%21': '!', '%24': '$',
  '%27': "'", '%28': '(', '%29': ')', '%2A': '*', '%2C': ',', '%3B': ';',
};

export function hubspotUri(url: URL): string {
  return url.href.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (escape) => DECODED[escape.toUpperCase()] ?? escape);
}

export async function createHubspotVerifier(secrets: readonly ActiveSecret[]): Promise<Verifier> {
  return hmacVerifier({
    keys: await importKeys(secrets, 'SHA-256', utf8),
    toleranceSeconds: PRESET.toleranceSeconds,
    badSignatureDetail:
      "X-HubSpot-Signature-v3 does not match: configure the app's client secret, and use exactly this URL as the target URL.",
    extract(request) {
      const value = header(request.headers, 'X-HubSpot-Signature-v3');
      const timestamp = header(request.headers, 'X-HubSpot-Request-Timestamp');
      if (value === null || timestamp === null) {
        return missingCredential(
          'No X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp header: is this request from HubSpot (signature v3)?',
        );
      }
      const signature = fromBase64(value);
      const timestampMs = parseEpoch(timestamp, 'milliseconds');
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
