// No Slack SDK verifier is installed: Slack's documented worked example
// (docs.slack.dev/authentication/verifying-requests-from-slack) is checked verbatim, and other
// signatures are built as documented (v0=hex HMAC-SHA256 of "v0:{ts}:{body}") with node:crypto.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createVerifier } from '../../../shared/signatures';
import { NOW, flipChar, inbound, itBehavesAsAnHmacScheme, secrets, verifyWith, withHeader, type RequestParts } from './helpers';

const AUTH = { method: 'hmac', preset: 'slack' } as const;
const BODY = JSON.stringify({ type: 'event_callback', event_id: 'Ev08MFMKH6', event: { type: 'app_mention' } });

function signSlack(secret: string, at: number, body = BODY): RequestParts {
  const signature = createHmac('sha256', secret).update(`v0:${at}:${body}`).digest('hex');
  return { headers: { 'X-Slack-Signature': `v0=${signature}`, 'X-Slack-Request-Timestamp': String(at) }, body };
}

const DOC_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const DOC_BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';

describe('Slack preset', () => {
  itBehavesAsAnHmacScheme({
    auth: AUTH,
    secret: 'slack-signing-secret-one',
    otherSecret: 'slack-signing-secret-two',
    sign: (secret, at) => signSlack(secret, at),
    credentialHeader: 'X-Slack-Signature',
    timestamp: {
      toleranceSeconds: 300,
      tamper: (parts) =>
        withHeader(parts, 'X-Slack-Request-Timestamp', flipChar(parts.headers['X-Slack-Request-Timestamp'] ?? '', -1)),
    },
  });

  it("verifies Slack's documented example at its own time", async () => {
    const outcome = await verifyWith(
      AUTH,
      secrets(DOC_SECRET),
      {
        headers: {
          'X-Slack-Signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
          'X-Slack-Request-Timestamp': '1531420618',
        },
        body: DOC_BODY,
      },
      1531420618_000 + 60_000,
    );
    expect(outcome.ok).toBe(true);
  });

  it('takes the delivery id from event_id in the payload', async () => {
    const verifier = await createVerifier(AUTH, secrets('slack-signing-secret-one'));
    expect(verifier.deliveryIdFromPayload(JSON.parse(BODY))).toBe('Ev08MFMKH6');
  });

  it('answers the url_verification handshake with its challenge', async () => {
    const body = JSON.stringify({ token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' });
    const verifier = await createVerifier(AUTH, secrets('slack-signing-secret-one'));
    const request = inbound(signSlack('slack-signing-secret-one', NOW / 1000, body));
    expect((await verifier.verify(request, NOW)).ok).toBe(true);
    const reply = await verifier.handshake(request, JSON.parse(body));
    expect(reply).toEqual({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' }),
    });
  });

  it('answers no handshake for an ordinary event', async () => {
    const verifier = await createVerifier(AUTH, secrets('slack-signing-secret-one'));
    expect(await verifier.handshake(inbound(signSlack('slack-signing-secret-one', NOW / 1000)), JSON.parse(BODY))).toBeNull();
  });
});
