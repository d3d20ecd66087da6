// A signature header may carry several candidates (one per secret the sender rotates through).
// Refusing a forged request must not cost one HMAC over the body per candidate: each active key's
// HMAC is computed once, and more than MAX_SIGNATURE_CANDIDATES candidates are refused unchecked.
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createVerifier, type AuthConfig } from '../../../shared/signatures';
import { MAX_SIGNATURE_CANDIDATES } from '../../../shared/signatures/outcomes';
import type { Verifier } from '../../../shared/signatures/types';
import { NOW, NOW_SECONDS, inbound, secrets, type RequestParts } from './helpers';

const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OTHER_WHSEC = 'whsec_3zXk9Qv2bY7wLmN4pR8sT1uV6xZ0aB5c';
const MIB_BODY = JSON.stringify({ id: 'evt_flood', note: 'x'.repeat(1024 * 1024) });
const SMALL_BODY = JSON.stringify({ id: 'evt_small', event: 'chart_updated' });

interface Scheme {
  name: string;
  auth: AuthConfig;
  header: string;
  /** The header as the sender's own library writes it for `body`, then `forged` random candidates. */
  headerValue(body: string, forged: number, genuineLast?: boolean): string;
}

const forgedBase64 = () => `v1,${randomBytes(32).toString('base64')}`;
const forgedHex = (key: string) => `${key}=${randomBytes(32).toString('hex')}`;

const SCHEMES: Scheme[] = [
  {
    name: 'Standard Webhooks',
    auth: { method: 'hmac' },
    header: 'webhook-signature',
    headerValue(body, forged, genuineLast = false) {
      const entries = Array.from({ length: forged }, forgedBase64);
      if (genuineLast) entries.push(new Webhook(WHSEC).sign('msg_flood', new Date(NOW), body));
      return entries.join(' ');
    },
  },
  {
    name: 'Stripe',
    auth: { method: 'hmac', preset: 'stripe' },
    header: 'stripe-signature',
    headerValue(body, forged, genuineLast = false) {
      const entries = Array.from({ length: forged }, () => forgedHex('v1'));
      if (genuineLast) {
        const signed = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: WHSEC, timestamp: NOW_SECONDS });
        entries.push(signed.split(',').find((pair) => pair.startsWith('v1=')) ?? '');
      }
      return [`t=${NOW_SECONDS}`, ...entries].join(',');
    },
  },
];

function request(scheme: Scheme, value: string, body: string): RequestParts {
  const headers: Record<string, string> = { [scheme.header]: value };
  if (scheme.header === 'webhook-signature') Object.assign(headers, { 'webhook-id': 'msg_flood', 'webhook-timestamp': String(NOW_SECONDS) });
  return { headers, body };
}

/** Counts every Web Crypto HMAC computed or verified while `work` runs. */
async function macsDuring(work: () => Promise<unknown>): Promise<number> {
  const sign = vi.spyOn(crypto.subtle, 'sign');
  const verify = vi.spyOn(crypto.subtle, 'verify');
  try {
    await work();
    return sign.mock.calls.length + verify.mock.calls.length;
  } finally {
    sign.mockRestore();
    verify.mockRestore();
  }
}

/** Bytes handed to Web Crypto's HMAC while `work` runs: the body once per key is the whole cost of a refusal. */
async function macBytesDuring(work: () => Promise<unknown>): Promise<number> {
  const sign = vi.spyOn(crypto.subtle, 'sign');
  const verify = vi.spyOn(crypto.subtle, 'verify');
  const size = (data: BufferSource) => data.byteLength;
  try {
    await work();
    return sign.mock.calls.reduce((total, [, , data]) => total + size(data), 0) + verify.mock.calls.reduce((total, [, , , data]) => total + size(data), 0);
  } finally {
    sign.mockRestore();
    verify.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe.each(SCHEMES)('$name: several candidate signatures', (scheme) => {
  const verifyParts = async (parts: RequestParts, keys = secrets(WHSEC)) => (await createVerifier(scheme.auth, keys)).verify(inbound(parts), NOW);

  it(`accepts the genuine signature after ${MAX_SIGNATURE_CANDIDATES - 1} forged ones (the cap counts it)`, async () => {
    const parts = request(scheme, scheme.headerValue(SMALL_BODY, MAX_SIGNATURE_CANDIDATES - 1, true), SMALL_BODY);
    expect((await verifyParts(parts)).ok).toBe(true);
  });

  it('refuses more candidates than the cap unchecked, even with the genuine one among them, and says the limit', async () => {
    const parts = request(scheme, scheme.headerValue(SMALL_BODY, MAX_SIGNATURE_CANDIDATES, true), SMALL_BODY);
    const verifier = await createVerifier(scheme.auth, secrets(WHSEC));
    let outcome: Awaited<ReturnType<Verifier['verify']>> | undefined;
    expect(await macsDuring(async () => (outcome = await verifier.verify(inbound(parts), NOW)))).toBe(0);
    expect(outcome).toMatchObject({ ok: false, reason: 'bad-signature' });
    if (outcome && !outcome.ok) {
      expect(outcome.detail).toContain(`${MAX_SIGNATURE_CANDIDATES + 1} signatures`);
      expect(outcome.detail).toContain(`at most ${MAX_SIGNATURE_CANDIDATES}`);
    }
  });

  it('computes one HMAC per active key, however many candidates the header holds', async () => {
    const verifier = await createVerifier(scheme.auth, secrets(WHSEC, OTHER_WHSEC));
    for (const forged of [1, 2, MAX_SIGNATURE_CANDIDATES]) {
      const req = inbound(request(scheme, scheme.headerValue(SMALL_BODY, forged), SMALL_BODY));
      expect(await macsDuring(() => verifier.verify(req, NOW)), `${forged} candidates`).toBe(2);
    }
  });

  // The time itself is measured in `npm run bench` (micro: signature flood); here its cause is counted.
  it('hashes a 1 MiB body once to refuse 1 or 10 forged candidates, and not at all for 1,000', async () => {
    const verifier = await createVerifier(scheme.auth, secrets(WHSEC));
    const hashed = new Map<number, number>();
    for (const count of [1, MAX_SIGNATURE_CANDIDATES, 1000]) {
      const req = inbound(request(scheme, scheme.headerValue(MIB_BODY, count), MIB_BODY));
      let ok: boolean | undefined;
      hashed.set(count, await macBytesDuring(async () => (ok = (await verifier.verify(req, NOW)).ok)));
      expect(ok, `${count} candidates`).toBe(false);
    }
    const once = hashed.get(1) ?? Number.NaN;
    expect(once).toBeGreaterThanOrEqual(MIB_BODY.length);
    expect(once).toBeLessThan(2 * MIB_BODY.length);
    expect(hashed.get(MAX_SIGNATURE_CANDIDATES)).toBe(once);
    expect(hashed.get(1000)).toBe(0);
  });
});
