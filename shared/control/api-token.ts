/**
 * Project API tokens: `hasp_` + 32 random base64url characters, shown once, stored as SHA-256.
 * A high-entropy token needs no slow hash; equality of digests leaks nothing useful.
 */
import { bytesToBase64Url } from '../encoding/base64';
import { bytesToHex } from '../encoding/hex';

/** A multiple of 3, so the base64url has no padding and the token is always 32 characters. */
const TOKEN_BYTES = 24;

export function newApiToken(): string {
  return `hasp_${bytesToBase64Url(crypto.getRandomValues(new Uint8Array(TOKEN_BYTES)))}`;
}

export async function hashApiToken(token: string): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))));
}
