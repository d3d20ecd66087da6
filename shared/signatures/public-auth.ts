/**
 * The public view of a webhook's auth config: what the control API and pages show. It is built
 * from the config alone, so no secret can reach it; the one setting it could leak (Meta's
 * verify_token) is reduced to whether it is set.
 */
import { isGenericAuth, isPresetAuth, type AuthConfig, type GenericHmacAuth } from './auth-config';
import type { PresetName } from './presets';

/** What every view of a webhook shows about its authentication: never a secret or verify token. */
export type PublicAuth =
  | { method: 'hmac'; scheme: 'standard-webhooks'; recommended: true }
  | { method: 'hmac'; preset: PresetName; scheme: PresetName; recommended: true; verify_token_set?: boolean }
  | (Omit<GenericHmacAuth, never> & { scheme: 'generic-hmac'; recommended: true })
  | { method: 'header'; header: string; recommended: true }
  | { method: 'bearer'; recommended: true }
  | { method: 'none'; recommended: false; warning: string };

export const NONE_WARNING =
  'Not recommended: authentication is off, so anyone who knows this URL can send events. Use hmac (or at least a header or bearer token).';

/** The public view of an auth config. */
export function describeAuth(auth: AuthConfig): PublicAuth {
  switch (auth.method) {
    case 'hmac': {
      if (isPresetAuth(auth)) {
        const view: PublicAuth = { method: 'hmac', preset: auth.preset, scheme: auth.preset, recommended: true };
        if (auth.preset === 'meta') view.verify_token_set = auth.verify_token !== undefined;
        return view;
      }
      if (isGenericAuth(auth)) return { ...auth, scheme: 'generic-hmac', recommended: true };
      return { method: 'hmac', scheme: 'standard-webhooks', recommended: true };
    }
    case 'header':
      return { method: 'header', header: auth.header, recommended: true };
    case 'bearer':
      return { method: 'bearer', recommended: true };
    case 'none':
      return { method: 'none', recommended: false, warning: NONE_WARNING };
  }
}
