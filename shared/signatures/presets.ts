/**
 * How each well-known sender signs its webhooks, as data: the scheme modules read their header
 * names and tolerances from here, and the README renders this table. Every entry was checked
 * against the sender's documentation or SDK (see test/node/signatures).
 */

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

export type DeliveryIdSource =
  | { from: 'header'; names: readonly string[] }
  | { from: 'payload'; fields: readonly string[] }
  | null;

export interface Preset {
  /** Display name of the sender(s). */
  label: string;
  /** Headers that carry the credential, in the case the sender writes them. */
  signatureHeaders: readonly string[];
  /** The exact bytes signed, in the sender's notation. */
  signedContent: string;
  algorithm: 'sha1' | 'sha256';
  encoding: 'hex' | 'base64';
  /** Literal text before the signature in its header, if any. */
  signaturePrefix: string | null;
  /** Where the signed timestamp is, and its unit; null when the sender sends none. */
  timestamp: { source: string; unit: 'seconds' | 'milliseconds' | 'rfc3339' } | null;
  /** Two-sided tolerance in seconds; null when there is no timestamp. */
  toleranceSeconds: number | null;
  /** True when one header may carry several signatures (the sender rotating its secret). */
  multipleSignatures: boolean;
  deliveryId: DeliveryIdSource;
  bodyFormat: 'json' | 'form';
  /** The verification handshake the sender performs, answered by the ingress; null when none. */
  handshake: string | null;
  /** Methods besides POST the sender uses (the handshake). */
  extraMethods: readonly string[];
  /** How the secret is turned into the HMAC key. */
  key: 'utf8' | 'whsec-base64';
  /** `sender`: the sender issues the secret (paste it in as `secret`); `either`: you may generate it. */
  secretIssuedBy: 'sender' | 'either';
  /** Where the secret is found or entered in the sender's dashboard. */
  secretLocation: string;
}

