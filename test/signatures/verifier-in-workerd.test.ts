// Runs inside workerd: proves the default scheme and a URL-bound scheme (Square) verify with
// workerd's Web Crypto. Signatures are made here with plain Web Crypto, as a sender would.
import { describe, expect, it } from 'vitest';
import { createVerifier } from '../../shared/signatures';
import type { InboundRequest } from '../../shared/signatures/types';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const BODY = JSON.stringify({ patient_id: 'p1', event: 'chart_updated', updated_fields: ['allergies'] });
const URL_STRING = 'https://acme.usehasp.run/webhooks/ehr-chart-updated';

function base64(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)));
}

async function hmacBase64(key: Uint8Array, data: string): Promise<string> {
  const cryptoKey = await crypto.subtle.importKey('raw', new Uint8Array(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return base64(await crypto.subtle.sign('HMAC', cryptoKey, new TextEncoder().encode(data)));
}

function request(headers: Record<string, string>, body = BODY): InboundRequest {
  return { method: 'POST', url: new URL(URL_STRING), headers: new Headers(headers), body: new TextEncoder().encode(body) };
}

describe('Verifiers in workerd', () => {
  it('verifies the default Standard Webhooks scheme with a whsec_ secret', async () => {
    const keyBytes = crypto.getRandomValues(new Uint8Array(32));
    const secret = `whsec_${btoa(String.fromCharCode(...keyBytes))}`;
    const timestamp = String(NOW / 1000);
    const signature = await hmacBase64(keyBytes, `msg_1.${timestamp}.${BODY}`);
    const verifier = await createVerifier({ method: 'hmac' }, [{ value: secret, expiresAt: null }]);
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
    expect(await verifier.verify(request(headers), NOW)).toEqual({ ok: true, deliveryId: 'msg_1' });
    expect(await verifier.verify(request(headers, `${BODY} `), NOW)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(await verifier.verify(request(headers), NOW + 301_000)).toMatchObject({ ok: false, reason: 'timestamp-out-of-tolerance' });
  });

  it('verifies Square, which signs the public URL followed by the body', async () => {
    const key = 'square-signature-key';
    const signature = await hmacBase64(new TextEncoder().encode(key), URL_STRING + BODY);
    const verifier = await createVerifier({ method: 'hmac', preset: 'square' }, [{ value: key, expiresAt: null }]);
    expect((await verifier.verify(request({ 'x-square-hmacsha256-signature': signature }), NOW)).ok).toBe(true);
    expect(await verifier.verify(request({}), NOW)).toMatchObject({ ok: false, reason: 'missing-credential' });
  });
});
