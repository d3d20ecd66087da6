// No Zoom SDK verifier is installed: signatures and the url_validation reply are built as Zoom
// documents them (v0=hex HMAC-SHA256 of "v0:{ts}:{body}"; encryptedToken = hex HMAC-SHA256 of
// plainToken) with node:crypto, independent of our Web Crypto code.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createVerifier } from '../../../shared/signatures';
import type { ActiveSecret } from '../../../shared/signatures/types';
import { NOW, NOW_SECONDS, flipChar, inbound, itBehavesAsAnHmacScheme, withHeader, type RequestParts } from './helpers';

const AUTH = { method: 'hmac', preset: 'zoom' } as const;
const BODY = JSON.stringify({ event: 'meeting.started', payload: { account_id: 'AAAAAA', object: { id: '1234567890' } }, event_ts: 1635885799302 });

function signZoom(secret: string, at: number, body = BODY): RequestParts {
  const signature = createHmac('sha256', secret).update(`v0:${at}:${body}`).digest('hex');
  return { headers: { 'x-zm-signature': `v0=${signature}`, 'x-zm-request-timestamp': String(at) }, body };
}

describe('Zoom preset', () => {
  itBehavesAsAnHmacScheme({
    auth: AUTH,
    secret: 'zoom-secret-token-one',
    otherSecret: 'zoom-secret-token-two',
    sign: (secret, at) => signZoom(secret, at),
    credentialHeader: 'x-zm-signature',
    timestamp: {
      toleranceSeconds: 300,
      tamper: (parts) => withHeader(parts, 'x-zm-request-timestamp', flipChar(parts.headers['x-zm-request-timestamp'] ?? '', -1)),
    },
  });

  it('answers endpoint.url_validation with plainToken and its HMAC under the signing secret', async () => {
    const body = JSON.stringify({ payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' }, event_ts: 1654503849680, event: 'endpoint.url_validation' });
    // During a rotation overlap the reply must use the secret Zoom signed with: the second one here.
    const active: ActiveSecret[] = [
      { value: 'zoom-secret-token-one', expiresAt: NOW + 60_000 },
      { value: 'zoom-secret-token-two', expiresAt: null },
    ];
    const verifier = await createVerifier(AUTH, active);
    const request = inbound(signZoom('zoom-secret-token-two', NOW_SECONDS, body));
    expect((await verifier.verify(request, NOW)).ok).toBe(true);
    const reply = await verifier.handshake(request, JSON.parse(body));
    expect(reply).toEqual({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
        encryptedToken: createHmac('sha256', 'zoom-secret-token-two').update('qgg8vlvZRS6UYooatFL8Aw').digest('hex'),
      }),
    });
  });

  it('answers no handshake for an ordinary event and has no delivery id', async () => {
    const verifier = await createVerifier(AUTH, [{ value: 'zoom-secret-token-one', expiresAt: null }]);
    const request = inbound(signZoom('zoom-secret-token-one', NOW_SECONDS));
    expect(await verifier.verify(request, NOW)).toEqual({ ok: true, deliveryId: null });
    expect(await verifier.handshake(request, JSON.parse(BODY))).toBeNull();
  });
});
