// Proven against @octokit/webhooks-methods (`sign`) and GitHub's documented test vector.
import { sign, verify } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import { itBehavesAsAnHmacScheme, secrets, verifyWith, type RequestParts } from './helpers';

const AUTH = { method: 'hmac', preset: 'github' } as const;
const BODY = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });

async function signGithub(secret: string): Promise<RequestParts> {
  return {
    headers: {
      'X-Hub-Signature-256': await sign(secret, BODY),
      'X-GitHub-Delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    },
    body: BODY,
  };
}

describe('GitHub preset', () => {
  itBehavesAsAnHmacScheme({
    auth: AUTH,
    secret: 'It is a secret to everybody',
    otherSecret: 'another repository secret',
    sign: signGithub,
    credentialHeader: 'X-Hub-Signature-256',
  });

  it("verifies GitHub's documented example (docs: Validating webhook deliveries)", async () => {
    const outcome = await verifyWith(AUTH, secrets("It's a Secret to Everybody"), {
      headers: { 'X-Hub-Signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' },
      body: 'Hello, World!',
    });
    expect(outcome.ok).toBe(true);
  });

  it('gives X-GitHub-Delivery as the delivery id', async () => {
    expect(await verifyWith(AUTH, secrets('s3cret-value'), await signGithub('s3cret-value'))).toEqual({
      ok: true,
      deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    });
  });

  it('agrees with octokit on what it accepts', async () => {
    const parts = await signGithub('s3cret-value');
    expect(await verify('s3cret-value', parts.body, parts.headers['X-Hub-Signature-256'] ?? '')).toBe(true);
  });

  it('answers missing-credential for a signature without the sha256= prefix', async () => {
    const parts = await signGithub('s3cret-value');
    const bare = (parts.headers['X-Hub-Signature-256'] ?? '').replace('sha256=', '');
    const outcome = await verifyWith(AUTH, secrets('s3cret-value'), { headers: { 'X-Hub-Signature-256': bare }, body: BODY });
    expect(outcome).toMatchObject({ ok: false, reason: 'missing-credential' });
  });
});
