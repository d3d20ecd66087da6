/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex>` HMAC-SHA256 of the raw body with the webhook secret;
 * delivery id `X-GitHub-Delivery`. No timestamp (GitHub does not send a signed one).
 */
import { createBodySignatureVerifier } from './body-signature';
import type { ActiveSecret, Verifier } from './types';

export function createGithubVerifier(secrets: readonly ActiveSecret[]): Promise<Verifier> {
  return createBodySignatureVerifier(
    {
      signatureHeader: 'X-Hub-Signature-256',
      prefix: 'sha256=',
      hash: 'SHA-256',
      encoding: 'hex',
      deliveryIdHeaders: ['X-GitHub-Delivery'],
      missingDetail:
        'No X-Hub-Signature-256 header: set a Secret in the GitHub webhook settings (and Content type application/json).',
      badSignatureDetail:
        'X-Hub-Signature-256 does not match: is the Secret in GitHub the one configured here, and are you signing the raw body?',
    },
    secrets,
  );
}
