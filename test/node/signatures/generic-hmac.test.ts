// Generic HMAC has no sender SDK: signatures are built with node:crypto from the configured shape.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { AuthConfigSchema, type AuthConfig } from '../../../shared/signatures';
import { NOW, NOW_SECONDS, flipChar, itBehavesAsAnHmacScheme, secrets, verifyWith, withHeader, type RequestParts } from './helpers';

const BODY = JSON.stringify({ patient_id: 'p1', event: 'chart_updated' });

const BODY_AUTH: AuthConfig = v.parse(AuthConfigSchema, {
  method: 'hmac', header: 'X-Signature', prefix: 'sha256=', algorithm: 'sha256', encoding: 'hex', signed_content: 'body', delivery_id_header: 'X-Delivery',
});
const TIMESTAMP_AUTH: AuthConfig = v.parse(AuthConfigSchema, {
  method: 'hmac', header: 'X-Signature', algorithm: 'sha512', encoding: 'base64', signed_content: 'timestamp.body', timestamp_header: 'X-Timestamp', tolerance_seconds: 120,
});

function signBody(secret: string): RequestParts {
  return { headers: { 'X-Signature': `sha256=${createHmac('sha256', secret).update(BODY).digest('hex')}`, 'X-Delivery': 'd-1' }, body: BODY };
}

function signTimestamped(secret: string, timestamp: string): RequestParts {
  return {
    headers: { 'X-Signature': createHmac('sha512', secret).update(`${timestamp}.${BODY}`).digest('base64'), 'X-Timestamp': timestamp },
    body: BODY,
  };
}

describe('Generic HMAC over the body', () => {
  itBehavesAsAnHmacScheme({
    auth: BODY_AUTH,
    secret: 'generic-secret-one',
    otherSecret: 'generic-secret-two',
    sign: signBody,
    credentialHeader: 'X-Signature',
  });

  it('takes the delivery id from the configured header', async () => {
    expect(await verifyWith(BODY_AUTH, secrets('generic-secret-one'), signBody('generic-secret-one'))).toEqual({ ok: true, deliveryId: 'd-1' });
  });

  it('answers missing-credential when the prefix is absent', async () => {
    const parts = signBody('generic-secret-one');
    const bare = withHeader(parts, 'X-Signature', (parts.headers['X-Signature'] ?? '').replace('sha256=', ''));
    expect(await verifyWith(BODY_AUTH, secrets('generic-secret-one'), bare)).toMatchObject({ ok: false, reason: 'missing-credential' });
  });

  it('supports SHA-1 with base64', async () => {
    const auth = v.parse(AuthConfigSchema, { method: 'hmac', header: 'X-Sig', algorithm: 'sha1', encoding: 'base64', signed_content: 'body' });
    const parts: RequestParts = { headers: { 'X-Sig': createHmac('sha1', 'generic-secret-one').update(BODY).digest('base64') }, body: BODY };
    expect((await verifyWith(auth, secrets('generic-secret-one'), parts)).ok).toBe(true);
  });
});

describe('Generic HMAC over {timestamp}.{body}', () => {
  itBehavesAsAnHmacScheme({
    auth: TIMESTAMP_AUTH,
    secret: 'generic-secret-one',
    otherSecret: 'generic-secret-two',
    sign: (secret, at) => signTimestamped(secret, String(at)),
    credentialHeader: 'X-Signature',
    timestamp: {
      toleranceSeconds: 120,
      tamper: (parts) => withHeader(parts, 'X-Timestamp', flipChar(parts.headers['X-Timestamp'] ?? '', -1)),
    },
  });

  it('accepts a timestamp in milliseconds', async () => {
    expect((await verifyWith(TIMESTAMP_AUTH, secrets('generic-secret-one'), signTimestamped('generic-secret-one', String(NOW)))).ok).toBe(true);
  });

  it('refuses a stale timestamp in milliseconds', async () => {
    const stale = signTimestamped('generic-secret-one', String(NOW - 121_000));
    expect(await verifyWith(TIMESTAMP_AUTH, secrets('generic-secret-one'), stale)).toMatchObject({ ok: false, reason: 'timestamp-out-of-tolerance' });
  });

  it('answers missing-credential when the timestamp header is absent', async () => {
    const parts = signTimestamped('generic-secret-one', String(NOW_SECONDS));
    const outcome = await verifyWith(TIMESTAMP_AUTH, secrets('generic-secret-one'), { ...parts, headers: { 'X-Signature': parts.headers['X-Signature'] ?? '' } });
    expect(outcome).toMatchObject({ ok: false, reason: 'missing-credential' });
  });
});
