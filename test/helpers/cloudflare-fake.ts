/** The local fake of Cloudflare's custom-hostnames API (workers/cloudflare-fake), driven as a test drives DNS and faults. */
import { env } from 'cloudflare:test';

const ZONE = (): string => env.SAAS_ZONE_ID ?? '';

async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
  const fake = env.CLOUDFLARE_API;
  if (fake === undefined) throw new Error('the tests bind no CLOUDFLARE_API fake');
  const response = await fake.fetch(`https://api.cloudflare.com/__fake/zones/${ZONE()}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`fake control ${method} ${path}: ${response.status} ${await response.text()}`);
  return (response.headers.get('content-type') ?? '').includes('json') ? response.json<T>() : (undefined as T);
}

export interface FakeHostname {
  id: string;
  hostname: string;
  status: string;
  custom_metadata?: Record<string, string>;
  ssl?: { status?: string };
}

/** Every custom hostname the fake zone holds. */
export async function fakeHostnames(): Promise<FakeHostname[]> {
  // Each stored hostname with `view`: the object the API answers for it.
  const listed = await control<{ hostnames: { view: FakeHostname }[] }>('GET', '/hostnames');
  return listed.hostnames.map((h) => h.view);
}

export async function fakeHostname(hostname: string): Promise<FakeHostname | undefined> {
  return (await fakeHostnames()).find((h) => h.hostname === hostname);
}

/** API requests the fake zone has answered so far. */
export async function fakeCalls(): Promise<number> {
  return (await control<{ total: number }>('GET', '/calls')).total;
}

export function fakeFault(fault: { kind: 'rate_limited'; retry_after_seconds: number; times: number } | { kind: 'unavailable'; times: number }): Promise<void> {
  return control('POST', '/faults', fault);
}

export function clearFakeFaults(): Promise<void> {
  return control('DELETE', '/faults');
}

export function setFakeQuota(quota: { allocated?: number; hard_cap?: number }): Promise<void> {
  return control('POST', '/quota', quota);
}

/** What the customer's DNS (or Cloudflare's dashboard) did to the hostname. */
export function forceFakeHostname(hostname: string, state: { dns?: 'points_here' | 'missing'; status?: string; ssl_status?: string; verification_errors?: string[]; validation_errors?: string[] }): Promise<void> {
  return control('POST', `/hostnames/${hostname}`, state);
}

/** Someone removed the hostname in Cloudflare's dashboard. */
export function deleteFakeHostname(hostname: string): Promise<void> {
  return control('DELETE', `/hostnames/${hostname}`);
}
