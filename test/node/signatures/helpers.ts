/**
 * Shared fixtures for the scheme tests: requests, one-character tampering, and the battery every
 * HMAC scheme must pass (valid, tampered body/signature/timestamp, stale and future timestamps,
 * wrong secret, rotation, missing header).
 */
import { expect, it } from 'vitest';
import { createVerifier, type AuthConfig } from '../../../shared/signatures';
import type { ActiveSecret, AuthOutcome, InboundRequest } from '../../../shared/signatures/types';

/** The clock of every test: real time (some sender SDKs read Date.now), whole seconds. */
export const NOW = Math.floor(Date.now() / 1000) * 1000;
export const NOW_SECONDS = NOW / 1000;

export const PUBLIC_URL = 'https://acme.usehasp.run/webhooks/ehr-chart-updated';

export interface RequestParts {
  method?: string;
  url?: string;
  headers: Record<string, string>;
  body: string;
}

export function inbound(parts: RequestParts): InboundRequest {
  return {
    method: parts.method ?? 'POST',
    url: new URL(parts.url ?? PUBLIC_URL),
    headers: new Headers(parts.headers),
    body: new TextEncoder().encode(parts.body),
  };
}

export function secrets(...values: string[]): ActiveSecret[] {
  return values.map((value) => ({ value, expiresAt: null }));
}

const HEX = '0123456789abcdef';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Another character of the same alphabet, so the tampered value still decodes. */
function otherChar(c: string): string {
  for (const alphabet of ['0123456789', HEX, HEX.toUpperCase(), BASE64]) {
    const index = alphabet.indexOf(c);
    if (index !== -1) return alphabet[(index + 1) % alphabet.length] ?? c;
  }
  return c === 'x' ? 'y' : 'x';
}

/** The string with the character at `index` (negative: from the end) changed. */
export function flipChar(text: string, index: number): string {
  const at = index < 0 ? text.length + index : index;
  return text.slice(0, at) + otherChar(text.charAt(at)) + text.slice(at + 1);
}

export function withHeader(parts: RequestParts, name: string, value: string): RequestParts {
  return { ...parts, headers: { ...parts.headers, [name]: value } };
}

export function withoutHeader(parts: RequestParts, name: string): RequestParts {
  const headers = Object.fromEntries(
    Object.entries(parts.headers).filter(([key]) => key.toLowerCase() !== name.toLowerCase()),
  );
  return { ...parts, headers };
}

export async function verifyWith(
  auth: AuthConfig,
  active: readonly ActiveSecret[],
  parts: RequestParts,
  now = NOW,
): Promise<AuthOutcome> {
  const verifier = await createVerifier(auth, active);
  return verifier.verify(inbound(parts), now);
}

export interface SchemeFixture {
  auth: AuthConfig;
  /** Two valid secrets in the sender's form. */
  secret: string;
  otherSecret: string;
  /** A request as the sender would send it, signed with `secret` at `timestampSeconds`. */
  sign(secret: string, timestampSeconds: number): Promise<RequestParts> | RequestParts;
  /** The header whose removal leaves no credential. */
  credentialHeader: string;
  /** Index (from the end when negative) of a signature character in `credentialHeader`. */
  signatureCharIndex?: number;
  /** For schemes with a signed timestamp: its tolerance and how to tamper with it. */
  timestamp?: {
    toleranceSeconds: number;
    tamper(parts: RequestParts): RequestParts;
  };
  /** Index of a body character that is safe to change. */
  bodyCharIndex?: number;
}

