/**
 * `/issues`: the project's sender-health issues, and `/issues/:id`: one issue with the buttons that
 * change its state and, for content causes, replay its kept requests. Every read and change goes
 * through the control API's `/v1/issues` in-process, as the session's token, so which transitions
 * are allowed is the API's rule alone.
 *
 * Post/redirect/get: a change that is done sets a one-time message and answers 303 to the issue's
 * page; a refusal (a 409 for a transition the issue does not allow) is kept for the session as a
 * form handoff and answers 303 to the page with `?refused=`, which shows it at the API's status on
 * every reload until it expires.
 */
import { Hono, type Context } from 'hono';
import * as v from 'valibot';
import type { ListPage, WebhookView } from '../../../control/responses';
import { ISSUE_CAUSES, ISSUE_STATES, type SettableIssueState } from '../../../health/types';
import type { ApiProblem } from '../../api-client';
import { activeIssues, listIssues } from '../../components/issues/load';
import type { IssueReplayView, IssueView, ProposalView } from '../../components/issues/types';
import { causeLabel, plural } from '../../components/issues/words';
import { ProblemNotice } from '../../components/problem-notice';
import type { ConsoleEnv } from '../../context';
import { setFlash } from '../../flash';
import { sessionHandoffs, storedProblem } from '../../handoffs';
import { renderPage, type PageOptions } from '../../layout';
import { IssuePage, type IssuePageData } from './issue-page';
import { IssuesListPage, type IssuesFilterValues, type IssuesListing, type WebhookChoice } from './list-page';

type IssuesContext = Context<ConsoleEnv>;
type PageStatus = NonNullable<PageOptions['status']>;

/** Ids as the API makes them: anything else is not worth a lookup. */
const ISSUE_ID = /^iss_[0-9a-z]{1,64}$/;
const WEBHOOK_ID = /^wh_[0-9a-z]{1,64}$/;

/** How many resolved and ignored issues the default view shows below the active ones. */
const CLOSED_SHOWN = 20;

/** The statuses a refusal keeps; any other shows as 400. */
const PAGE_STATUSES: readonly PageStatus[] = [400, 403, 404, 409, 422, 429, 502, 503];

function oneOf<T extends string>(values: readonly T[], raw: string | undefined): T | undefined {
  return values.find((value) => value === raw);
}

/** The filters of the page's query; a value the page does not offer is left out rather than refused. */
function filterOf(c: IssuesContext): IssuesFilterValues {
  const webhook = c.req.query('webhook');
  return {
    state: oneOf(ISSUE_STATES, c.req.query('state')),
    cause: oneOf(ISSUE_CAUSES, c.req.query('cause')),
    webhookId: webhook !== undefined && WEBHOOK_ID.test(webhook) ? webhook : undefined,
  };
}

/** The project's webhooks by name, for the filter and the table; empty when they cannot be read just now. */
async function webhookChoices(c: IssuesContext): Promise<WebhookChoice[]> {
  const list = await c.var.api.get<ListPage<WebhookView>>('/v1/webhooks?limit=100');
  return list.ok ? list.data.data.map((w) => ({ id: w.id, name: w.name })) : [];
}

const byLastSeen = (a: IssueView, b: IssueView) => b.last_seen_at.localeCompare(a.last_seen_at);

async function readListing(c: IssuesContext, filter: IssuesFilterValues): Promise<IssuesListing | null> {
  const base = { webhookId: filter.webhookId, cause: filter.cause };
  if (filter.state !== undefined) {
    const cursor = c.req.query('cursor');
    const page = await listIssues(c.var.api, { ...base, state: filter.state, cursor: cursor === '' ? undefined : cursor });
    return page === null ? null : { kind: 'state', issues: page.data, nextCursor: page.has_more ? page.next_cursor : null };
  }
  const [active, resolved, ignored] = await Promise.all([
    activeIssues(c.var.api, base),
    listIssues(c.var.api, { ...base, state: 'resolved', limit: CLOSED_SHOWN }),
    listIssues(c.var.api, { ...base, state: 'ignored', limit: CLOSED_SHOWN }),
  ]);
  if (active === null || resolved === null || ignored === null) return null;
  const closed = [...resolved.data, ...ignored.data].sort(byLastSeen);
  return {
    kind: 'default',
    active: active.issues,
    activeMore: active.more,
    closed: closed.slice(0, CLOSED_SHOWN),
    closedMore: closed.length > CLOSED_SHOWN || resolved.has_more || ignored.has_more,
  };
}

