/**
 * Issues as lists: the Issues page's table, the open-issues badge of a webhook (its count in words,
 * linking to its issues), and the short list on a webhook's page.
 */
import type { FC } from 'hono/jsx';
import { When } from '../webhook/when';
import type { IssueView } from './types';
import { causeLabel, countText, firstSentence, plural, stateLabel } from './words';

/** The console page of one issue. */
export function issueHref(id: string): string {
  return `/issues/${encodeURIComponent(id)}`;
}

/** The Issues page filtered to one webhook's open and acknowledged issues. */
export function webhookIssuesHref(webhookId: string): string {
  return `/issues?webhook=${encodeURIComponent(webhookId)}`;
}

export const StateBadge: FC<{ issue: Pick<IssueView, 'state'> }> = ({ issue }) => {
  const { text, badge } = stateLabel(issue.state);
  return <span class={`badge ${badge}`}>{text}</span>;
};

/** A webhook's open (and acknowledged) issues as a badge that reads as words, linking to them; none reads "None open". `count` null: the API could not count them just now. */
export const OpenIssuesBadge: FC<{ webhookId: string; count: number | null }> = ({ webhookId, count }) => {
  if (count === null) return <span class="muted">n/a</span>;
  if (count === 0) return <span class="muted">None open</span>;
  return (
    <a class="badge bad" href={webhookIssuesHref(webhookId)}>
      {plural(count, 'open issue')}
    </a>
  );
};

/** The webhook of an issue by name, linking to its page; its id when it is not among those read. */
const WebhookName: FC<{ id: string; names: ReadonlyMap<string, string> }> = ({ id, names }) => {
  const name = names.get(id);
  return <a href={`/webhooks/${encodeURIComponent(id)}`}>{name ?? <code>{id}</code>}</a>;
};

export const IssuesTable: FC<{ issues: readonly IssueView[]; webhookNames: ReadonlyMap<string, string>; caption: string }> = ({ issues, webhookNames, caption }) => (
  <table class="issues">
    <caption>{caption}</caption>
    <thead>
      <tr>
        <th scope="col">Issue</th>
        <th scope="col">Webhook</th>
        <th scope="col">State</th>
        <th scope="col">Count</th>
        <th scope="col">First seen</th>
        <th scope="col">Last seen</th>
      </tr>
    </thead>
    <tbody>
      {issues.map((issue) => (
        <tr>
          <th scope="row">
            <a href={issueHref(issue.id)}>{causeLabel(issue.cause)}</a>
            <div class="issue-summary muted">{firstSentence(issue.summary)}</div>
          </th>
          <td>
            <WebhookName id={issue.webhook_id} names={webhookNames} />
          </td>
          <td>
            <StateBadge issue={issue} />
            {issue.reopen_count > 0 && <div class="muted">re-opened {plural(issue.reopen_count, 'time')}</div>}
          </td>
          <td>{countText(issue)}</td>
          <td>
            <When at={issue.first_seen_at} />
          </td>
          <td>
            <When at={issue.last_seen_at} />
          </td>
        </tr>
      ))}
    </tbody>
  </table>
);

/** A webhook's open and acknowledged issues on its page: each links to its own page. */
export const WebhookIssues: FC<{ webhookId: string; issues: readonly IssueView[] | null }> = ({ webhookId, issues }) => {
  if (issues === null) return <p>Its issues could not be read just now; reload the page.</p>;
  if (issues.length === 0) return <p>No open issues: its senders are being answered as expected.</p>;
  return (
    <>
      <ul class="plain issue-list">
        {issues.map((issue) => (
          <li>
            <StateBadge issue={issue} /> <a href={issueHref(issue.id)}>{causeLabel(issue.cause)}</a>: {countText(issue)}, last seen <When at={issue.last_seen_at} />
            <div class="muted">{firstSentence(issue.summary)}</div>
          </li>
        ))}
      </ul>
      <p>
        <a href={`/issues?webhook=${encodeURIComponent(webhookId)}&state=all`}>All issues of this webhook</a>, resolved and ignored ones too.
      </p>
    </>
  );
};
