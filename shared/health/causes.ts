/**
 * Which refusals are symptoms of which sender problem. Refusals that are not (a wrong method, an
 * aborted body) open no issue: they say more about one request than about the sender.
 */
import type { ProblemCode } from '../http/problem';
import type { RefusalCause } from './thresholds';
import type { IssueCause } from './types';

/** The cause a refusal of `reason` counts towards, or null for refusals that say nothing about the sender's health. */
export function causeOf(reason: string): RefusalCause | null {
  const code = reason as ProblemCode;
  switch (code) {
    case 'missing-credential':
    case 'bad-signature':
    case 'timestamp-out-of-tolerance':
      return 'authentication';
    case 'schema-mismatch':
    case 'invalid-json':
    case 'invalid-form':
    case 'unsupported-media-type':
    case 'payload-too-large':
      return 'content';
    case 'rate-limited':
      return 'rate-limited';
    case 'ip-not-allowed':
      return 'ip-refused';
    default:
      return null;
  }
}

/** What an issue of `cause` says to a person: what is happening and what usually causes it. */
export function summaryOf(cause: IssueCause, facts: { count: number; topPath?: string | undefined; quietMinutes?: number | undefined }): string {
  switch (cause) {
    case 'authentication':
      return `${facts.count} requests failed authentication (bad or missing signature, or an expired timestamp). The sender's secret or clock has probably changed: compare the secret with the sender's, or rotate it.`;
    case 'content':
      return `${facts.count} requests were refused for their content${facts.topPath === undefined ? '' : `, most often at ${facts.topPath}`}. The sender's payloads no longer match the schema: check the schema proposal, fix the schema, then replay the kept requests.`;
    case 'rate-limited':
      return `${facts.count} requests were refused by the webhook's rate limit. The sender sends faster than the limit allows: raise the limit or ask the sender to slow down.`;
    case 'ip-refused':
      return `${facts.count} requests came from addresses outside the webhook's IP allowlist. The sender may have moved to new addresses: check its published ranges.`;
    case 'silence':
      return `No requests for ${facts.quietMinutes ?? 60} minutes from a sender that normally sends steadily. Check that the sender is still configured to call this webhook.`;
  }
}
