/**
 * The table of well-known senders: each row is written beside its verifier in the sender's scheme
 * module (which builds the verifier from it), and assembled here for the auth config, the control
 * API and the README (scripts/preset-table.ts). Every row was checked against the sender's
 * documentation or SDK (see test/node/signatures).
 */
import { GITHUB_PRESET } from './github';
import { HUBSPOT_PRESET } from './hubspot';
import { INTERCOM_PRESET } from './intercom';
import { LINEAR_PRESET } from './linear';
import { META_PRESET } from './meta';
import { PADDLE_PRESET } from './paddle';
import type { Preset } from './preset-row';
import { SHOPIFY_PRESET } from './shopify';
import { SLACK_PRESET } from './slack';
import { SQUARE_PRESET } from './square';
import { STANDARD_WEBHOOKS_PRESET } from './standard-webhooks';
import { STRIPE_PRESET } from './stripe';
import { TWILIO_PRESET } from './twilio';
import { TWITCH_PRESET } from './twitch';
import { ZOOM_PRESET } from './zoom';

export type { DeliveryIdSource, Preset } from './preset-row';

/** Preset names in the order the README lists them. */
export const PRESET_NAMES = [
  'standard-webhooks',
  'stripe',
  'github',
  'shopify',
  'slack',
  'twilio',
  'zoom',
  'meta',
  'square',
  'paddle',
  'linear',
  'hubspot',
  'twitch',
  'intercom',
] as const;

export type PresetName = (typeof PRESET_NAMES)[number];

export const PRESETS = {
  'standard-webhooks': STANDARD_WEBHOOKS_PRESET,
  stripe: STRIPE_PRESET,
  github: GITHUB_PRESET,
  shopify: SHOPIFY_PRESET,
  slack: SLACK_PRESET,
  twilio: TWILIO_PRESET,
  zoom: ZOOM_PRESET,
  meta: META_PRESET,
  square: SQUARE_PRESET,
  paddle: PADDLE_PRESET,
  linear: LINEAR_PRESET,
  hubspot: HUBSPOT_PRESET,
  twitch: TWITCH_PRESET,
  intercom: INTERCOM_PRESET,
} as const satisfies Record<PresetName, Preset>;

/** The tolerance of the default scheme (Standard Webhooks), also generic HMAC's default. */
export const DEFAULT_TOLERANCE_SECONDS = STANDARD_WEBHOOKS_PRESET.toleranceSeconds;
