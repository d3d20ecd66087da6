// Proven against @hubspot/api-client: `Signature.getSignature('POST', 'v3', …)` signs over our
// public URL, and `Signature.isValid` agrees with our verdicts.
import { Signature } from '@hubspot/api-client';
import { describe, expect, it } from 'vitest';
import { createVerifier } from '../../../shared/signatures';
import { PUBLIC_URL, flipChar, inbound, itBehavesAsAnHmacScheme, withHeader, type RequestParts } from './helpers';

const AUTH = { method: 'hmac', preset: 'hubspot' } as const;
const BODY = JSON.stringify([{ eventId: 1, subscriptionId: 25, portalId: 33, occurredAt: 1564113600000, subscriptionType: 'contact.creation', objectId: 123 }]);

function signHubspot(clientSecret: string, at: number, body = BODY): RequestParts {
  const timestamp = at * 1000;
  const signature = Signature.getSignature('POST', 'v3', { clientSecret, requestBody: body, url: PUBLIC_URL, timestamp, signature: '' });
  return { headers: { 'X-HubSpot-Signature-v3': signature, 'X-HubSpot-Request-Timestamp': String(timestamp) }, body };
}

describe('HubSpot preset (signature v3)', () => {
  itBehavesAsAnHmacScheme({
    auth: AUTH,
    secret: 'hubspot-client-secret-one',
    otherSecret: 'hubspot-client-secret-two',
    sign: (secret, at) => signHubspot(secret, at),
    credentialHeader: 'X-HubSpot-Signature-v3',
    timestamp: {
      toleranceSeconds: 300,
      tamper: (parts) => withHeader(parts, 'X-HubSpot-Request-Timestamp', flipChar(parts.headers['X-HubSpot-Request-Timestamp'] ?? '', -1)),
    },
  });

  it("agrees with HubSpot's Signature.isValid on a valid and a tampered request", async () => {
    const clientSecret = 'hubspot-client-secret-one';
    const now = Date.now();
    const parts = signHubspot(clientSecret, Math.floor(now / 1000));
    const timestamp = Number(parts.headers['X-HubSpot-Request-Timestamp']);
    const signature = parts.headers['X-HubSpot-Signature-v3'] ?? '';
    const verifier = await createVerifier(AUTH, [{ value: clientSecret, expiresAt: null }]);
    for (const [body, valid] of [[BODY, true], [flipChar(BODY, 5), false]] as const) {
      expect(Signature.isValid({ signatureVersion: 'v3', method: 'POST', clientSecret, requestBody: body, url: PUBLIC_URL, timestamp, signature })).toBe(valid);
      expect((await verifier.verify(inbound({ ...parts, body }), now)).ok).toBe(valid);
    }
  });

  it('has no delivery id (HubSpot sends batches without one)', async () => {
    const verifier = await createVerifier(AUTH, [{ value: 'hubspot-client-secret-one', expiresAt: null }]);
    expect(verifier.deliveryIdFromPayload(JSON.parse(BODY))).toBeNull();
  });
});
