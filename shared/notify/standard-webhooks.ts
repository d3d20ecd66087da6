/**
 * Signs an outbound notification as the Standard Webhooks spec says, with the same signer the
 * service's test events and `hasp send` use (shared/signatures/sign.ts): `webhook-id` (the
 * notice's id, the same on every retry, so a receiver can drop duplicates), `webhook-timestamp`
 * (seconds), `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the
 * bytes after `whsec_`. During a rotation's overlap every active secret signs, space-separated, so
 * a receiver holding either the old or the new secret verifies (as the spec provides for).
 *
 * Trust boundary: the secrets go into the signature and nowhere else.
 */
import { signRequest } from '../signatures/sign';

const SIGNATURE_HEADER = 'webhook-signature';

export interface SignedNotification {
  headers: Record<string, string>;
  body: string;
}

/** Headers signing `body` with each of `secrets` (newest first), as of `now` (epoch ms). */
export async function signNotification(input: { id: string; body: string; secrets: readonly string[]; url: string; now: number }): Promise<SignedNotification> {
  if (input.secrets.length === 0) throw new Error('a webhook channel has no active signing secret');
  const signed = await Promise.all(
    input.secrets.map((secret) => signRequest({ auth: { method: 'hmac' }, secret, url: input.url, body: input.body, now: input.now, deliveryId: input.id })),
  );
  const [first] = signed;
  if (first === undefined) throw new Error('unreachable: at least one secret signed');
  const signatures = signed.map((s) => s.headers[SIGNATURE_HEADER] ?? '').join(' ');
  return { headers: { ...first.headers, [SIGNATURE_HEADER]: signatures }, body: first.body };
}
