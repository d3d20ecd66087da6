/** A webhook's auth method in a few words, with `none` flagged wherever it is shown. */
import type { FC } from 'hono/jsx';

export interface AuthSummary {
  method: string;
  preset?: string;
  scheme?: string;
  header?: string;
  recommended?: boolean;
  warning?: string;
}

export function authLabel(auth: AuthSummary): string {
  switch (auth.method) {
    case 'hmac':
      if (auth.preset) return `HMAC (${auth.preset} preset)`;
      return auth.scheme === 'generic-hmac' ? `HMAC (generic${auth.header ? `, ${auth.header}` : ''})` : 'HMAC (Standard Webhooks)';
    case 'header':
      return `Shared token in ${auth.header ?? 'a header'}`;
    case 'bearer':
      return 'Bearer token';
    case 'none':
      return 'None';
    default:
      return auth.method;
  }
}

export const AuthMethod: FC<{ auth: AuthSummary }> = ({ auth }) =>
  auth.method === 'none' ? (
    <span>
      None <span class="badge bad">Open: not recommended</span>
      <span class="visually-hidden">. {auth.warning ?? 'Anyone who knows the URL can send events.'}</span>
    </span>
  ) : (
    <span>{authLabel(auth)}</span>
  );
