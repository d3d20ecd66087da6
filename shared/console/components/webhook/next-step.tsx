/**
 * The outcome of the last action on the webhook, at the top of its page. A refusal renders as the
 * console's ProblemNotice (who depends on what, unmet fields, failing paths); this module adds the
 * next steps that only this page meets: the ingress's answers to a signed test event.
 */
import type { FC } from 'hono/jsx';
import { ProblemNotice } from '../problem-notice';
import type { ApiProblem } from '../../api-client';
import type { Notice } from './types';

/** What to do after the ingress refused a test event, by its problem code; undefined for API refusals. */
export function ingressNextStep(problem: ApiProblem): string | undefined {
  switch (problem.code) {
    case 'schema-mismatch':
      return 'Fix the payload at the paths below so it matches the schema, or change the schema if the sender really sends this.';
    case 'invalid-json':
      return 'Send one JSON object as the payload.';
    case 'bad-signature':
    case 'missing-credential':
    case 'timestamp-out-of-tolerance':
      return 'The service signs test events with the current secret: if this persists, rotate the secret and try again.';
    case 'rate-limited':
      return 'The webhook’s rate limit was reached: wait a few seconds, or raise the limit under Settings.';
    case 'ip-not-allowed':
      return 'The IP allowlist refused the service’s own address: add it under Settings, or leave the allowlist empty while testing.';
    case 'payload-too-large':
      return 'Send a smaller payload, or raise the body limit with the API.';
    default:
      return undefined;
  }
}

/** `webhookId`: the page's webhook, so a refusal's links go straight to its triggers. */
export const ActionNotice: FC<{ notice: Notice | null; webhookId?: string }> = ({ notice, webhookId }) => {
  if (notice === null) return null;
  if (notice.kind === 'done') {
    return (
      <div class="flash notice" role="status">
        {notice.message}
      </div>
    );
  }
  const next = ingressNextStep(notice.problem);
  return <ProblemNotice problem={notice.problem} heading={`${notice.action}: refused`} {...(next === undefined ? {} : { nextStep: next })} {...(webhookId === undefined ? {} : { webhookId })} />;
};