async function showList(c: IssuesContext): Promise<Response> {
  const filter = filterOf(c);
  const [listing, webhooks] = await Promise.all([readListing(c, filter), webhookChoices(c)]);
  if (listing === null) {
    const problem: ApiProblem = { code: 'unavailable', title: 'Issues unavailable', status: 503, detail: 'The issues could not be read just now. Nothing was changed.' };
    return renderPage(c, { title: 'Issues', current: 'issues', status: 502 }, (
      <>
        <h1>Issues</h1>
        <ProblemNotice problem={problem} nextStep="Reload the page in a moment." />
      </>
    ));
  }
  return renderPage(c, { title: 'Issues', current: 'issues' }, <IssuesListPage filter={filter} webhooks={webhooks} listing={listing} />);
}

function notFound(c: IssuesContext): Promise<Response> {
  return renderPage(
    c,
    { title: 'Issue not found', current: 'issues', status: 404 },
    <>
      <h1>No such issue in this project</h1>
      <p>
        It belongs to another project, or the address is mistyped. See <a href="/issues">all issues</a>.
      </p>
    </>,
  );
}

/** The handoff subject of refusals on an issue's page. */
const subjectOf = (id: string) => `issue:${id}`;

/** A form handoff of the session about the issue, by the ticket in `?{param}=`; null when absent, expired or another's. */
async function handoffOf(c: IssuesContext, id: string, param: 'refused' | 'replayed'): Promise<Record<string, unknown> | null> {
  const ticket = c.req.query(param);
  if (ticket === undefined) return null;
  const value = await sessionHandoffs(c).read('form', subjectOf(id), ticket);
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
}

/** The refusal `?refused=` names, when it is this session's and still kept. */
async function refusalOf(c: IssuesContext, id: string): Promise<IssuePageData['refusal']> {
  const record = await handoffOf(c, id, 'refused');
  const problem = storedProblem(record?.problem);
  return problem === null || typeof record?.action !== 'string' ? null : { action: record.action, problem };
}

const ReplayShape = v.object({
  replayed: v.number(),
  still_refused: v.number(),
  skipped: v.number(),
  more: v.boolean(),
  refusals: v.array(v.object({ request_id: v.string(), reason: v.string(), detail: v.string() })),
});

/** The replay result `?replayed=` names, when it is this session's and still kept. */
async function replayOf(c: IssuesContext, id: string): Promise<IssueReplayView | null> {
  const parsed = v.safeParse(ReplayShape, (await handoffOf(c, id, 'replayed'))?.replay);
  return parsed.success ? parsed.output : null;
}

async function showIssue(c: IssuesContext): Promise<Response> {
  const id = c.req.param('id') ?? '';
  if (!ISSUE_ID.test(id)) return notFound(c);
  const found = await c.var.api.get<IssueView>(`/v1/issues/${id}`);
  if (!found.ok) return notFound(c);
  const issue = found.data;
  const hook = `/v1/webhooks/${encodeURIComponent(issue.webhook_id)}`;
  const [webhook, proposals, refusal, replayed] = await Promise.all([
    c.var.api.get<WebhookView>(hook),
    issue.cause === 'content' ? c.var.api.get<ListPage<ProposalView>>(`${hook}/schema-proposals`) : Promise.resolve(null),
    refusalOf(c, id),
    replayOf(c, id),
  ]);
  const data: IssuePageData = {
    issue,
    webhook: webhook.ok ? { id: webhook.data.id, name: webhook.data.name, slug: webhook.data.slug } : null,
    proposals: proposals?.ok === true ? proposals.data.data : null,
    refusal,
    replayed,
  };
  const status = refusal === null ? 200 : (PAGE_STATUSES.find((s) => s === refusal.problem.status) ?? 400);
  const title = `${causeLabel(issue.cause)} on ${data.webhook?.name ?? issue.webhook_id}`;
  return renderPage(c, { title, current: 'issues', status }, <IssuePage data={data} csrf={c.var.session.csrfToken} />);
}

