/**
 * Sender-health issues in the console's words: each cause and state as a person reads it, and the
 * next step each cause usually needs, with the place in the console that takes it.
 */
import type { IssueCause, IssueState, IssueView } from './types';

/** A cause as a short label: table cells, headings. */
export function causeLabel(cause: IssueCause): string {
  switch (cause) {
    case 'authentication':
      return 'Failing authentication';
    case 'content':
      return 'Payloads refused';
    case 'rate-limited':
      return 'Over the rate limit';
    case 'ip-refused':
      return 'Refused by the IP allowlist';
    case 'silence':
      return 'Sender gone silent';
  }
}

/** A state as a short label, and the badge class that goes with it (the text carries the meaning, not the colour). */
export function stateLabel(state: IssueState): { text: string; badge: 'bad' | 'warn' | 'ok' | 'off' } {
  switch (state) {
    case 'open':
      return { text: 'Open', badge: 'bad' };
    case 'acknowledged':
      return { text: 'Acknowledged', badge: 'warn' };
    case 'resolved':
      return { text: 'Resolved', badge: 'ok' };
    case 'ignored':
      return { text: 'Ignored', badge: 'off' };
  }
}

/** True while the issue wants someone's attention: open or acknowledged. */
export function isActive(issue: Pick<IssueView, 'state'>): boolean {
  return issue.state === 'open' || issue.state === 'acknowledged';
}

/** What to do about an issue of `cause`, and where on the webhook's page it is done. */
export function nextStepOf(cause: IssueCause, webhookId: string): { text: string; href: string; label: string } {
  const page = `/webhooks/${encodeURIComponent(webhookId)}`;
  switch (cause) {
    case 'authentication':
      return { text: 'The sender’s secret or clock has probably changed. Compare the secret with the sender’s, or rotate it and give the sender the new one.', href: `${page}#auth`, label: 'Authentication and secret' };
    case 'content':
      return { text: 'The sender’s payloads no longer match the schema. Apply the proposed schema change, or change the schema yourself; then replay the kept requests from here.', href: `${page}#schema`, label: 'Change the schema' };
    case 'rate-limited':
      return { text: 'The sender sends faster than the webhook’s rate limit allows. Raise the limit, or ask the sender to slow down.', href: `${page}#settings`, label: 'Rate limit and IP allowlist' };
    case 'ip-refused':
      return { text: 'The sender may have moved to new addresses. Check its published ranges and update the IP allowlist.', href: `${page}#settings`, label: 'Rate limit and IP allowlist' };
    case 'silence':
      return { text: 'A sender that sent steadily has stopped. Check that it is still configured to call this webhook’s URL, and that its deliveries are not failing on its side.', href: `${page}#urls`, label: 'Where senders post' };
  }
}

/** `3 requests` / `1 request`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The issue's count with its unit: refused requests, or for silence the quiet hours. */
export function countText(issue: Pick<IssueView, 'cause' | 'count'>): string {
  return issue.cause === 'silence' ? plural(issue.count, 'quiet hour') : plural(issue.count, 'refused request');
}

/** The summary's first sentence (what happened), for lists: the advice after it is on the issue's page. */
export function firstSentence(summary: string): string {
  const end = /\.\s+(?=[A-Z])/.exec(summary);
  return end === null ? summary : summary.slice(0, end.index + 1);
}
