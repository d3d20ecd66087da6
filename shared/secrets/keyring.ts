/**
 * Envelope encryption: MASTER_KEY (a Worker secret) wraps one data key per project; the data key
 * encrypts that project's webhook secrets. Rotating MASTER_KEY re-wraps data keys only.
 */
import { base64ToBytes } from '../encoding/base64';
import { importAesKey, open, seal } from './aead';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export async function importMasterKey(masterKeyBase64: string): Promise<CryptoKey> {
  if (!masterKeyBase64) throw new Error('MASTER_KEY is not set: run `npm run dev` once to create .dev.vars');
  return importAesKey(base64ToBytes(masterKeyBase64));
}

const projectAad = (projectId: string) => `project:${projectId}:data-key`;
const secretAad = (webhookId: string, secretId: string) => `webhook:${webhookId}:secret:${secretId}`;

/** A fresh data key for a new project, returned wrapped for storage. */
export async function newWrappedDataKey(master: CryptoKey, projectId: string): Promise<string> {
  return seal(master, crypto.getRandomValues(new Uint8Array(32)), projectAad(projectId));
}

export async function unwrapDataKey(master: CryptoKey, projectId: string, wrapped: string): Promise<CryptoKey> {
  return importAesKey(await open(master, wrapped, projectAad(projectId)));
}

export async function encryptSecret(dataKey: CryptoKey, webhookId: string, secretId: string, secret: string): Promise<string> {
  return seal(dataKey, encoder.encode(secret), secretAad(webhookId, secretId));
}

export async function decryptSecret(dataKey: CryptoKey, webhookId: string, secretId: string, stored: string): Promise<string> {
  return decoder.decode(await open(dataKey, stored, secretAad(webhookId, secretId)));
}
