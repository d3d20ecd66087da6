/**
 * The fake's bindings (./wrangler.toml) and the two numbers its vars set. The fake has an env of its
 * own: it is a separate Worker, so the service's `Cloudflare.Env` (../../env.d.ts) is not its type.
 */
import type { FakeZone } from './fake-zone';

export interface FakeEnv {
  /** One object per zone, named by zone id (./fake-zone.ts). */
  FAKE_ZONES: DurableObjectNamespace<FakeZone>;
  /** A zone's soft quota until a control sets it; "100" when unset. */
  FAKE_QUOTA_ALLOCATED?: string;
  /** Reads a hostname needs before it is active (./lifecycle.ts); "2" when unset. */
  FAKE_CHECKS_TO_ACTIVE?: string;
}

const DEFAULT_QUOTA_ALLOCATED = 100;
const DEFAULT_CHECKS_TO_ACTIVE = 2;

/** A zone's `allocated` quota before any control changes it. */
export function defaultAllocated(env: FakeEnv): number {
  return wholeNumber(env.FAKE_QUOTA_ALLOCATED, DEFAULT_QUOTA_ALLOCATED, 'FAKE_QUOTA_ALLOCATED');
}

/** How many reads take a hostname whose DNS points here from created to active. */
export function checksToActive(env: FakeEnv): number {
  return wholeNumber(env.FAKE_CHECKS_TO_ACTIVE, DEFAULT_CHECKS_TO_ACTIVE, 'FAKE_CHECKS_TO_ACTIVE');
}

function wholeNumber(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  // A typo here would silently change every test's timing; fail where the var is read instead.
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${name} must be a whole number, not "${value}"`);
  return parsed;
}

/** Builds the control and API routes' handle on a zone's object. */
export function zoneObject(env: FakeEnv, zoneId: string): DurableObjectStub<FakeZone> {
  return env.FAKE_ZONES.getByName(zoneId);
}
