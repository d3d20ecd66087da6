/**
 * Where the CLI finds the control API and its token: HASP_API_URL / HASP_API_TOKEN override the
 * file `hasp login` writes ($XDG_CONFIG_HOME/hasp/config.json, else ~/.config/hasp/config.json,
 * mode 0600 in a 0700 directory). The file holds the API URL and token only, never a webhook secret.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { trimApiUrl } from './api-url';

/** The control API of a local `npm run dev`. */
export const DEFAULT_API_URL = 'http://api.localhost:8787';

export interface StoredConfig {
  api_url?: string;
  api_token?: string;
}

/** Where a token came from: a refused one is blamed on its source, so the fix names the right place. */
export type TokenSource = 'HASP_API_TOKEN' | 'config file' | '--token' | 'prompt';

export interface ResolvedConfig {
  /** Without a trailing `/v1` (see api-url.ts); checked when the first request goes out. */
  apiUrl: string;
  /** Where the API URL came from, for error messages. */
  apiUrlSource: string;
  token: string | null;
  /** Where the token came from, for `whoami` and error messages. */
  tokenSource: TokenSource | null;
  file: string;
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.length > 0 ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'hasp', 'config.json');
}

export function readStoredConfig(file: string): StoredConfig {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as StoredConfig) : {};
  } catch {
    return {};
  }
}

export function writeStoredConfig(file: string, config: StoredConfig): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // writeFileSync keeps the mode of a file that already existed; the token must stay private.
  chmodSync(file, 0o600);
}

export function removeStoredConfig(file: string): void {
  rmSync(file, { force: true });
}

export function resolveConfig(env: NodeJS.ProcessEnv = process.env): ResolvedConfig {
  const file = configPath(env);
  const stored = readStoredConfig(file);
  const envToken = env.HASP_API_TOKEN && env.HASP_API_TOKEN.length > 0 ? env.HASP_API_TOKEN : null;
  const token = envToken ?? stored.api_token ?? null;
  const [apiUrl, apiUrlSource] =
    env.HASP_API_URL && env.HASP_API_URL.length > 0 ? [env.HASP_API_URL, 'HASP_API_URL'] : stored.api_url ? [stored.api_url, file] : [DEFAULT_API_URL, 'the default'];
  return {
    apiUrl: trimApiUrl(apiUrl),
    apiUrlSource,
    token,
    tokenSource: envToken !== null ? 'HASP_API_TOKEN' : stored.api_token ? 'config file' : null,
    file,
  };
}

/** A token as it may be shown: its prefix and last four characters. */
export function maskToken(token: string): string {
  return token.length <= 12 ? '****' : `${token.slice(0, 6)}…${token.slice(-4)}`;
}
