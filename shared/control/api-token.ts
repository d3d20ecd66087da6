/**
 * Project API tokens: `hasp_` + 32 random base64url characters, shown once, stored as SHA-256.
 * A high-entropy token needs no slow hash; equality of digests leaks nothing useful.
 */
import { bytesToHex } from '../encoding/base64';

export function newApiToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return `hasp_${btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_')}`;
}

export async function hashApiToken(token: string): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))));
}
