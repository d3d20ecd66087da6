/**
 * Twilio: `X-Twilio-Signature: <base64>` HMAC-SHA1 with the Auth Token over the full public URL
 * followed by every form parameter as name+value, sorted by name (repeated names: each distinct
 * value, sorted). When `X-Twilio-Webhooks-Signature-Settings` names `algorithm=HMAC_SHA256`
 * (SharedKey signing), HMAC-SHA256 is used instead. Delivery id `I-Twilio-Idempotency-Token`.
 *
 * The form body is decoded to build the signed string, because that is what Twilio signs; nothing
 * interprets the parameters before the signature holds.
 */
import { hmacVerifier } from './hmac-verifier';
import { fromBase64, utf8 } from './hmac';
import { importKeys } from './keyring';
import { header, missingCredential } from './outcomes';
import type { ActiveSecret, InboundRequest, Verifier } from './types';

const decoder = new TextDecoder();

/** The string Twilio signs: URL, then each sorted parameter name followed by its value(s). */
export function twilioSignedString(url: string, body: Uint8Array): string {
  const values = new Map<string, Set<string>>();
  for (const [name, value] of new URLSearchParams(decoder.decode(body))) {
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
  // Both key sets are imported up front: the settings header picks one per request.
  const sha1Keys = await importKeys(secrets, 'SHA-1', utf8);
  const sha256Keys = await importKeys(secrets, 'SHA-256', utf8);
  const badSignatureDetail =
    'X-Twilio-Signature does not match: configure the primary Auth Token, and point Twilio at exactly this URL (scheme, host, path and query are signed).';

  function extract(request: InboundRequest) {
    const value = header(request.headers, 'X-Twilio-Signature');
    if (value === null) return missingCredential('No X-Twilio-Signature header: is this request from Twilio?');
    const signature = fromBase64(value);
    if (signature === null) return missingCredential('X-Twilio-Signature must be base64.');
    return {
      signatures: [signature],
      content: utf8(twilioSignedString(request.url.href, request.body)),
      timestampMs: null,
      deliveryId: header(request.headers, 'I-Twilio-Idempotency-Token'),
    };
  }

  const sha1 = hmacVerifier({ keys: sha1Keys, toleranceSeconds: null, extract, badSignatureDetail, bodyFormat: 'form' });
  const sha256 = hmacVerifier({ keys: sha256Keys, toleranceSeconds: null, extract, badSignatureDetail, bodyFormat: 'form' });
  return {
    ...sha1,
    verify: (request, now) => (wantsSha256(request.headers) ? sha256 : sha1).verify(request, now),
  };
}
