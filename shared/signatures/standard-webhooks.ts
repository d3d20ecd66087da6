/**
 * Standard Webhooks (the default scheme, and preset `standard-webhooks`; Svix sends the same
 * scheme under `svix-*` header names).
 *
 * `webhook-signature: v1,<base64> v1,<base64>` — space-separated, one per secret the sender signs
 * with (at most MAX_SIGNATURE_CANDIDATES), in padded standard base64 as the reference library
 * writes it — over `{webhook-id}.{webhook-timestamp}.{body}`, HMAC-SHA256 keyed with the base64
 * bytes after `whsec_`; timestamp in seconds, 5 minutes either way; delivery id = webhook-id.
 */
import { utf8 } from '../encoding/utf8';
import { hmacVerifier, type Extraction } from './hmac-verifier';
import { concatBytes, decodeCanonicalBase64 } from './hmac';
import { MAX_SIGNATURE_CANDIDATES, header, missingCredential, parseSignedTimestamp, tooManySignatures } from './outcomes';
import { deliveryIdInHeaders, presetOptions, type Preset } from './preset-row';
import type { ActiveSecret, InboundRequest, Verifier } from './types';

export const STANDARD_WEBHOOKS_PRESET = {
  label: 'Standard Webhooks (Svix and every sender using a Standard Webhooks library)',
  signatureHeaders: ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
  signedContent: '{webhook-id}.{webhook-timestamp}.{body}',
  algorithm: 'sha256',
  encoding: 'base64',
  signaturePrefix: 'v1,',
  timestamp: { source: 'webhook-timestamp header', unit: 'seconds' },
  toleranceSeconds: 300,
  multipleSignatures: true,
  deliveryId: { from: 'header', names: ['webhook-id', 'svix-id'] },
  bodyFormat: 'json',
  handshake: null,
  extraMethods: [],
  key: 'whsec-base64',
  secretIssuedBy: 'either',
  secretLocation:
    'The endpoint secret (whsec_…): generated here and given to the sender, or copied from the Svix/sender endpoint page. svix-id/svix-timestamp/svix-signature headers are accepted too.',
} as const satisfies Preset;

const [ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER] = STANDARD_WEBHOOKS_PRESET.signatureHeaders;
const PREFIX = STANDARD_WEBHOOKS_PRESET.signaturePrefix;

/** A header by its Standard Webhooks name, else by Svix's (`webhook-id` → `svix-id`). */
function standardOrSvixHeader(headers: Headers, name: string): string | null {
  return header(headers, name) ?? header(headers, name.replace(/^webhook-/, 'svix-'));
}

function extract(request: InboundRequest): Extraction {
  const id = standardOrSvixHeader(request.headers, ID_HEADER);
  const timestamp = standardOrSvixHeader(request.headers, TIMESTAMP_HEADER);
  const signature = standardOrSvixHeader(request.headers, SIGNATURE_HEADER);
  if (id === null || timestamp === null || signature === null) {
    const missing = [
      id === null ? ID_HEADER : null,
      timestamp === null ? TIMESTAMP_HEADER : null,
      signature === null ? SIGNATURE_HEADER : null,
    ].filter((name) => name !== null);
    return missingCredential(
      `No ${missing.join(', ')} header: sign with the endpoint's whsec_ secret using a Standard Webhooks library (it sets webhook-id, webhook-timestamp and webhook-signature).`,
    );
  }
  const timestampMs = parseSignedTimestamp(timestamp, STANDARD_WEBHOOKS_PRESET.timestamp.unit);
  if (timestampMs === null) {
    return missingCredential('webhook-timestamp must be the signing time in whole seconds since the epoch.');
  }
  const candidates = signature.split(' ').filter((entry) => entry.startsWith(PREFIX));
  if (candidates.length > MAX_SIGNATURE_CANDIDATES) return tooManySignatures(SIGNATURE_HEADER, candidates.length);
  const signatures: Uint8Array[] = [];
  for (const entry of candidates) {
    // Padded standard base64 only: the reference libraries compare the base64 text, so anything
    // else (unpadded, URL-safe) matches nothing there and must not match here.
    const decoded = decodeCanonicalBase64(entry.slice(PREFIX.length));
    if (decoded !== null) signatures.push(decoded);
  }
  if (signatures.length === 0) {
    return missingCredential(
      'webhook-signature has no v1,<base64> entry: send "v1," followed by the base64 HMAC-SHA256, padded and in the standard alphabet as the Standard Webhooks libraries write it (several may be separated by spaces).',
    );
  }
  return {
    signatures,
    content: concatBytes(utf8(`${id}.${timestamp}.`), request.body),
    timestampMs,
    deliveryId: deliveryIdInHeaders(STANDARD_WEBHOOKS_PRESET.deliveryId, request.headers),
  };
}

export async function createStandardWebhooksVerifier(secrets: readonly ActiveSecret[]): Promise<Verifier> {
  return hmacVerifier({
    ...(await presetOptions(STANDARD_WEBHOOKS_PRESET, secrets)),
    extract,
    badSignatureDetail:
      'No webhook-signature entry matches: sign "{webhook-id}.{webhook-timestamp}.{raw body}" with the base64-decoded bytes after whsec_. Are you signing the raw body, exactly as sent?',
  });
}
