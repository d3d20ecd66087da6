/**
 * Intercom: `X-Hub-Signature: sha1=<hex>` HMAC-SHA1 of the raw body with the app's client secret.
 * Delivery id is the notification `id` in the payload.
 */
import { createBodySignatureVerifier } from './body-signature';
import type { Preset } from './preset-row';
import type { ActiveSecret, Verifier } from './types';

export const INTERCOM_PRESET = {
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
} as const satisfies Preset;

export function createIntercomVerifier(secrets: readonly ActiveSecret[]): Promise<Verifier> {
  return createBodySignatureVerifier(
    INTERCOM_PRESET,
    {
      missingDetail: 'No X-Hub-Signature header: is this request from Intercom?',
      badSignatureDetail:
        "X-Hub-Signature does not match: configure the app's client secret, and sign the raw body.",
    },
    secrets,
  );
}
