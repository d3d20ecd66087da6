/**
 * Sender authentication: build a webhook's Verifier once from its auth config and active secrets
 * (keys imported here, once per isolate), then verify each request against it.
 */
import { schemeOf, type AuthConfig } from './auth-config';
import { createGenericHmacVerifier } from './generic-hmac';
import { createGithubVerifier } from './github';
import { createHubspotVerifier } from './hubspot';
import { createIntercomVerifier } from './intercom';
import { createLinearVerifier } from './linear';
import { createMetaVerifier } from './meta';
import { createOpenVerifier } from './none';
import { createPaddleVerifier } from './paddle';
import { createSharedTokenVerifier } from './shared-token';
import { createShopifyVerifier } from './shopify';
import { createSlackVerifier } from './slack';
import { createSquareVerifier } from './square';
import { createStandardWebhooksVerifier } from './standard-webhooks';
import { createStripeVerifier } from './stripe';
import { createTwilioVerifier } from './twilio';
import { createTwitchVerifier } from './twitch';
import { createZoomVerifier } from './zoom';
import type { ActiveSecret, Verifier } from './types';

export {
  AuthConfigSchema,
  schemeOf,
  type AuthConfig,
  type HmacAuth,
  type GenericHmacAuth,
  type PresetHmacAuth,
} from './auth-config';
export { describeAuth, NONE_WARNING, type PublicAuth } from './public-auth';
export { generateSecret } from './secret-generation';
export { secretProblem } from './secret-rules';
export { PRESETS, PRESET_NAMES, DEFAULT_TOLERANCE_SECONDS, type Preset, type PresetName } from './presets';
export type * from './types';

/**
 * The Verifier for one webhook. Call once per (webhook, secret set) and cache it in the isolate;
 * `verify(request, now)` then runs per request. Secrets that expire (`expiresAt <= now`) stop
 * verifying on their own, so a rotation needs no rebuild until the cache refreshes.
 */
export async function createVerifier(auth: AuthConfig, secrets: readonly ActiveSecret[]): Promise<Verifier> {
  if (auth.method === 'header') return createSharedTokenVerifier({ method: 'header', header: auth.header }, secrets);
  if (auth.method === 'bearer') return createSharedTokenVerifier({ method: 'bearer' }, secrets);
  if (auth.method === 'none') return createOpenVerifier();
  if ('header' in auth) return createGenericHmacVerifier(auth, secrets);
  const scheme = schemeOf(auth);
  switch (scheme) {
    case 'standard-webhooks':
      return createStandardWebhooksVerifier(secrets);
    case 'stripe':
      return createStripeVerifier(secrets);
    case 'github':
      return createGithubVerifier(secrets);
    case 'shopify':
      return createShopifyVerifier(secrets);
    case 'slack':
      return createSlackVerifier(secrets);
    case 'twilio':
      return createTwilioVerifier(secrets);
    case 'zoom':
      return createZoomVerifier(secrets);
    case 'meta':
      return createMetaVerifier(secrets, 'verify_token' in auth ? auth.verify_token ?? null : null);
    case 'square':
      return createSquareVerifier(secrets);
    case 'paddle':
      return createPaddleVerifier(secrets);
    case 'linear':
      return createLinearVerifier(secrets);
    case 'hubspot':
      return createHubspotVerifier(secrets);
    case 'twitch':
      return createTwitchVerifier(secrets);
    case 'intercom':
      return createIntercomVerifier(secrets);
    case 'generic-hmac':
    case 'header':
    case 'bearer':
    case 'none':
      // Handled above by method; unreachable, kept so a new scheme name fails to compile here.
      throw new Error(`auth scheme ${scheme} reached the preset switch`);
  }
}
