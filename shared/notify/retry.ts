/**
 * How a notification that was not delivered is retried: after the n-th failed attempt it waits
 * RETRY_DELAYS_SECONDS[n-1] (×3 each time, about 20 minutes in all); the attempt after the last
 * delay is the last one. wrangler.toml's `max_retries` for hasp-notifications is the number of
 * delays, so the queue never drops a message the consumer would still retry
 * (test/node/notifications-config.test.ts holds the two together).
 */
export const RETRY_DELAYS_SECONDS = [10, 30, 90, 270, 810] as const;

/** Deliveries of one message: the first, and one per delay. */
export const MAX_ATTEMPTS = 1 + RETRY_DELAYS_SECONDS.length;

/** The delay before retrying after the `attempts`-th failed attempt (1-based). */
export function retryDelaySeconds(attempts: number): number {
  const index = Math.min(Math.max(attempts, 1), RETRY_DELAYS_SECONDS.length) - 1;
  return RETRY_DELAYS_SECONDS[index] ?? RETRY_DELAYS_SECONDS[0];
}
