import { describe, expect, it } from 'vitest';
import { createVerifier, describeAuth } from '../../../shared/signatures';
import type { ActiveSecret } from '../../../shared/signatures/types';
import { NOW, inbound, secrets, verifyWith } from './helpers';

const BODY = '{"a":1}';
const TOKEN = 'tok_3kVbq9x2LmN7pQ4rS8tU1vW6yZ0aB5cD';
const OTHER = 'tok_other_0000000000000000000000000';

describe('Header token method', () => {
  const auth = { method: 'header', header: 'X-Hasp-Token' } as const;

  it('accepts the secret in the named header', async () => {
    expect(await verifyWith(auth, secrets(TOKEN), { headers: { 'X-Hasp-Token': TOKEN }, body: BODY })).toEqual({ ok: true, deliveryId: null });
  });

  it('refuses another token as a bad credential', async () => {
    expect(await verifyWith(auth, secrets(TOKEN), { headers: { 'X-Hasp-Token': OTHER }, body: BODY })).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a token that differs only in length', async () => {
    expect(await verifyWith(auth, secrets(TOKEN), { headers: { 'X-Hasp-Token': `${TOKEN}x` }, body: BODY })).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('answers missing-credential when the header is absent', async () => {
    expect(await verifyWith(auth, secrets(TOKEN), { headers: { Authorization: `Bearer ${TOKEN}` }, body: BODY })).toMatchObject({ ok: false, reason: 'missing-credential' });
  });

  it('refuses a rotated-out token and accepts both during the overlap', async () => {
    const rotated: ActiveSecret[] = [{ value: TOKEN, expiresAt: NOW }, { value: OTHER, expiresAt: null }];
    expect((await verifyWith(auth, rotated, { headers: { 'X-Hasp-Token': TOKEN }, body: BODY })).ok).toBe(false);
    expect((await verifyWith(auth, rotated, { headers: { 'X-Hasp-Token': OTHER }, body: BODY })).ok).toBe(true);
    const overlapping: ActiveSecret[] = [{ value: TOKEN, expiresAt: NOW + 1000 }, { value: OTHER, expiresAt: null }];
    expect((await verifyWith(auth, overlapping, { headers: { 'X-Hasp-Token': TOKEN }, body: BODY })).ok).toBe(true);
  });
});

describe('Bearer method', () => {
  const auth = { method: 'bearer' } as const;

  it('accepts Authorization: Bearer with the secret', async () => {
    expect((await verifyWith(auth, secrets(TOKEN), { headers: { Authorization: `Bearer ${TOKEN}` }, body: BODY })).ok).toBe(true);
  });

  it('refuses a wrong bearer token', async () => {
    expect(await verifyWith(auth, secrets(TOKEN), { headers: { Authorization: `Bearer ${OTHER}` }, body: BODY })).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('answers missing-credential for another authorization scheme', async () => {
    expect(await verifyWith(auth, secrets(TOKEN), { headers: { Authorization: `Basic ${TOKEN}` }, body: BODY })).toMatchObject({ ok: false, reason: 'missing-credential' });
  });

  it('never puts the token into a failure detail', async () => {
    const outcome = await verifyWith(auth, secrets(TOKEN), { headers: { Authorization: `Bearer ${OTHER}` }, body: BODY });
    if (!outcome.ok) expect(outcome.detail).not.toContain(TOKEN);
  });
});

describe('None method', () => {
  it('accepts every request', async () => {
    const verifier = await createVerifier({ method: 'none' }, []);
    expect(await verifier.verify(inbound({ headers: {}, body: BODY }), NOW)).toEqual({ ok: true, deliveryId: null });
  });

  it('is flagged as not recommended with a warning', () => {
    expect(describeAuth({ method: 'none' })).toMatchObject({ method: 'none', recommended: false, warning: expect.stringContaining('Not recommended') });
  });
});
