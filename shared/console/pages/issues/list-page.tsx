/**
 * The Issues page, a function of what the route read: the filters (a GET form, so a filtered view
 * is a link to share), then the issues that want attention — open, then acknowledged — and below
 * them the latest resolved and ignored ones; or, filtered to one state, that state's issues a page
 * at a time.
 */
import type { FC } from 'hono/jsx';
import { ISSUE_CAUSES, ISSUE_STATES } from '../../../health/types';
import { IssuesTable } from '../../components/issues/issues-table';
import type { IssueCause, IssueState, IssueView } from '../../components/issues/types';
import { causeLabel, stateLabel } from '../../components/issues/words';

export interface IssuesFilterValues {
  state?: IssueState | undefined;
  cause?: IssueCause | undefined;
  webhookId?: string | undefined;
}

export interface WebhookChoice {
  id: string;
  name: string;
}

/** What the route read: by state (one table, paged) or the default view (active first, then closed). */
export type IssuesListing =
  | { kind: 'state'; issues: IssueView[]; nextCursor: string | null }
  | { kind: 'default'; active: IssueView[]; activeMore: boolean; closed: IssueView[]; closedMore: boolean };

/** The page's own address with `filter` (and a cursor), for links that keep the filters. */
export function issuesListHref(filter: IssuesFilterValues, cursor?: string): string {
  const query = new URLSearchParams();
  if (filter.state !== undefined) query.set('state', filter.state);
  if (filter.cause !== undefined) query.set('cause', filter.cause);
  if (filter.webhookId !== undefined) query.set('webhook', filter.webhookId);
  if (cursor !== undefined) query.set('cursor', cursor);
  const text = query.toString();
  return text === '' ? '/issues' : `/issues?${text}`;
}

interface FilterChoice {
  value: string;
  label: string;
}

/** One filter of the form: "any" first, then each choice, the one in force selected. */
const FilterSelect: FC<{ name: string; label: string; any: string; current: string | undefined; choices: readonly FilterChoice[] }> = ({ name, label, any, current, choices }) => (
  <div class="field">
    <label for={`filter-${name}`}>{label}</label>
    <select id={`filter-${name}`} name={name}>
      <option value="" selected={current === undefined}>
        {any}
      </option>
      {choices.map((c) => (
        <option value={c.value} selected={current === c.value}>
          {c.label}
        </option>
      ))}
    </select>
  </div>
);

const Filters: FC<{ filter: IssuesFilterValues; webhooks: readonly WebhookChoice[] }> = ({ filter, webhooks }) => (
  <form method="get" action="/issues" class="filters" aria-label="Filter issues">
    <FilterSelect
      name="state"
      label="State"
      any="Open and acknowledged first"
      current={filter.state}
      choices={ISSUE_STATES.map((s) => ({ value: s, label: `${stateLabel(s).text} only` }))}
    />
    <FilterSelect name="cause" label="Cause" any="Any cause" current={filter.cause} choices={ISSUE_CAUSES.map((cause) => ({ value: cause, label: causeLabel(cause) }))} />
    <FilterSelect name="webhook" label="Webhook" any="Any webhook" current={filter.webhookId} choices={webhooks.map((w) => ({ value: w.id, label: w.name }))} />
    <button type="submit" class="secondary">
      Show issues
    </button>
  </form>
);

export const IssuesListPage: FC<{ filter: IssuesFilterValues; webhooks: readonly WebhookChoice[]; listing: IssuesListing }> = ({ filter, webhooks, listing }) => {
  const names = new Map(webhooks.map((w) => [w.id, w.name]));
  const filtered = filter.cause !== undefined || filter.webhookId !== undefined;
  return (
    <div class="issues-page">
      <h1>Issues</h1>
      <p>
        An issue opens by itself when a webhook’s senders keep being refused — failing authentication, payloads the schema refuses, the rate limit or the IP
        allowlist — or when a sender that sends steadily goes silent. It resolves itself after 30 quiet minutes.
      </p>
      <Filters filter={filter} webhooks={webhooks} />
      {listing.kind === 'state' ? (
        <section aria-labelledby="state-heading">
          <h2 id="state-heading">{filter.state === undefined ? 'Issues' : `${stateLabel(filter.state).text} issues`}</h2>
          {listing.issues.length === 0 ? (
            <p>No issues match these filters.</p>
          ) : (
            <IssuesTable issues={listing.issues} webhookNames={names} caption="Newest activity first" />
          )}
          {listing.nextCursor !== null && (
            <nav aria-label="Pages">
              <a href={issuesListHref(filter, listing.nextCursor)}>Next page</a>
            </nav>
          )}
        </section>
      ) : (
        <>
          <section aria-labelledby="active-heading">
            <h2 id="active-heading">Open and acknowledged</h2>
            {listing.active.length === 0 ? (
              <p>{filtered ? 'No open issues match these filters.' : 'No open issues: every sender is being answered as expected.'}</p>
            ) : (
              <IssuesTable issues={listing.active} webhookNames={names} caption="Open first, then acknowledged; newest activity first" />
            )}
            {listing.activeMore && (
              <p>
                More are not shown here: see <a href={issuesListHref({ ...filter, state: 'open' })}>open issues only</a> or{' '}
                <a href={issuesListHref({ ...filter, state: 'acknowledged' })}>acknowledged issues only</a>, a page at a time.
              </p>
            )}
          </section>
          <section aria-labelledby="closed-heading">
            <h2 id="closed-heading">Recently resolved and ignored</h2>
            {listing.closed.length === 0 ? (
              <p>None.</p>
            ) : (
              <IssuesTable issues={listing.closed} webhookNames={names} caption="Newest activity first" />
            )}
            {listing.closedMore && (
              <p>
                Older ones: <a href={issuesListHref({ ...filter, state: 'resolved' })}>resolved issues</a>,{' '}
                <a href={issuesListHref({ ...filter, state: 'ignored' })}>ignored issues</a>.
              </p>
            )}
          </section>
        </>
      )}
    </div>
  );
};
