/**
 * The control API's refusals of `/v1/domains` calls in the words of the Domains page: one sentence
 * for a flash, and the next step beside the add form. Every sentence says whether anything changed
 * and what to do next.
 */
import type { ApiProblem } from '../../api-client';
import type { TakeoverRecord } from '../../../domains/takeover-proof';

/** Seconds until Cloudflare may be asked again: the answer's Retry-After, which the API client carries. */
export function retryAfterSeconds(problem: ApiProblem): number | null {
  const carried = problem.retry_after_seconds;
  return carried === undefined ? null : Math.ceil(carried);
}

/** "Cloudflare is unavailable; try again in 7 seconds": the words every 503 of Cloudflare's shows. */
export function cloudflareUnavailableText(problem: ApiProblem): string {
  const seconds = retryAfterSeconds(problem);
  return `Cloudflare is unavailable; try again in ${seconds === null ? 'a few seconds' : `${seconds} second${seconds === 1 ? '' : 's'}`}.`;
}

/** The TXT record that takes over another org's claim, when a 409 carries one. */
export function takeoverOf(problem: ApiProblem): TakeoverRecord | null {
  const record = problem.takeover;
  if (typeof record !== 'object' || record === null) return null;
  const { type, name, value } = record as Record<string, unknown>;
  return type === 'TXT' && typeof name === 'string' && typeof value === 'string' ? { type, name, value } : null;
}

/** When another org's claim that is not active lapses, if the 409 says. */
export function claimExpiresAt(problem: ApiProblem): string | null {
  return typeof problem.claim_expires_at === 'string' ? problem.claim_expires_at : null;
}

/** What the person does next after `/v1/domains` refused to add a hostname. */
export function addRefusalNextStep(problem: ApiProblem): string {
  switch (problem.code) {
    case 'invalid-request':
      return 'Correct the hostname and add it again: a name in a domain your org owns, such as api.example.com, without https:// or a path.';
    case 'conflict':
      return takeoverOf(problem) === null
        ? 'Pick another hostname, or remove this one where it is added first.'
        : 'If your org controls this DNS name, create the TXT record below at your DNS provider, wait until it resolves, then add the hostname again.';
    case 'hostname-quota-exhausted':
      return 'Nothing was created. Ask HASP support to raise the custom hostname quota, or remove a hostname you no longer use.';
    case 'cloudflare-unavailable':
      return `${cloudflareUnavailableText(problem)} Nothing was created, and adding the same hostname again is safe.`;
    case 'custom-domains-not-configured':
      return 'Nothing was created. This deployment’s operator must configure Cloudflare for SaaS before hostnames can be added.';
    case 'cloudflare-refused':
      return 'Nothing was created. Check the hostname; if it is right, try again later or contact HASP support with the message above.';
    default:
      return 'Nothing was created. Try again in a moment; if it keeps failing, use the API or the hasp CLI and contact support.';
  }
}

/** One sentence for the flash after "Check now" or "Remove" was refused. */
export function actionRefusalText(action: 'check' | 'remove', hostname: string, problem: ApiProblem): string {
  const nothing = action === 'check' ? 'Its state was not changed.' : 'Nothing was removed.';
  switch (problem.code) {
    case 'cloudflare-unavailable':
      return `${cloudflareUnavailableText(problem)} ${nothing}`;
    case 'not-found':
      return `${hostname} is not a hostname of this project: it may have been removed already.`;
    default:
      return `${action === 'check' ? 'Could not check' : 'Could not remove'} ${hostname}: ${problem.detail} ${nothing}`;
  }
}
