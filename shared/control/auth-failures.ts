/**
 * Wrong API tokens from one client are slowed: past AUTH_FAILURE_LIMIT wrong tokens in
 * AUTH_FAILURE_PERIOD_SECONDS, the client's requests to `/v1/*` and the console's sign-in are
 * answered 429 until the period has passed, before any token is looked up in D1.
 *
 * Design. The Rate Limiting binding (`AUTH_FAILURES` in wrangler.toml) has one call, `limit`,
 * which counts and checks at once; it cannot be asked "is this client over?" without counting a
 * request. So only failures are counted there — a right token never spends anything — and when
 * the binding refuses a failure, this isolate remembers the client as blocked for a whole period.
 * A blocked client is refused from memory, with no D1 read and no binding call, whatever token it
 * sends: the point is to slow a guesser, and a right guess must not get through either. Another
 * isolate learns of the block at that client's next wrong token there, so a guesser spread over
 * isolates gets one more D1 read per isolate and period, no more. The memory is bounded
 * (`maxBlocked`); as every block lasts one period, the oldest entry is always the soonest to end,
 * and it is the one dropped when the bound is reached.
 *
 * The binding counts per Cloudflare location and approximately; like the webhook rate limits
 * (shared/ingress/rate-limit.ts) it fails open: a binding that is missing or throws lets the
 * request be answered as before (401), since the limit slows guessing, it does not authenticate.
 */
import ipaddr from 'ipaddr.js';
import { safeErrorText } from '../http/safe-error';

/** Wrong tokens one client may send per period before it is refused (wrangler.toml's `AUTH_FAILURES`). */
export const AUTH_FAILURE_LIMIT = 20;
/** The period of that limit, in seconds; a refused client waits this long. */
export const AUTH_FAILURE_PERIOD_SECONDS = 60;

/** Blocked clients one isolate remembers: a few hundred kilobytes at most. */
const MAX_BLOCKED = 10_000;

/**
 * Clients without an address (or with one that does not parse) share this key. Behind Cloudflare every request has
 * `CF-Connecting-IP` (set from the connection; a client cannot choose it), so only requests that
 * did not pass the edge lack one — local tools and tests. They are counted together rather than
 * not at all, so nothing that reaches the Worker can guess uncounted.
 */
const NO_ADDRESS = 'no-client-address';

/**
 * The key a client's failures are counted under: its address, or for IPv6 its /64, since one host
 * is routinely given a whole /64 and could otherwise take a fresh address for each guess.
 */
export function clientKey(request: Request): string {
  const address = request.headers.get('cf-connecting-ip')?.trim() ?? '';
  if (ipaddr.IPv4.isValidFourPartDecimal(address)) return address;
  // Only a request that bypassed the edge can carry something else here: it counts as unaddressed.
  if (address.includes('%') || !ipaddr.IPv6.isValid(address)) return NO_ADDRESS;
  const v6 = ipaddr.IPv6.parse(address);
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  return `${v6.parts.slice(0, 4).map((part) => part.toString(16)).join(':')}::/64`;
}

export interface AuthFailuresOptions {
  now?: () => number;
  maxBlocked?: number;
}

/** One isolate's view of wrong tokens: counts them on the binding, remembers whom it refused. */
export class AuthFailures {
  private readonly now: () => number;
  private readonly maxBlocked: number;
  /** Client key → when its block ends (ms). Insertion order is expiry order: every block is one period. */
  private readonly blockedUntil = new Map<string, number>();

  constructor(opts: AuthFailuresOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.maxBlocked = opts.maxBlocked ?? MAX_BLOCKED;
  }

  /** Seconds `client` must still wait, or null when it is not blocked. No I/O: call it before the token check. */
  blocked(client: string): number | null {
    const until = this.blockedUntil.get(client);
    if (until === undefined) return null;
    const left = until - this.now();
    if (left <= 0) {
      this.blockedUntil.delete(client);
      return null;
    }
    return Math.ceil(left / 1000);
  }

  /**
   * Counts one wrong token from `client` on `limiter`. Returns the seconds to wait when this failure
   * was one too many (the client is then blocked in this isolate), else null.
   */
  async countFailure(limiter: RateLimit | undefined, client: string): Promise<number | null> {
    if (limiter === undefined) {
      console.error('rate limit binding missing', 'AUTH_FAILURES');
      return null;
    }
    let success: boolean;
    try {
      ({ success } = await limiter.limit({ key: client }));
    } catch (err) {
      console.error('auth failure limiter failed', safeErrorText(err));
      return null;
    }
    if (success) return null;
    this.block(client);
    return AUTH_FAILURE_PERIOD_SECONDS;
  }

  private block(client: string): void {
    const now = this.now();
    // Re-inserted at the end, so the map stays in expiry order.
    this.blockedUntil.delete(client);
    for (const [key, until] of this.blockedUntil) {
      if (until > now && this.blockedUntil.size < this.maxBlocked) break;
      this.blockedUntil.delete(key);
    }
    this.blockedUntil.set(client, now + AUTH_FAILURE_PERIOD_SECONDS * 1000);
  }
}

/** The problem detail of a refused client: when to retry, nothing about what it sent. */
export function tooManyFailuresDetail(retryAfterSeconds: number): string {
  return `Too many wrong API tokens from this client. Retry after ${retryAfterSeconds} s with a current project API token.`;
}
