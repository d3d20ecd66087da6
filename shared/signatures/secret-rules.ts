/** Which secrets a method or preset accepts, and who issues them. */
import { schemeOf, type AuthConfig } from './auth-config';
import type { Preset } from './preset-row';
import { PRESETS, type PresetName } from './presets';

/**
 * Why a secret cannot work with this config, or null when it can. Run when a secret is given or
 * rotated in, so a webhook never holds a secret its verifier would ignore.
 */
export function secretProblem(auth: AuthConfig, secret: string): string | null {
  if (secret.length === 0) return 'secret must not be empty';
  if (secret.length > 512) return 'secret must be at most 512 characters';
  const scheme = schemeOf(auth);
  if (scheme !== 'none' && secret.length < 8) return 'secret must be at least 8 characters';
  if (scheme === 'standard-webhooks') {
    const body = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 === 1) {
      return 'A Standard Webhooks secret is whsec_ followed by base64 (e.g. whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw)';
    }
  }
  if ((scheme === 'header' || scheme === 'bearer') && !/^[\x21-\x7e]+$/.test(secret)) {
    return 'A token must be printable ASCII without spaces (it travels in a header)';
  }
  if (scheme === 'twitch' && !/^[\x20-\x7e]{10,100}$/.test(secret)) {
    return 'A Twitch EventSub secret is 10 to 100 ASCII characters';
  }
  return null;
}

/**
 * The preset table entry for a config, when it uses one (or the default scheme): its
 * `secretIssuedBy` says whether to generate a secret or wait for the sender's.
 */
export function presetOf(auth: AuthConfig): Preset | null {
  const scheme = schemeOf(auth);
  return scheme in PRESETS ? PRESETS[scheme as PresetName] : null;
}
