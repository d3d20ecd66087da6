// No Meta SDK verifier is installed: signatures are built as Meta documents them
// (X-Hub-Signature-256: sha256=hex HMAC-SHA256 of the raw body with the App Secret) with
// node:crypto; the GET subscribe handshake follows Meta's "Verification Requests" documentation.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createVerifier } from '../../../shared/signatures';
import { NOW, PUBLIC_URL, inbound, itBehavesAsAnHmacScheme, type RequestParts } from './helpers';

const AUTH = { method: 'hmac', preset: 'meta', verify_token: 'meatyhamhock-123' } as const;
const BODY = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '0', changes: [] }] });

function signMeta(secret: string): RequestParts {
  return { headers: { 'X-Hub-Signature-256': `sha256=${createHmac('sha256', secret).update(BODY).digest('hex')}` }, body: BODY };
}

function subscribe(query: string): RequestParts {
  return { method: 'GET', url: `${PUBLIC_URL}?${query}`, headers: {}, body: '' };
}

describe('Meta preset (WhatsApp, Instagram, Messenger)', () => {
  itBehavesAsAnHmacScheme({
    auth: AUTH,
    secret: 'meta-app-secret-one',
    otherSecret: 'meta-app-secret-two',
    sign: signMeta,
    credentialHeader: 'X-Hub-Signature-256',
  });

  it('asks the ingress to allow GET for the subscribe handshake', async () => {
    const verifier = await createVerifier(AUTH, [{ value: 'meta-app-secret-one', expiresAt: null }]);
    expect(verifier.extraMethods).toEqual(['GET']);
  });

  it('accepts the GET subscribe check with the configured verify token and echoes the challenge', async () => {
    const verifier = await createVerifier(AUTH, [{ value: 'meta-app-secret-one', expiresAt: null }]);
    const request = inbound(subscribe('hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock-123'));
    expect(await verifier.verify(request, NOW)).toEqual({ ok: true, deliveryId: null });
    expect(await verifier.handshake(request, null)).toEqual({
      status: 200,
      contentType: 'text/plain; charset=utf-8',
      body: '1158201444',
    });
  });

  it('refuses the GET subscribe check with a wrong verify token', async () => {
    const verifier = await createVerifier(AUTH, [{ value: 'meta-app-secret-one', expiresAt: null }]);
    const outcome = await verifier.verify(inbound(subscribe('hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=wrong-token')), NOW);
    expect(outcome).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('refuses every GET subscribe check when no verify token is configured', async () => {
    const verifier = await createVerifier({ method: 'hmac', preset: 'meta' }, [{ value: 'meta-app-secret-one', expiresAt: null }]);
    const outcome = await verifier.verify(inbound(subscribe('hub.mode=subscribe&hub.challenge=1&hub.verify_token=meta-app-secret-one')), NOW);
    expect(outcome).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('answers missing-credential for a GET that is not a subscribe check', async () => {
    const verifier = await createVerifier(AUTH, [{ value: 'meta-app-secret-one', expiresAt: null }]);
    expect(await verifier.verify(inbound(subscribe('hello=1')), NOW)).toMatchObject({ ok: false, reason: 'missing-credential' });
    const script = await verifier.verify(inbound(subscribe('hub.mode=subscribe&hub.verify_token=meatyhamhock-123&hub.challenge=%3Cscript%3E')), NOW);
    expect(script).toMatchObject({ ok: false, reason: 'missing-credential' });
  });

  it('answers no handshake for a POST event', async () => {
    const verifier = await createVerifier(AUTH, [{ value: 'meta-app-secret-one', expiresAt: null }]);
    expect(await verifier.handshake(inbound(signMeta('meta-app-secret-one')), JSON.parse(BODY))).toBeNull();
  });
});
