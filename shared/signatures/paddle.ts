/**
 * Paddle Billing: `Paddle-Signature: ts=<seconds>;h1=<hex>` (several h1 while a secret rotates)
 * HMAC-SHA256 with the destination's secret key over `{ts}:{body}`. Paddle's SDK allows 5 s; we
 * match it on both sides. Delivery id is the payload's `notification_id` (else `event_id`).
 */
import { hmacVerifier, payloadString } from './hmac-verifier';
import { concatBytes, fromHex, utf8 } from './hmac';
import { importKeys } from './keyring';
import { header, missingCredential, parseEpoch } from './outcomes';
import { PRESETS } from './presets';
import type { ActiveSecret, Verifier } from './types';

const PRESET = PRESETS.paddle;

export async function createPaddleVerifier(secrets: readonly ActiveSecret[]): Promise<Verifier> {
  return hmacVerifier({
    keys: await importKeys(secrets, 'SHA-256', utf8),
    toleranceSeconds: PRESET.toleranceSeconds,
    badSignatureDetail:
      "Paddle-Signature does not match: configure the notification destination's secret key (pdl_ntfset_…), and sign the raw body.",
    extract(request) {
      const value = header(request.headers, 'Paddle-Signature');
      if (value === null) return missingCredential('No Paddle-Signature header: is this request from Paddle?');
      let timestamp: string | null = null;
      const signatures: Uint8Array[] = [];
      for (const part of value.split(';')) {
        const eq = part.indexOf('=');
        if (eq === -1) continue;
        const key = part.slice(0, eq).trim();
        const val = part.slice(eq + 1).trim();
        if (key === 'ts') timestamp = val;
        if (key === 'h1') {
          const decoded = fromHex(val);
          if (decoded !== null) signatures.push(decoded);
        }
      }
      const timestampMs = timestamp === null ? null : parseEpoch(timestamp, 'seconds');
      if (timestamp === null || timestampMs === null || signatures.length === 0) {
        return missingCredential('Paddle-Signature must carry ts=<seconds> and at least one h1=<hex signature>.');
      }
      return {
        signatures,
        content: concatBytes(utf8(`${timestamp}:`), request.body),
        timestampMs,
        deliveryId: null,
      };
    },
    deliveryIdFromPayload: (payload) => payloadString(payload, 'notification_id') ?? payloadString(payload, 'event_id'),
  });
}