export const PRESETS = {
  'standard-webhooks': {
    label: 'Standard Webhooks (Svix and every sender using a Standard Webhooks library)',
    signatureHeaders: ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
    signedContent: '{webhook-id}.{webhook-timestamp}.{body}',
    algorithm: 'sha256',
    encoding: 'base64',
    signaturePrefix: 'v1,',
    timestamp: { source: 'webhook-timestamp header', unit: 'seconds' },
    toleranceSeconds: 300,
    multipleSignatures: true,
    deliveryId: { from: 'header', names: ['webhook-id', 'svix-id'] },
    bodyFormat: 'json',
    handshake: null,
    extraMethods: [],
    key: 'whsec-base64',
    secretIssuedBy: 'either',
    secretLocation:
      'The endpoint secret (whsec_…): generated here and given to the sender, or copied from the Svix/sender endpoint page. svix-id/svix-timestamp/svix-signature headers are accepted too.',
  },
  stripe: {
    label: 'Stripe',
    signatureHeaders: ['Stripe-Signature'],
    signedContent: '{t}.{body}',
    algorithm: 'sha256',
    encoding: 'hex',
    signaturePrefix: 't=…,v1=',
    timestamp: { source: 't= in Stripe-Signature', unit: 'seconds' },
    toleranceSeconds: 300,
    multipleSignatures: true,
    deliveryId: { from: 'payload', fields: ['id'] },
    bodyFormat: 'json',
    handshake: null,
    extraMethods: [],
    key: 'utf8',
    secretIssuedBy: 'sender',
    secretLocation: 'Dashboard → Developers → Webhooks → your endpoint → Signing secret (whsec_…).',
  },
  github: {
    label: 'GitHub',
    signatureHeaders: ['X-Hub-Signature-256'],
    signedContent: '{body}',
    algorithm: 'sha256',
    encoding: 'hex',
    signaturePrefix: 'sha256=',
    timestamp: null,
    toleranceSeconds: null,
    multipleSignatures: false,
    deliveryId: { from: 'header', names: ['X-GitHub-Delivery'] },
    bodyFormat: 'json',
    handshake: null,
    extraMethods: [],
    key: 'utf8',
    secretIssuedBy: 'either',
    secretLocation:
      'Repository/organisation/app Settings → Webhooks → Secret (you enter it; set Content type to application/json).',
  },
  shopify: {
    label: 'Shopify',
    signatureHeaders: ['X-Shopify-Hmac-Sha256'],
    signedContent: '{body}',
    algorithm: 'sha256',
    encoding: 'base64',
    signaturePrefix: null,
    timestamp: null,
    toleranceSeconds: null,
    multipleSignatures: false,
    deliveryId: { from: 'header', names: ['X-Shopify-Webhook-Id'] },
    bodyFormat: 'json',
    handshake: null,
    extraMethods: [],
    key: 'utf8',
    secretIssuedBy: 'sender',
    secretLocation:
      "The app's client secret (Partner Dashboard / Dev Dashboard → app → Settings), or for webhooks made in the store admin, the key shown under Settings → Notifications → Webhooks.",
  },
  slack: {
    label: 'Slack (Events API)',
    signatureHeaders: ['X-Slack-Signature', 'X-Slack-Request-Timestamp'],
    signedContent: 'v0:{X-Slack-Request-Timestamp}:{body}',
    algorithm: 'sha256',
    encoding: 'hex',
    signaturePrefix: 'v0=',
    timestamp: { source: 'X-Slack-Request-Timestamp header', unit: 'seconds' },
    toleranceSeconds: 300,
    multipleSignatures: false,
    deliveryId: { from: 'payload', fields: ['event_id'] },
    bodyFormat: 'json',
    handshake: 'url_verification: replies {"challenge": …}',
    extraMethods: [],
    key: 'utf8',
    secretIssuedBy: 'sender',
    secretLocation: 'api.slack.com/apps → your app → Basic Information → App Credentials → Signing Secret.',
  },
  twilio: {
    label: 'Twilio',
    signatureHeaders: ['X-Twilio-Signature'],
    signedContent:
      '{full URL}{each form parameter name followed by its value, sorted by name}',
    algorithm: 'sha1',
    encoding: 'base64',
    signaturePrefix: null,
    timestamp: null,
    toleranceSeconds: null,
    multipleSignatures: false,
    deliveryId: { from: 'header', names: ['I-Twilio-Idempotency-Token'] },
    bodyFormat: 'form',
    handshake: null,
    extraMethods: [],
    key: 'utf8',
    secretIssuedBy: 'sender',
    secretLocation:
      'Console → Account → API keys & tokens → Auth Token (primary). HMAC-SHA256 is used instead when X-Twilio-Webhooks-Signature-Settings says algorithm=HMAC_SHA256.',
  },
  zoom: {
    label: 'Zoom',
    signatureHeaders: ['x-zm-signature', 'x-zm-request-timestamp'],
    signedContent: 'v0:{x-zm-request-timestamp}:{body}',
    algorithm: 'sha256',
    encoding: 'hex',
    signaturePrefix: 'v0=',
    timestamp: { source: 'x-zm-request-timestamp header', unit: 'seconds' },
    toleranceSeconds: 300,
    multipleSignatures: false,
    deliveryId: null,
    bodyFormat: 'json',
    handshake:
      'endpoint.url_validation: replies {"plainToken", "encryptedToken": hex HMAC-SHA256 of plainToken}',
    extraMethods: [],
    key: 'utf8',
    secretIssuedBy: 'sender',
    secretLocation: 'Zoom App Marketplace → your app → Features/Access → Secret Token.',
  },
  meta: {
    label: 'Meta (WhatsApp Cloud API, Instagram, Messenger)',
    signatureHeaders: ['X-Hub-Signature-256'],
    signedContent: '{body}',
    algorithm: 'sha256',
    encoding: 'hex',
    signaturePrefix: 'sha256=',
    timestamp: null,
    toleranceSeconds: null,
    multipleSignatures: false,
    deliveryId: null,
    bodyFormat: 'json',
    handshake:
      'GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…: replies the challenge as text/plain when hub.verify_token equals the preset\'s verify_token',
    extraMethods: ['GET'],
    key: 'utf8',
    secretIssuedBy: 'sender',
    secretLocation:
      'developers.facebook.com → your app → App settings → Basic → App Secret. The Verify Token you type in the Webhooks product is the preset\'s verify_token.',
  },
  square: {
    label: 'Square',
    signatureHeaders: ['x-square-hmacsha256-signature'],
    signedContent: '{notification URL}{body}',
    algorithm: 'sha256',
    encoding: 'base64',
    signaturePrefix: null,
    timestamp: null,
    toleranceSeconds: null,
    multipleSignatures: false,
    deliveryId: { from: 'payload', fields: ['event_id'] },
    bodyFormat: 'json',
    handshake: null,
    extraMethods: [],
    key: 'utf8',
    secretIssuedBy: 'sender',
    secretLocation: 'Developer Console → your app → Webhooks → Subscriptions → your subscription → Signature key.',
  },
  paddle: {
    label: 'Paddle Billing',
    signatureHeaders: ['Paddle-Signature'],
    signedContent: '{ts}:{body}',
    algorithm: 'sha256',
    encoding: 'hex',
    signaturePrefix: 'ts=…;h1=',
    timestamp: { source: 'ts= in Paddle-Signature', unit: 'seconds' },
    // Paddle's own SDK rejects anything more than 5 s old; we match it, on both sides.
    toleranceSeconds: 5,
    multipleSignatures: true,
    deliveryId: { from: 'payload', fields: ['notification_id', 'event_id'] },
    bodyFormat: 'json',
    handshake: null,
    extraMethods: [],
    key: 'utf8',
    secretIssuedBy: 'sender',
    secretLocation: 'Paddle → Developer tools → Notifications → your destination → Secret key (pdl_ntfset_…).',
  },
  linear: {
    label: 'Linear',
    signatureHeaders: ['Linear-Signature'],
    signedContent: '{body}',
    algorithm: 'sha256',
    encoding: 'hex',
    signaturePrefix: null,
    timestamp: { source: 'webhookTimestamp field of the signed body', unit: 'milliseconds' },
    // Linear's SDK allows one minute either way.
    toleranceSeconds: 60,
    multipleSignatures: false,
    deliveryId: { from: 'header', names: ['Linear-Delivery'] },
    bodyFormat: 'json',
    handshake: null,
    extraMethods: [],
    key: 'utf8',
    secretIssuedBy: 'sender',
    secretLocation: 'Settings → API → Webhooks → your webhook → Signing secret (lin_wh_…).',
  },
  hubspot: {
    label: 'HubSpot (signature v3)',
    signatureHeaders: ['X-HubSpot-Signature-v3', 'X-HubSpot-Request-Timestamp'],
    signedContent: '{method}{URL}{body}{X-HubSpot-Request-Timestamp}',
    algorithm: 'sha256',
    encoding: 'base64',
    signaturePrefix: null,
    timestamp: { source: 'X-HubSpot-Request-Timestamp header', unit: 'milliseconds' },
    toleranceSeconds: 300,
    multipleSignatures: false,
    deliveryId: null,
    bodyFormat: 'json',
    handshake: null,
    extraMethods: [],
    key: 'utf8',
    secretIssuedBy: 'sender',
    secretLocation: "Developer account → your app → Auth → Client secret.",
  },
  twitch: {
    label: 'Twitch EventSub',
    signatureHeaders: [
      'Twitch-Eventsub-Message-Id',
      'Twitch-Eventsub-Message-Timestamp',
      'Twitch-Eventsub-Message-Signature',
    ],
    signedContent: '{Twitch-Eventsub-Message-Id}{Twitch-Eventsub-Message-Timestamp}{body}',
    algorithm: 'sha256',
    encoding: 'hex',
    signaturePrefix: 'sha256=',
    timestamp: { source: 'Twitch-Eventsub-Message-Timestamp header', unit: 'rfc3339' },
    toleranceSeconds: 600,
    multipleSignatures: false,
    deliveryId: { from: 'header', names: ['Twitch-Eventsub-Message-Id'] },
    bodyFormat: 'json',
    handshake: 'webhook_callback_verification: replies the challenge as text/plain',
    extraMethods: [],
    key: 'utf8',
    secretIssuedBy: 'either',
    secretLocation:
      'The transport.secret you pass when creating the EventSub subscription (10–100 ASCII characters).',
  },
  intercom: {
    label: 'Intercom',
    signatureHeaders: ['X-Hub-Signature'],
    signedContent: '{body}',
    algorithm: 'sha1',
    encoding: 'hex',
    signaturePrefix: 'sha1=',
    timestamp: null,
    toleranceSeconds: null,
    multipleSignatures: false,
    deliveryId: { from: 'payload', fields: ['id'] },
    bodyFormat: 'json',
    handshake: null,
    extraMethods: [],
    key: 'utf8',
    secretIssuedBy: 'sender',
    secretLocation: 'Developer Hub → your app → Basic information → Client secret.',
  },
} as const satisfies Record<PresetName, Preset>;

/** The tolerance of the default scheme and of generic HMAC with a timestamp. */
export const DEFAULT_TOLERANCE_SECONDS = 300;
