/**
 * A notification channel's secrets at rest. Trust boundary: a webhook channel's signing secret
 * exists in plaintext only between its generation and its sealing here (and in the one response
 * that shows it), and again in the consumer's memory while it signs; a Slack URL, which is its own
 * credential, likewise. Both are sealed under the project's data key, bound by their additional
 * data to the channel (and the secret's id), so a ciphertext copied into another row fails to open.
 */
import { decodeUtf8, utf8 } from '../encoding/utf8';
import { randomId } from '../ids';
import { open, seal } from '../secrets/aead';
import { isActiveAt, parseStoredSecrets, type StoredSecret } from '../secrets/stored-secret';
import { generateSecret } from '../signatures/secret-generation';

const secretAad = (channelId: string, secretId: string) => `notification-channel:${channelId}:secret:${secretId}`;
const urlAad = (channelId: string) => `notification-channel:${channelId}:url`;

/** A fresh Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes. */
export function newSigningSecret(): string {
  return generateSecret({ method: 'hmac' });
}

/** `value` sealed as a new stored signing secret of `channelId`. */
export async function sealSigningSecret(dataKey: CryptoKey, channelId: string, value: string, now: number): Promise<StoredSecret> {
  const id = randomId('sec');
  return { id, ciphertext: await seal(dataKey, utf8(value), secretAad(channelId, id)), created_at: new Date(now).toISOString(), expires_at: null };
}

/** The signing secrets that still sign at `now`, newest first, opened. */
export async function openSigningSecrets(dataKey: CryptoKey, channelId: string, column: string, now: number): Promise<string[]> {
  const active = parseStoredSecrets(column).filter((s) => isActiveAt(s, now));
  return Promise.all(active.map(async (s) => decodeUtf8(await open(dataKey, s.ciphertext, secretAad(channelId, s.id)))));
}

export function sealUrl(dataKey: CryptoKey, channelId: string, url: string): Promise<string> {
  return seal(dataKey, utf8(url), urlAad(channelId));
}

export async function openUrl(dataKey: CryptoKey, channelId: string, sealed: string): Promise<string> {
  return decodeUtf8(await open(dataKey, sealed, urlAad(channelId)));
}

/**
 * A secret URL as views show it: its origin and the last four characters of its path, enough to
 * tell two Slack channels apart (as Stripe shows `sk_live_…abcd`), never enough to post to one.
 */
export function urlHint(url: URL): string {
  return `${url.origin}/…${url.pathname.slice(-4)}`;
}
