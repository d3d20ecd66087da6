/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex>` HMAC-SHA256 of the raw body with the webhook secret;
 * delivery id `X-GitHub-Delivery`. No timestamp (GitHub does not send a signed one).
 */
import { createBodySignatureVerifier } from './body-signature';
import type { Preset } from './preset-row';
import type { ActiveSecret, Verifier } from './types';

export const GITHUB_PRESET = {
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
} as const satisfies Preset;

export function createGithubVerifier(secrets: readonly ActiveSecret[]): Promise<Verifier> {
  return createBodySignatureVerifier(
    GITHUB_PRESET,
    {
      missingDetail:
        'No X-Hub-Signature-256 header: set a Secret in the GitHub webhook settings (and Content type application/json).',
      badSignatureDetail:
        'X-Hub-Signature-256 does not match: is the Secret in GitHub the one configured here, and are you signing the raw body?',
    },
    secrets,
  );
}
