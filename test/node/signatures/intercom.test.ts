// No Intercom SDK verifier is installed: signatures are built as Intercom documents them
// (X-Hub-Signature: sha1=hex HMAC-SHA1 of the raw body with the client secret) with node:crypto.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createVerifier } from '../../../shared/signatures';
import { itBehavesAsAnHmacScheme, type RequestParts } from './helpers';

const AUTH = { method: 'hmac', preset: 'intercom' } as const;
const BODY = JSON.stringify({ type: 'notification_event', id: 'notif_ccd8a4d0-f965-11e3-a367-c779cae3e1b3', topic: 'conversation.user.created' });

function signIntercom(secret: string): RequestParts {
  return { headers: { 'X-Hub-Signature': `sha1=${createHmac('sha1', secret).update(BODY).digest('hex')}` }, body: BODY };
}

describe('Intercom preset', () => {
  itBehavesAsAnHmacScheme({
    auth: AUTH,
    secret: 'intercom-client-secret-one',
    otherSecret: 'intercom-client-secret-two',
    sign: signIntercom,
    credentialHeader: 'X-Hub-Signature',
  });

  it('takes the delivery id from the notification id in the payload', async () => {
    const verifier = await createVerifier(AUTH, [{ value: 'intercom-client-secret-one', expiresAt: null }]);
    expect(verifier.deliveryIdFromPayload(JSON.parse(BODY))).toBe('notif_ccd8a4d0-f965-11e3-a367-c779cae3e1b3');
  });
});
