/**
 * Faults a test or a developer queues for a zone (POST /__fake/zones/:zone_id/faults): the next
 * `times` API requests to the zone meet the fault instead of an answer, in the order queued.
 */
import { apiFailure } from './api-errors';

export type Fault =
  /** HTTP 429 with `retry-after`, as the API answers past its rate limit. */
  | { kind: 'rate_limited'; retry_after_seconds: number }
  /**
   * The API's documented server error (500, code 1500). A gateway outage's 502 or 503 has no
   * documented body; the fake keeps the same envelope under that status.
   */
  | { kind: 'unavailable'; status: 500 | 502 | 503 };

/** The response a request meets when it draws `fault`. */
export function faultResponse(fault: Fault): Response {
  switch (fault.kind) {
    case 'rate_limited':
      return apiFailure('rate_limited', {
        // The API's rate-limit headers ("Rate limits" in its docs): no quota left until the retry.
        headers: {
          'retry-after': String(fault.retry_after_seconds),
          ratelimit: `"default";r=0;t=${fault.retry_after_seconds}`,
        },
      });
    case 'unavailable':
      return apiFailure('internal', { status: fault.status });
  }
}