/** The behaviours every HMAC scheme shares, as one test per behaviour. */
export function itBehavesAsAnHmacScheme(fixture: SchemeFixture): void {
  const sign = async (secret: string, at = NOW_SECONDS) => fixture.sign(secret, at);

  it('accepts a request signed with the active secret', async () => {
    const outcome = await verifyWith(fixture.auth, secrets(fixture.secret), await sign(fixture.secret));
    expect(outcome.ok).toBe(true);
  });

  it('refuses a request whose body changed by one byte', async () => {
    const parts = await sign(fixture.secret);
    const tampered = { ...parts, body: flipChar(parts.body, fixture.bodyCharIndex ?? 3) };
    const outcome = await verifyWith(fixture.auth, secrets(fixture.secret), tampered);
    expect(outcome).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a request whose signature changed by one character', async () => {
    const parts = await sign(fixture.secret);
    const value = parts.headers[fixture.credentialHeader] ?? '';
    const tampered = withHeader(parts, fixture.credentialHeader, flipChar(value, fixture.signatureCharIndex ?? -5));
    const outcome = await verifyWith(fixture.auth, secrets(fixture.secret), tampered);
    expect(outcome).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  const timestamp = fixture.timestamp;
  if (timestamp) {
    it('refuses a request whose timestamp changed', async () => {
      const outcome = await verifyWith(fixture.auth, secrets(fixture.secret), timestamp.tamper(await sign(fixture.secret)));
      expect(outcome.ok).toBe(false);
    });

    it('refuses a stale timestamp as out of tolerance', async () => {
      const parts = await sign(fixture.secret, NOW_SECONDS - timestamp.toleranceSeconds - 5);
      const outcome = await verifyWith(fixture.auth, secrets(fixture.secret), parts);
      expect(outcome).toMatchObject({ ok: false, reason: 'timestamp-out-of-tolerance' });
    });

    it('refuses a timestamp too far in the future as out of tolerance', async () => {
      const parts = await sign(fixture.secret, NOW_SECONDS + timestamp.toleranceSeconds + 5);
      const outcome = await verifyWith(fixture.auth, secrets(fixture.secret), parts);
      expect(outcome).toMatchObject({ ok: false, reason: 'timestamp-out-of-tolerance' });
    });

    it('accepts a timestamp a little off in either direction', async () => {
      const skew = Math.min(3, timestamp.toleranceSeconds - 1);
      for (const at of [NOW_SECONDS - skew, NOW_SECONDS + skew]) {
        const outcome = await verifyWith(fixture.auth, secrets(fixture.secret), await sign(fixture.secret, at));
        expect(outcome.ok).toBe(true);
      }
    });
  }

  it('refuses a request signed with another secret', async () => {
    const outcome = await verifyWith(fixture.auth, secrets(fixture.secret), await sign(fixture.otherSecret));
    expect(outcome).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a rotated-out secret and accepts the new one', async () => {
    const rotated: ActiveSecret[] = [
      { value: fixture.secret, expiresAt: NOW },
      { value: fixture.otherSecret, expiresAt: null },
    ];
    expect(await verifyWith(fixture.auth, rotated, await sign(fixture.secret))).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
    expect((await verifyWith(fixture.auth, rotated, await sign(fixture.otherSecret))).ok).toBe(true);
  });

  it('accepts both secrets during the rotation overlap', async () => {
    const overlapping: ActiveSecret[] = [
      { value: fixture.secret, expiresAt: NOW + 60_000 },
      { value: fixture.otherSecret, expiresAt: null },
    ];
    expect((await verifyWith(fixture.auth, overlapping, await sign(fixture.secret))).ok).toBe(true);
    expect((await verifyWith(fixture.auth, overlapping, await sign(fixture.otherSecret))).ok).toBe(true);
  });

  it('answers missing-credential when the signature header is absent', async () => {
    const parts = withoutHeader(await sign(fixture.secret), fixture.credentialHeader);
    const outcome = await verifyWith(fixture.auth, secrets(fixture.secret), parts);
    expect(outcome).toMatchObject({ ok: false, reason: 'missing-credential' });
  });

  it('never puts the secret into a failure detail', async () => {
    const outcome = await verifyWith(fixture.auth, secrets(fixture.secret), await sign(fixture.otherSecret));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.detail).not.toContain(fixture.secret);
  });
}
