/**
 * One issue's page, a function of what the route read: what is happening and what to do about it,
 * the buttons that change its state, for content causes the replay of its kept requests, then its
 * timeline, the paths that fail most and its sample refusals. Nothing on it is a payload value: the
 * issue holds reasons, paths, types, counts and times only.
 */
import type { Child, FC } from 'hono/jsx';
import type { ApiProblem } from '../../api-client';
import { Copyable } from '../../components/copy-button';
import { IssueActions, IssueTimeline, ReplayKept, ReplayResult, SamplesTable, TopPathsTable } from '../../components/issues/issue-detail';
import { StateBadge } from '../../components/issues/issues-table';
import type { IssueReplayView, IssueView, ProposalView } from '../../components/issues/types';
import { causeLabel, countText, isActive, nextStepOf } from '../../components/issues/words';
import { ProblemNotice } from '../../components/problem-notice';
import { When } from '../../components/webhook/when';

export interface IssuePageData {
  issue: IssueView;
  webhook: { id: string; name: string; slug: string } | null;
  /** The webhook's schema proposals (content causes), or null when they could not be read. */
  proposals: ProposalView[] | null;
  /** The last refused action on the issue, shown at the top until its handoff expires. */
  refusal: { action: string; problem: ApiProblem } | null;
  /** What the last replay of its kept requests did, shown until its handoff expires. */
  replayed: IssueReplayView | null;
}

const Section: FC<{ id: string; title: string; children?: Child }> = ({ id, title, children }) => (
  <section id={id} aria-labelledby={`${id}-heading`}>
    <h2 id={`${id}-heading`}>{title}</h2>
    {children}
  </section>
);

export const IssuePage: FC<{ data: IssuePageData; csrf: string }> = ({ data, csrf }) => {
  const { issue, webhook, refusal } = data;
  const next = nextStepOf(issue.cause, issue.webhook_id);
  const webhookLink = <a href={`/webhooks/${encodeURIComponent(issue.webhook_id)}`}>{webhook?.name ?? issue.webhook_id}</a>;
  return (
    <article class="issue-view">
      <p>
        <a href="/issues">All issues</a>
      </p>
      <header class="page-header">
        <h1>
          {causeLabel(issue.cause)} on {webhook?.name ?? issue.webhook_id}
        </h1>
        <p>
          <StateBadge issue={issue} /> <Copyable id="issue-id" value={issue.id} label="Copy id" />
        </p>
      </header>
      {refusal !== null && <ProblemNotice problem={refusal.problem} heading={`${refusal.action}: refused`} />}
      <p class="summary-text">{issue.summary}</p>
      <p>
        On {webhookLink}
        {webhook !== null && (
          <>
            {' '}
            (<code>{webhook.slug}</code>)
          </>
        )}
        , {countText(issue)} between <When at={issue.first_seen_at} /> and <When at={issue.last_seen_at} />.
      </p>
      {isActive(issue) && (
        <div class="next-step">
          <p>
            <strong>Next step:</strong> {next.text}
          </p>
          <p>
            <a href={next.href}>{next.label}</a> on the webhook’s page.
          </p>
        </div>
      )}
      <Section id="state" title="Change its state">
        <IssueActions issue={issue} csrf={csrf} />
      </Section>
      {issue.cause === 'content' && (
        <Section id="replay" title="Replay the refused requests">
          {data.replayed !== null && <ReplayResult issue={issue} result={data.replayed} />}
          <ReplayKept issue={issue} csrf={csrf} proposals={data.proposals} />
        </Section>
      )}
      <Section id="timeline" title="Timeline">
        <IssueTimeline issue={issue} />
      </Section>
      {issue.top_paths.length > 0 && (
        <Section id="paths" title="Failing paths">
          <TopPathsTable issue={issue} />
        </Section>
      )}
      {issue.cause !== 'silence' && (
        <Section id="samples" title="Sample refusals">
          <SamplesTable issue={issue} />
        </Section>
      )}
    </article>
  );
};
