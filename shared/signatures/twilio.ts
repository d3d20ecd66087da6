/**
 * Twilio: `X-Twilio-Signature: <base64>` HMAC-SHA1 with the Auth Token over the full public URL
 * followed by every form parameter as name+value, sorted by name (repeated names: each distinct
 * value, sorted). When `X-Twilio-Webhooks-Signature-Settings` names `algorithm=HMAC_SHA256`
 * (SharedKey signing), HMAC-SHA256 is used instead. Delivery id `I-Twilio-Idempotency-Token`.
 *
 * The form body is decoded to build the signed string, because that is what Twilio signs; nothing
 * interprets the parameters before the signature holds.
 */
import { decodeUtf8, utf8 } from '../encoding/utf8';
import { hmacVerifier } from './hmac-verifier';
import { decodeSignature } from './hmac';
import { importKeys } from './hmac-keys';
import { header, missingCredential } from './outcomes';
import { deliveryIdInHeaders, presetOptions, type Preset } from './preset-row';
import type { ActiveSecret, InboundRequest, Verifier } from './types';

export const TWILIO_PRESET = {
  label: 'Twilio',
  signatureHeaders: ['X-Twilio-Signature'],
  signedContent:
    '{full URL}{each form parameter name followed by its value, sorted by name}',
  algorithm: 'sha1',
  encoding: 'base64',
  signaturePrefix: null,
  timestamp: null,
  toleranceSeconds: null,
  multipleSignatures: false,
  deliveryId: { from: 'header', names: ['I-Twilio-Idempotency-Token'] },
  bodyFormat: 'form',
  handshake: null,
  extraMethods: [],
  key: 'utf8',
  secretIssuedBy: 'sender',
  secretLocation:
    'Console → Account → API keys & tokens → Auth Token (primary). HMAC-SHA256 is used instead when X-Twilio-Webhooks-Signature-Settings says algorithm=HMAC_SHA256.',
} as const satisfies Preset;

const [SIGNATURE_HEADER] = TWILIO_PRESET.signatureHeaders;

/** The string Twilio signs: URL, then each sorted parameter name followed by its value(s). */
function twilioSignedString(url: string, body: Uint8Array): string {
  const values = new Map<string, Set<string>>();
  for (const [name, value] of new URLSearchParams(decodeUtf8(body))) {
    const set = values.get(name) ?? new Set<string>();
    set.add(value);
    values.set(name, set);
  }
  let data = url;
  for (const name of [...values.keys()].sort()) {
    for (const value of [...(values.get(name) ?? [])].sort()) data += name + value;
  }
  return data;
}

function wantsSha256(headers: Headers): boolean {
  const settings = header(headers, 'X-Twilio-Webhooks-Signature-Settings') ?? '';
  return settings
    .split(',')
    .some((part) => part.replace(/\s/g, '').toUpperCase() === 'ALGORITHM=HMAC_SHA256');
}

export async function createTwilioVerifier(secrets: readonly ActiveSecret[]): Promise<Verifier> {
  // The row's SHA-1 keys and the SHA-256 ones are both imported up front: the settings header
  // picks one set per request.
  const options = await presetOptions(TWILIO_PRESET, secrets);
  const sha256Keys = await importKeys(secrets, 'SHA-256', TWILIO_PRESET.key);
  const badSignatureDetail =
    'X-Twilio-Signature does not match: configure the primary Auth Token, and point Twilio at exactly this URL (scheme, host, path and query are signed).';

  function extract(request: InboundRequest) {
    const value = header(request.headers, SIGNATURE_HEADER);
    if (value === null) return missingCredential('No X-Twilio-Signature header: is this request from Twilio?');
    const signature = decodeSignature(value, TWILIO_PRESET.encoding);
    if (signature === null) return missingCredential('X-Twilio-Signature must be base64.');
    return {
      signatures: [signature],
      content: utf8(twilioSignedString(request.url.href, request.body)),
      timestampMs: null,
      deliveryId: deliveryIdInHeaders(TWILIO_PRESET.deliveryId, request.headers),
    };
  }

  const sha1 = hmacVerifier({ ...options, extract, badSignatureDetail });
  const sha256 = hmacVerifier({ ...options, keys: sha256Keys, extract, badSignatureDetail });
  return {
    ...sha1,
    verify: (request, now) => (wantsSha256(request.headers) ? sha256 : sha1).verify(request, now),
  };
}
