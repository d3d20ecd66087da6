/** Fresh webhook secrets, in the form each scheme's sender expects. */
import { bytesToBase64, bytesToBase64Url } from '../encoding/base64';
import { schemeOf, type AuthConfig } from './auth-config';
import { randomBytes } from './hmac';

const SECRET_BYTES = 32;

/**
 * A fresh secret in the form the sender expects: `whsec_` + base64 of 32 random bytes for Standard
 * Webhooks (its key is the decoded bytes) and for Stripe (whose key is the whole string); a random
 * URL-safe token otherwise. For senders that issue their own secret (`secretIssuedBy: 'sender'`)
 * a generated one only works if the sender lets you paste it in; the control API should ask for
 * theirs.
 */
export function generateSecret(auth: AuthConfig): string {
  const scheme = schemeOf(auth);
  const bytes = randomBytes(SECRET_BYTES);
  if (scheme === 'standard-webhooks' || scheme === 'stripe') return `whsec_${bytesToBase64(bytes)}`;
  return bytesToBase64Url(bytes);
}
