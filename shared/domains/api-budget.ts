/**
 * The service's share of the Cloudflare API token's rate limit (1,200 requests per 5 minutes): every
 * call spends from the CLOUDFLARE_API_CALLS rate limit (200 a minute, so at most 1,000 per 5
 * minutes, leaving room for the operator's own use of the token), and after a 429 no call is made
 * until Cloudflare's `retry-after` has passed: the pause is kept in D1, where every isolate and the
 * cron see it.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { cloudflareApiPause } from '../db/schema';
import { CloudflareUnavailable } from './cloudflare-errors';

/** The period of the CLOUDFLARE_API_CALLS binding (wrangler.toml): a refused call retries after it. */
const BUDGET_PERIOD_SECONDS = 60;
const PAUSE_ROW = 1;

export interface ApiBudget {
  /** Throws CloudflareUnavailable when no call may be made now. */
  spend(): Promise<void>;
  pauseFor(seconds: number): Promise<void>;
}

export function apiBudget(env: Pick<Env, 'CLOUDFLARE_API_CALLS'>, db: Db, now: () => number): ApiBudget {
  let pausedUntil: number | undefined;
  return {
    async spend() {
      if (pausedUntil === undefined) {
        const row = await db.select({ until: cloudflareApiPause.until }).from(cloudflareApiPause).where(eq(cloudflareApiPause.id, PAUSE_ROW)).get();
        pausedUntil = row ? Date.parse(row.until) : 0;
      }
      const wait = Math.ceil((pausedUntil - now()) / 1000);
      if (wait > 0) throw new CloudflareUnavailable(wait, true);
      const { success } = await env.CLOUDFLARE_API_CALLS.limit({ key: 'custom-hostnames' });
      if (!success) throw new CloudflareUnavailable(BUDGET_PERIOD_SECONDS, true);
    },
    async pauseFor(seconds) {
      pausedUntil = now() + seconds * 1000;
      const until = new Date(pausedUntil).toISOString();
      await db.insert(cloudflareApiPause).values({ id: PAUSE_ROW, until }).onConflictDoUpdate({ target: cloudflareApiPause.id, set: { until } });
    },
  };
}
