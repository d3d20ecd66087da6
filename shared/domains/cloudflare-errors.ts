/**
 * How a call to Cloudflare's API failed, as callers act on it: unavailable (retry after a while:
 * a 429, a 5xx, a dropped connection) or refused (a 4xx that says why). Apart from the client so
 * the budget, which refuses calls itself, needs nothing else of it.
 */
export class CloudflareUnavailable extends Error {
  constructor(
    readonly retryAfterSeconds: number,
    readonly rateLimited: boolean,
  ) {
    super(rateLimited ? `Cloudflare's API is rate-limited for ${retryAfterSeconds} s` : 'Cloudflare’s API is unavailable');
  }
}

export class CloudflareRefused extends Error {
  constructor(
    readonly status: number,
    readonly codes: number[],
    readonly reasons: string[],
  ) {
    super(reasons.join(' ') || `Cloudflare refused the request (${status})`);
  }
}