/** Refused: the API's answer kept for the session, and a 303 to the issue's page that shows it. */
async function refused(c: IssuesContext, id: string, action: string, problem: ApiProblem): Promise<Response> {
  // No page of the issue to show a refusal on: its page says it is not found.
  if (problem.status === 404) return c.redirect(`/issues/${id}`, 303);
  const ticket = await sessionHandoffs(c).put('form', subjectOf(id), { action, problem });
  if (ticket === null) {
    setFlash(c, { kind: 'error', text: `${action}: refused. ${problem.detail}` });
    return c.redirect(`/issues/${id}`, 303);
  }
  return c.redirect(`/issues/${id}?refused=${ticket}`, 303);
}

function done(c: IssuesContext, id: string, text: string): Response {
  setFlash(c, { kind: 'notice', text });
  return c.redirect(`/issues/${id}`, 303);
}

/** A route handler for a POST on the issue named in the path; a malformed id is a 404 at once. */
function onIssue(handle: (c: IssuesContext, id: string) => Promise<Response>) {
  return async (c: IssuesContext) => {
    const id = c.req.param('id') ?? '';
    if (!ISSUE_ID.test(id)) return notFound(c);
    return handle(c, id);
  };
}

const STATE_WORDS: Record<SettableIssueState, { action: string; done: string }> = {
  acknowledged: { action: 'Acknowledge the issue', done: 'Acknowledged: it stays listed until it is resolved.' },
  resolved: { action: 'Resolve the issue', done: 'Resolved: it re-opens by itself if the refusals come back.' },
  ignored: { action: 'Ignore the issue', done: 'Ignored: it stays closed and announces nothing more.' },
};

function setState(state: SettableIssueState) {
  return onIssue(async (c, id) => {
    const words = STATE_WORDS[state];
    const result = await c.var.api.patch<IssueView>(`/v1/issues/${id}`, { state });
    if (!result.ok) return refused(c, id, words.action, result.problem);
    return done(c, id, words.done);
  });
}

/** What the replay did, in one sentence. */
export function replayText(result: IssueReplayView): string {
  const parts = [`${plural(result.replayed, 'request')} accepted`];
  if (result.still_refused > 0) parts.push(`${result.still_refused} still refused`);
  if (result.skipped > 0) parts.push(`${result.skipped} skipped (expired, or replayed already)`);
  return `Replayed the kept requests: ${parts.join(', ')}.`;
}

/**
 * Done: the result (with the requests still refused) kept for the session, and a 303 to the issue's
 * page that shows it. Too large to keep, it goes as a one-time sentence instead.
 */
const replay = onIssue(async (c, id) => {
  const result = await c.var.api.post<IssueReplayView>(`/v1/issues/${id}/replay`);
  if (!result.ok) return refused(c, id, 'Replay the kept requests', result.problem);
  const ticket = await sessionHandoffs(c).put('form', subjectOf(id), { replay: result.data });
  if (ticket === null) return done(c, id, replayText(result.data));
  return c.redirect(`/issues/${id}?replayed=${ticket}#replay`, 303);
});

export const issuesRoutes = new Hono<ConsoleEnv>()
  .get('/', showList)
  .get('/:id', showIssue)
  .post('/:id/acknowledge', setState('acknowledged'))
  .post('/:id/resolve', setState('resolved'))
  .post('/:id/ignore', setState('ignored'))
  .post('/:id/replay', replay);
