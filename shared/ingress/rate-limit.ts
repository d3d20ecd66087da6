/**
 * Per-webhook rate limits on Workers' Rate Limiting binding. A `[[ratelimits]]` binding's limit and
 * period are fixed in wrangler.toml, so the service offers a ladder: one binding per (period,
 * limit) below, and a webhook picks one rung. Each webhook counts under its own key (its id) in
 * the binding of its rung; changing the rung starts a fresh count.
 *
 * The binding counts per Cloudflare location and is eventually consistent: a limit caps a sender's
 * rate approximately, not to the request. Locally (wrangler dev, tests) miniflare counts in memory
 * per process, in fixed windows aligned to the period.
 */

import { safeErrorText } from '../http/safe-error';

export const RATE_LIMIT_PERIODS = [10, 60] as const;
export type RateLimitPeriod = (typeof RATE_LIMIT_PERIODS)[number];

/** The bindings of env.d.ts that are rate limiters. */
type RateLimitBinding = { [K in keyof Env]-?: Env[K] extends RateLimit ? K : never }[keyof Env];

interface Rung {
  periodSeconds: RateLimitPeriod;
  requests: number;
  binding: RateLimitBinding;
}

/** Every rung offered; each has its `[[ratelimits]]` binding at the top level and in [env.production]. */
export const RATE_LIMIT_LADDER = [
  { periodSeconds: 10, requests: 10, binding: 'RATE_LIMIT_10S_10' },
  { periodSeconds: 10, requests: 50, binding: 'RATE_LIMIT_10S_50' },
  { periodSeconds: 10, requests: 100, binding: 'RATE_LIMIT_10S_100' },
  { periodSeconds: 10, requests: 500, binding: 'RATE_LIMIT_10S_500' },
  { periodSeconds: 10, requests: 1000, binding: 'RATE_LIMIT_10S_1000' },
  { periodSeconds: 60, requests: 60, binding: 'RATE_LIMIT_60S_60' },
  { periodSeconds: 60, requests: 300, binding: 'RATE_LIMIT_60S_300' },
  { periodSeconds: 60, requests: 600, binding: 'RATE_LIMIT_60S_600' },
  { periodSeconds: 60, requests: 3000, binding: 'RATE_LIMIT_60S_3000' },
  { periodSeconds: 60, requests: 6000, binding: 'RATE_LIMIT_60S_6000' },
] as const satisfies readonly Rung[];

/** A webhook's limit as the API shows it. */
export interface RateLimitSetting {
  requests: number;
  period_seconds: RateLimitPeriod;
}

/** The limits offered for one period, smallest first: what a 400 lists. */
export function offeredLimits(periodSeconds: RateLimitPeriod): number[] {
  return RATE_LIMIT_LADDER.filter((r) => r.periodSeconds === periodSeconds).map((r) => r.requests);
}

/** The rung of a setting, or null when it is not offered. */
export function rungOf(setting: RateLimitSetting): Rung | null {
  return RATE_LIMIT_LADDER.find((r) => r.periodSeconds === setting.period_seconds && r.requests === setting.requests) ?? null;
}

export type RateLimitOutcome = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * Counts one request of `webhookId` against its rung. Over the limit, the sender is told to retry
 * after a whole period: the binding does not say where its window stands, and a whole period is
 * never shorter than what is left of it. A limiter that is missing or fails lets the request
 * through: the limit shields the workflows from floods, it does not authenticate anyone.
 */
export async function countRequest(env: Env, rung: Rung, webhookId: string): Promise<RateLimitOutcome> {
  const limiter: RateLimit | undefined = env[rung.binding];
  if (limiter === undefined) {
    console.error('rate limit binding missing', rung.binding);
    return { ok: true };
  }
  try {
    const { success } = await limiter.limit({ key: webhookId });
    return success ? { ok: true } : { ok: false, retryAfterSeconds: rung.periodSeconds };
  } catch (err) {
    console.error('rate limiter failed', rung.binding, safeErrorText(err));
    return { ok: true };
  }
}

export type { Rung as RateLimitRung };
