import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { AuthConfigSchema, describeAuth, generateSecret, PRESET_NAMES, PRESETS, secretProblem } from '../../../shared/signatures';
import { parseBase64 } from '../../../shared/encoding/base64';

function issues(input: unknown): { path: string; message: string }[] {
  const result = v.safeParse(AuthConfigSchema, input);
  if (result.success) return [];
  return result.issues.map((issue) => ({ path: v.getDotPath(issue) ?? '', message: issue.message }));
}

describe('AuthConfigSchema', () => {
  it('accepts the default, every preset, header, bearer and none', () => {
    expect(v.parse(AuthConfigSchema, { method: 'hmac' })).toEqual({ method: 'hmac' });
    for (const preset of PRESET_NAMES) expect(v.parse(AuthConfigSchema, { method: 'hmac', preset })).toEqual({ method: 'hmac', preset });
    expect(v.parse(AuthConfigSchema, { method: 'header' })).toEqual({ method: 'header', header: 'X-Hasp-Token' });
    expect(v.parse(AuthConfigSchema, { method: 'bearer' })).toEqual({ method: 'bearer' });
    expect(v.parse(AuthConfigSchema, { method: 'none' })).toEqual({ method: 'none' });
  });

  it('normalises a generic config so that it parses again to itself', () => {
    const parsed = v.parse(AuthConfigSchema, { method: 'hmac', header: 'X-Signature', algorithm: 'sha256', encoding: 'hex', signed_content: 'timestamp.body', timestamp_header: 'X-Timestamp' });
    expect(parsed).toEqual({ method: 'hmac', header: 'X-Signature', prefix: '', algorithm: 'sha256', encoding: 'hex', signed_content: 'timestamp.body', timestamp_header: 'X-Timestamp', tolerance_seconds: 300 });
    expect(v.parse(AuthConfigSchema, parsed)).toEqual(parsed);
  });

  it('refuses an unknown preset, naming the known ones', () => {
    expect(issues({ method: 'hmac', preset: 'paypal' })).toEqual([{ path: 'preset', message: expect.stringContaining('stripe') }]);
  });

  it('refuses an unknown method', () => {
    expect(issues({ method: 'basic' })[0]?.message).toContain('hmac, header, bearer, none');
  });

  it('refuses an incomplete generic config with one message per missing field', () => {
    const found = issues({ method: 'hmac', header: 'X-Signature' });
    expect(found.map((issue) => issue.path).sort()).toEqual(['algorithm', 'encoding', 'signed_content']);
    expect(found.every((issue) => issue.message.includes('required for a generic HMAC'))).toBe(true);
  });

  it('refuses timestamp.body without a timestamp header', () => {
    expect(issues({ method: 'hmac', header: 'X-Sig', algorithm: 'sha256', encoding: 'hex', signed_content: 'timestamp.body' })).toEqual([
      { path: 'timestamp_header', message: expect.stringContaining('timestamp_header is required') },
    ]);
  });

  it('refuses a timestamp header when only the body is signed', () => {
    expect(issues({ method: 'hmac', header: 'X-Sig', algorithm: 'sha256', encoding: 'hex', signed_content: 'body', timestamp_header: 'X-Ts' })[0]?.path).toBe('timestamp_header');
  });

  it('refuses unknown algorithms, encodings and signed contents', () => {
    const found = issues({ method: 'hmac', header: 'X-Sig', algorithm: 'md5', encoding: 'base32', signed_content: 'headers' });
    expect(found.map((issue) => issue.path).sort()).toEqual(['algorithm', 'encoding', 'signed_content']);
  });

  it('refuses a preset mixed with generic settings', () => {
    expect(issues({ method: 'hmac', preset: 'stripe', header: 'X-Sig' })).toEqual([{ path: 'header', message: expect.stringContaining('preset') }]);
  });

  it('refuses a verify_token outside the meta preset', () => {
    expect(issues({ method: 'hmac', preset: 'github', verify_token: 'some-token-123' })[0]?.path).toBe('verify_token');
    expect(v.parse(AuthConfigSchema, { method: 'hmac', preset: 'meta', verify_token: 'some-token-123' })).toEqual({ method: 'hmac', preset: 'meta', verify_token: 'some-token-123' });
  });

  it('refuses unknown fields and invalid header names', () => {
    expect(issues({ method: 'bearer', token: 'x' }).length).toBeGreaterThan(0);
    expect(issues({ method: 'header', header: 'X Bad Header' })[0]?.path).toBe('header');
    expect(issues({ method: 'header', header: 'Host' })[0]?.path).toBe('header');
  });
});

describe('describeAuth', () => {
  it('shows the scheme and never the meta verify token', () => {
    const view = describeAuth(v.parse(AuthConfigSchema, { method: 'hmac', preset: 'meta', verify_token: 'super-private-token' }));
    expect(view).toEqual({ method: 'hmac', preset: 'meta', scheme: 'meta', recommended: true, verify_token_set: true });
    expect(JSON.stringify(view)).not.toContain('super-private-token');
  });

  it('names the default scheme', () => {
    expect(describeAuth({ method: 'hmac' })).toEqual({ method: 'hmac', scheme: 'standard-webhooks', recommended: true });
  });
});

describe('generateSecret', () => {
  it('makes whsec_ secrets of 32 random bytes for the default scheme and Stripe', () => {
    for (const auth of [{ method: 'hmac' }, { method: 'hmac', preset: 'stripe' }] as const) {
      const secret = generateSecret(auth);
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
      expect(parseBase64(secret.slice('whsec_'.length))?.length).toBe(32);
      expect(secretProblem(auth, secret)).toBeNull();
    }
  });

  it('makes distinct URL-safe tokens for the other methods', () => {
    const a = generateSecret({ method: 'bearer' });
    const b = generateSecret({ method: 'bearer' });
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(secretProblem({ method: 'hmac', preset: 'twitch' }, generateSecret({ method: 'hmac', preset: 'twitch' }))).toBeNull();
  });

  it('flags a default-scheme secret that is not base64', () => {
    expect(secretProblem({ method: 'hmac' }, 'whsec_not base64!')).toContain('whsec_');
  });
});

describe('PRESETS', () => {
  it('describes every preset name', () => {
    expect(Object.keys(PRESETS).sort()).toEqual([...PRESET_NAMES].sort());
  });
});
