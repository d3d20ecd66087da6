// No Twitch SDK verifier is installed: signatures are built as Twitch documents them
// (sha256=hex HMAC-SHA256 of message id + timestamp + raw body) with node:crypto.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createVerifier } from '../../../shared/signatures';
import { NOW, NOW_SECONDS, inbound, itBehavesAsAnHmacScheme, secrets, verifyWith, withHeader, type RequestParts } from './helpers';

const AUTH = { method: 'hmac', preset: 'twitch' } as const;
const BODY = JSON.stringify({ subscription: { id: 'f1c2a387-161a-49f9-a165-0f21d7a4e1c4', type: 'channel.follow' }, event: { user_id: '1234' } });
const MESSAGE_ID = 'e76c6bd4-55c9-4987-8304-da1588d8988b';

/** Twitch's timestamps are RFC 3339 with nanoseconds. */
function rfc3339(at: number): string {
  return new Date(at * 1000).toISOString().replace('Z', '').concat('123456Z');
}

function signTwitch(secret: string, at: number, body = BODY, type = 'notification'): RequestParts {
  const timestamp = rfc3339(at);
  const signature = createHmac('sha256', secret).update(MESSAGE_ID + timestamp + body).digest('hex');
  return {
    headers: {
      'Twitch-Eventsub-Message-Id': MESSAGE_ID,
      'Twitch-Eventsub-Message-Timestamp': timestamp,
      'Twitch-Eventsub-Message-Signature': `sha256=${signature}`,
      'Twitch-Eventsub-Message-Type': type,
    },
    body,
  };
}

describe('Twitch EventSub preset', () => {
  itBehavesAsAnHmacScheme({
    auth: AUTH,
    secret: 'twitch-subscription-secret-1',
    otherSecret: 'twitch-subscription-secret-2',
    sign: (secret, at) => signTwitch(secret, at),
    credentialHeader: 'Twitch-Eventsub-Message-Signature',
    timestamp: {
      toleranceSeconds: 600,
      // Change one nanosecond digit: still within tolerance, so only the signature can catch it.
      tamper: (parts) =>
        withHeader(parts, 'Twitch-Eventsub-Message-Timestamp', (parts.headers['Twitch-Eventsub-Message-Timestamp'] ?? '').replace('123456Z', '123457Z')),
    },
  });

  it('gives the message id as the delivery id', async () => {
    expect(await verifyWith(AUTH, secrets('twitch-subscription-secret-1'), signTwitch('twitch-subscription-secret-1', NOW_SECONDS))).toEqual({
      ok: true,
      deliveryId: MESSAGE_ID,
    });
  });

  it('answers webhook_callback_verification with the challenge as text/plain', async () => {
    const body = JSON.stringify({ challenge: 'pogchamp-kappa-360noscope-vohiyo', subscription: { id: 'f1c2a387' } });
    const verifier = await createVerifier(AUTH, secrets('twitch-subscription-secret-1'));
    const request = inbound(signTwitch('twitch-subscription-secret-1', NOW_SECONDS, body, 'webhook_callback_verification'));
    expect((await verifier.verify(request, NOW)).ok).toBe(true);
    expect(await verifier.handshake(request, JSON.parse(body))).toEqual({
      status: 200,
      contentType: 'text/plain; charset=utf-8',
      body: 'pogchamp-kappa-360noscope-vohiyo',
    });
  });

  it('answers no handshake for a notification', async () => {
    const verifier = await createVerifier(AUTH, secrets('twitch-subscription-secret-1'));
    expect(await verifier.handshake(inbound(signTwitch('twitch-subscription-secret-1', NOW_SECONDS)), JSON.parse(BODY))).toBeNull();
  });
});
