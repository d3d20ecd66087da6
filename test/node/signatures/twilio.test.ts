// Proven against the twilio SDK: `getExpectedTwilioSignature` signs over our public URL and the
// form parameters, `validateRequest` agrees with our verdicts.
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { createVerifier } from '../../../shared/signatures';
import { NOW, PUBLIC_URL, flipChar, inbound, itBehavesAsAnHmacScheme, secrets, verifyWith, type RequestParts } from './helpers';

const AUTH = { method: 'hmac', preset: 'twilio' } as const;
const URL_WITH_QUERY = `${PUBLIC_URL}?source=sms`;
const BODY = 'ToCountry=US&Body=Hello+%26+bye&To=%2B15005550006&From=%2B14158675310&MessageSid=SM1234567890abcdef&NumMedia=0';

function params(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}

function signTwilio(authToken: string, body = BODY, algorithm?: string): RequestParts {
  const signature = twilio.getExpectedTwilioSignature(authToken, URL_WITH_QUERY, params(body), algorithm);
  return {
    url: URL_WITH_QUERY,
    headers: {
      'X-Twilio-Signature': signature,
      'I-Twilio-Idempotency-Token': 'a7f1d5a4-5b55-4b1d-8f1d-1e1f3d1c2b3a',
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body,
  };
}

describe('Twilio preset', () => {
  itBehavesAsAnHmacScheme({
    auth: AUTH,
    secret: '12345678901234567890123456789012',
    otherSecret: 'abcdefabcdefabcdefabcdefabcdefab',
    sign: (secret) => signTwilio(secret),
    credentialHeader: 'X-Twilio-Signature',
    bodyCharIndex: 12,
  });

  it('expects form-encoded bodies', async () => {
    expect((await createVerifier(AUTH, secrets('12345678901234567890123456789012'))).bodyFormat).toBe('form');
  });

  it('gives I-Twilio-Idempotency-Token as the delivery id', async () => {
    expect(await verifyWith(AUTH, secrets('12345678901234567890123456789012'), signTwilio('12345678901234567890123456789012'))).toEqual({
      ok: true,
      deliveryId: 'a7f1d5a4-5b55-4b1d-8f1d-1e1f3d1c2b3a',
    });
  });

  it('refuses a signature made for another URL (the URL is signed)', async () => {
    const parts = { ...signTwilio('12345678901234567890123456789012'), url: `${PUBLIC_URL}?source=voice` };
    expect(await verifyWith(AUTH, secrets('12345678901234567890123456789012'), parts)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('signs repeated parameters as Twilio does (each distinct value, sorted)', async () => {
    const body = 'MediaUrl=https%3A%2F%2Fb.example&MediaUrl=https%3A%2F%2Fa.example&Body=hi';
    const multi: Record<string, string[] | string> = { MediaUrl: ['https://b.example', 'https://a.example'], Body: 'hi' };
    const signature = twilio.getExpectedTwilioSignature('12345678901234567890123456789012', URL_WITH_QUERY, multi);
    const parts: RequestParts = { url: URL_WITH_QUERY, headers: { 'X-Twilio-Signature': signature }, body };
    expect((await verifyWith(AUTH, secrets('12345678901234567890123456789012'), parts)).ok).toBe(true);
  });

  it('uses HMAC-SHA256 when the signature settings header asks for it', async () => {
    const parts = signTwilio('12345678901234567890123456789012', BODY, 'HMAC_SHA256');
    const withSettings = { ...parts, headers: { ...parts.headers, 'X-Twilio-Webhooks-Signature-Settings': 'key=webhooks_sharedkey_1,algorithm=HMAC_SHA256' } };
    expect((await verifyWith(AUTH, secrets('12345678901234567890123456789012'), withSettings)).ok).toBe(true);
    expect((await verifyWith(AUTH, secrets('12345678901234567890123456789012'), parts)).ok).toBe(false);
  });

  it('agrees with twilio.validateRequest on a valid and a tampered request', async () => {
    const token = '12345678901234567890123456789012';
    const parts = signTwilio(token);
    const signature = parts.headers['X-Twilio-Signature'] ?? '';
    const tampered = flipChar(BODY, 12);
    expect(twilio.validateRequest(token, signature, URL_WITH_QUERY, params(BODY))).toBe(true);
    expect(twilio.validateRequest(token, signature, URL_WITH_QUERY, params(tampered))).toBe(false);
    const verifier = await createVerifier(AUTH, secrets(token));
    expect((await verifier.verify(inbound(parts), NOW)).ok).toBe(true);
    expect((await verifier.verify(inbound({ ...parts, body: tampered }), NOW)).ok).toBe(false);
  });
});
