/**
 * When a custom hostname is checked again, and how long a claim that is not active holds its name.
 * A hostname waiting for DNS is checked soon and then less often (1, 2, 4 … minutes, at most hourly):
 * customers usually create their records within minutes, and one who forgets should not cost the
 * API budget every minute for a week. An active one is checked every 6 hours, to notice a customer
 * who moved the name away; Cloudflare itself drops a `moved` hostname after 7 days, and so do we.
 */
import type { DomainStatus } from './state';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** A claim that never became active (or stopped being active) is released after this long. */
export const CLAIM_LIFETIME_MS = 7 * 24 * HOUR_MS;
const ACTIVE_RECHECK_MS = 6 * HOUR_MS;
const MAX_PENDING_RECHECK_MS = HOUR_MS;

/** Milliseconds until the next check of a hostname in `status`, checked `checks` times in that status already. */
export function recheckDelay(status: DomainStatus, checks: number): number {
  switch (status) {
    case 'pending_dns':
    case 'validating_certificate':
    case 'moved':
      return Math.min(MINUTE_MS * 2 ** Math.min(checks, 10), MAX_PENDING_RECHECK_MS);
    case 'active':
    case 'failed':
      return ACTIVE_RECHECK_MS;
  }
}
