/**
 * Standard Webhooks (the default scheme, and preset `standard-webhooks`; Svix sends the same
 * scheme under `svix-*` header names).
 *
 * `webhook-signature: v1,<base64> v1,<base64>` — space-separated, one per secret the sender signs
 * with — over `{webhook-id}.{webhook-timestamp}.{body}`, HMAC-SHA256 keyed with the base64 bytes
 * after `whsec_`; timestamp in seconds, 5 minutes either way; delivery id = webhook-id.
 */
import { hmacVerifier, type Extraction } from './hmac-verifier';
import { concatBytes, fromBase64, utf8 } from './hmac';
import { importKeys } from './keyring';
import { header, missingCredential, parseEpoch } from './outcomes';
import { PRESETS } from './presets';
import type { ActiveSecret, InboundRequest, Verifier } from './types';

const PRESET = PRESETS['standard-webhooks'];
const SECRET_PREFIX = 'whsec_';

/** The HMAC key of a Standard Webhooks secret: base64-decoded after an optional `whsec_`. */
export function standardWebhooksKey(secret: string): Uint8Array | null {
  return fromBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
}

function firstHeader(headers: Headers, suffix: 'id' | 'timestamp' | 'signature'): string | null {
  return header(headers, `webhook-${suffix}`) ?? header(headers, `svix-${suffix}`);
}

function extract(request: InboundRequest): Extraction {
  const id = firstHeader(request.headers, 'id');
  const timestamp = firstHeader(request.headers, 'timestamp');
  const signature = firstHeader(request.headers, 'signature');
  if (id === null || timestamp === null || signature === null) {
    const missing = [
      id === null ? 'webhook-id' : null,
      timestamp === null ? 'webhook-timestamp' : null,
      signature === null ? 'webhook-signature' : null,
    ].filter((name) => name !== null);
    return missingCredential(
      `No ${missing.join(', ')} header: sign with the endpoint's whsec_ secret using a Standard Webhooks library (it sets webhook-id, webhook-timestamp and webhook-signature).`,
    );
  }
  const timestampMs = parseEpoch(timestamp, 'seconds');
  if (timestampMs === null) {
    return missingCredential('webhook-timestamp must be the signing time in whole seconds since the epoch.');
  }
  const signatures: Uint8Array[] = [];
  for (const entry of signature.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma === -1 || entry.slice(0, comma) !== 'v1') continue;
    const decoded = fromBase64(entry.slice(comma + 1));
    if (decoded !== null) signatures.push(decoded);
  }
  if (signatures.length === 0) {
    return missingCredential(
      'webhook-signature has no v1,<base64> entry: send "v1," followed by the base64 HMAC-SHA256 (several may be separated by spaces).',
    );
  }
  return {
    signatures,
    content: concatBytes(utf8(`${id}.${timestamp}.`), request.body),
    timestampMs,
    deliveryId: id,
  };
}

export async function createStandardWebhooksVerifier(secrets: readonly ActiveSecret[]): Promise<Verifier> {
  return hmacVerifier({
    keys: await importKeys(secrets, 'SHA-256', standardWebhooksKey),
    toleranceSeconds: PRESET.toleranceSeconds,
    extract,
    badSignatureDetail:
      'No webhook-signature entry matches: sign "{webhook-id}.{webhook-timestamp}.{raw body}" with the base64-decoded bytes after whsec_. Are you signing the raw body, exactly as sent?',
  });
}
