/**
 * Cloudflare's custom-hostnames API on the SaaS zone, through the official SDK's tree-shakable client
 * (only the custom-hostname resources are bundled). Every call is counted against the service's
 * share of the token's rate limit first (api-budget.ts), never retried by the SDK (a control request
 * answers 503 with Retry-After instead of waiting, and the cron comes back on its own), and its
 * failures reach callers as two errors: unavailable (retry later) and refused (a 4xx that says why).
 * The token is sent as a header only: SDK errors carry the response body, never the request.
 */
import { APIConnectionError, APIError } from 'cloudflare/core/error';
import { BaseCustomHostnames } from 'cloudflare/resources/custom-hostnames/custom-hostnames';
import { BaseQuota } from 'cloudflare/resources/custom-hostnames/quota';
import { createClient } from 'cloudflare/tree-shakable';
import type { ApiBudget } from './api-budget';
import { CloudflareRefused, CloudflareUnavailable } from './cloudflare-errors';
import type { CustomHostname } from './state';

const PRODUCTION_BASE_URL = 'https://api.cloudflare.com/client/v4';
/** The local fake needs a token, as the real API does; any non-empty one. */
const LOCAL_FAKE_TOKEN = 'local-fake-token';
const REQUEST_TIMEOUT_MS = 10_000;
/** Retry-After for a 5xx or a dropped connection: Cloudflare gives none. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 30;
const RATE_LIMITED_RETRY_AFTER_SECONDS = 60;
/** Cloudflare's error codes (docs: "Status codes - Custom hostnames"). */
export const DUPLICATE_HOSTNAME = 1406;
/** Quota not allocated, quota exceeded. */
export const QUOTA_REFUSALS = [1404, 1405];
/** Invalid, non-ASCII, reserved top-level domain, unparseable, example.com/.net/.org. */
export const HOSTNAME_REFUSALS = [1407, 1408, 1409, 1410, 1411];

export interface QuotaUse {
  used: number;
  hardCap: number;
}

export interface CustomHostnamesApi {
  create(hostname: string, metadata: Record<string, string>): Promise<CustomHostname>;
  /** null: Cloudflare has no custom hostname with this id (any more). */
  get(id: string): Promise<CustomHostname | null>;
  findByHostname(hostname: string): Promise<CustomHostname | null>;
  /** Deleting one Cloudflare no longer has is done, not an error. */
  remove(id: string): Promise<void>;
  quota(): Promise<QuotaUse>;
}

/** The API the deployment is configured for, or null when custom domains are not set up here. */
export function customHostnamesApi(env: Env, budget: ApiBudget): CustomHostnamesApi | null {
  const zoneId = env.SAAS_ZONE_ID ?? '';
  const binding = env.CLOUDFLARE_API;
  const token = env.CLOUDFLARE_API_TOKEN ?? (binding ? LOCAL_FAKE_TOKEN : '');
  if (zoneId === '' || token === '') return null;
  const client = createClient({
    apiToken: token,
    baseURL: PRODUCTION_BASE_URL,
    maxRetries: 0,
    timeout: REQUEST_TIMEOUT_MS,
    logLevel: 'off',
    ...(binding ? { fetch: (input: string | URL | Request, init?: RequestInit) => binding.fetch(input, init) } : {}),
    resources: [BaseCustomHostnames, BaseQuota],
  });
  const call = async <T>(request: () => Promise<T>): Promise<T> => {
    await budget.spend();
    try {
      return await request();
    } catch (error) {
      throw await translated(error, budget);
    }
  };
  const absentIfNotFound = async <T>(request: () => Promise<T>): Promise<T | null> => {
    try {
      return await call(request);
    } catch (error) {
      if (error instanceof CloudflareRefused && error.status === 404) return null;
      throw error;
    }
  };
  const hostnames = client.customHostnames;

  return {
    create: (hostname, metadata) =>
      call(() => hostnames.create({ zone_id: zoneId, hostname, ssl: { method: 'txt', type: 'dv' }, custom_metadata: metadata })),
    get: (id) => absentIfNotFound(() => hostnames.get(id, { zone_id: zoneId })),
    findByHostname: async (hostname) => {
      const page = await call(() => hostnames.list({ zone_id: zoneId, hostname: { exact: hostname }, per_page: 5 }));
      return page.result.find((h) => h.hostname === hostname) ?? null;
    },
    remove: async (id) => {
      await absentIfNotFound(() => hostnames.delete(id, { zone_id: zoneId }));
    },
    quota: async () => {
      const quota = await call(() => hostnames.quota.get({ zone_id: zoneId }));
      return { used: quota.used, hardCap: quota.hard_cap };
    },
  };
}

async function translated(error: unknown, budget: ApiBudget): Promise<Error> {
  if (error instanceof APIConnectionError) return new CloudflareUnavailable(UNAVAILABLE_RETRY_AFTER_SECONDS, false);
  if (!(error instanceof APIError) || error.status === undefined) return error instanceof Error ? error : new Error(String(error));
  if (error.status === 429) {
    const seconds = retryAfterSeconds(error.headers?.get('retry-after') ?? null) ?? RATE_LIMITED_RETRY_AFTER_SECONDS;
    await budget.pauseFor(seconds);
    return new CloudflareUnavailable(seconds, true);
  }
  if (error.status >= 500) return new CloudflareUnavailable(UNAVAILABLE_RETRY_AFTER_SECONDS, false);
  return new CloudflareRefused(
    error.status,
    error.errors.flatMap((e) => (e.code === undefined ? [] : [e.code])),
    error.errors.flatMap((e) => (e.message ? [e.message] : [])),
  );
}

/** `retry-after` as seconds: a number of seconds or an HTTP date. */
function retryAfterSeconds(header: string | null): number | null {
  if (header === null) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(1, Math.ceil((at - Date.now()) / 1000));
}
