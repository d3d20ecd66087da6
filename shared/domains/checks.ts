/**
 * The cron's pass over custom hostnames: claims that never became active are released once they
 * expire, then the hostnames whose next check is due are re-read at Cloudflare, oldest due first.
 * A run makes at most CHECKS_PER_RUN calls (with a run a minute, half the service's budget in
 * api-budget.ts, so people adding and checking domains always have the other half) and stops at the
 * first sign that Cloudflare wants fewer: the rest wait for the next run.
 */
import { and, asc, lte, ne } from 'drizzle-orm';
import { customHostnames } from '../db/schema';
import { QUOTA_REFUSALS } from './cloudflare-api';
import { CloudflareRefused, CloudflareUnavailable } from './cloudflare-errors';
import { postpone, refresh, release, type Domains } from './provisioning';

export const CHECKS_PER_RUN = 100;

export interface CheckRun {
  released: number;
  checked: number;
  /** Why the run ended before its work did; null when nothing was left. */
  stopped: 'rate-limited' | 'unavailable' | 'token-refused' | null;
}

export async function checkDomains(domains: Domains, limit = CHECKS_PER_RUN): Promise<CheckRun> {
  const run: CheckRun = { released: 0, checked: 0, stopped: null };
  const now = new Date(domains.now()).toISOString();
  const expired = await domains.db
    .select()
    .from(customHostnames)
    .where(and(ne(customHostnames.status, 'active'), lte(customHostnames.expiresAt, now)))
    .limit(limit)
    .all();
  for (const row of expired) {
    if (!(await attempt(run, () => release(domains, row)))) return run;
    run.released += 1;
  }
  const due = await domains.db
    .select()
    .from(customHostnames)
    .where(lte(customHostnames.nextCheckAt, now))
    .orderBy(asc(customHostnames.nextCheckAt))
    .limit(limit - run.released)
    .all();
  for (const row of due) {
    if (!(await attempt(run, () => refresh(domains, row), () => postpone(domains, row)))) return run;
    run.checked += 1;
  }
  return run;
}

/**
 * Runs one call; false when the run must stop. A refusal about one row postpones that row only; a
 * refused token (401, 403 other than the quota's) would refuse every row, so it stops the run.
 */
async function attempt(run: CheckRun, call: () => Promise<unknown>, onRefused?: () => Promise<void>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (error) {
    if (error instanceof CloudflareUnavailable) {
      run.stopped = error.rateLimited ? 'rate-limited' : 'unavailable';
      return false;
    }
    if (error instanceof CloudflareRefused && (error.status === 401 || error.status === 403) && !error.codes.some((code) => QUOTA_REFUSALS.includes(code))) {
      run.stopped = 'token-refused';
      return false;
    }
    if (error instanceof CloudflareRefused) {
      await onRefused?.();
      return true;
    }
    throw error;
  }
}
