/**
 * The master key, imported once per isolate per MASTER_KEY value (tests may bind another).
 * The CryptoKey is non-extractable; the base64 text stays where the runtime put it, in env.
 */
import { importMasterKey } from './keyring';

const imported = new Map<string, Promise<CryptoKey>>();

export function masterKeyFor(env: { MASTER_KEY: string }): Promise<CryptoKey> {
  let key = imported.get(env.MASTER_KEY);
  if (!key) {
    key = importMasterKey(env.MASTER_KEY);
    key.catch(() => imported.delete(env.MASTER_KEY));
    imported.set(env.MASTER_KEY, key);
  }
  return key;
}
