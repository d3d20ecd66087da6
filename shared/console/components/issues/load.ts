/**
 * Reading issues through the console's API client: one filtered page, and the open and acknowledged
 * ones (what wants attention); and their count for the navigation. A failed read is null, and the
 * page says it is unavailable rather than showing none.
 */
import type { ListPage } from '../../../control/responses';
import { openIssueCounts } from '../../../control/webhook-view';
import type { ConsoleApi } from '../../api-client';
import type { IssueCause, IssueState, IssueView } from './types';

/** The most issues one read asks for: the API's page size limit. */
export const ISSUES_PAGE = 100;

export interface IssueFilter {
  webhookId?: string | undefined;
  cause?: IssueCause | undefined;
  state?: IssueState | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

/** `/v1/issues?…` for `filter`. */
export function issuesPath(filter: IssueFilter): string {
  const query = new URLSearchParams();
  if (filter.webhookId !== undefined) query.set('webhook_id', filter.webhookId);
  if (filter.cause !== undefined) query.set('cause', filter.cause);
  if (filter.state !== undefined) query.set('state', filter.state);
  query.set('limit', String(filter.limit ?? ISSUES_PAGE));
  if (filter.cursor !== undefined) query.set('cursor', filter.cursor);
  return `/v1/issues?${query}`;
}

export async function listIssues(api: ConsoleApi, filter: IssueFilter): Promise<ListPage<IssueView> | null> {
  const page = await api.get<ListPage<IssueView>>(issuesPath(filter));
  return page.ok ? page.data : null;
}

/**
 * The open, then the acknowledged issues matching `filter` (at most a page of each), each newest
 * first; `more` when either state has more than a page. Null when either could not be read.
 */
export async function activeIssues(api: ConsoleApi, filter: Omit<IssueFilter, 'state' | 'cursor'> = {}): Promise<{ issues: IssueView[]; more: boolean } | null> {
  const [open, acknowledged] = await Promise.all([listIssues(api, { ...filter, state: 'open' }), listIssues(api, { ...filter, state: 'acknowledged' })]);
  if (open === null || acknowledged === null) return null;
  return { issues: [...open.data, ...acknowledged.data], more: open.has_more || acknowledged.has_more };
}

/**
 * What the navigation shows beside "Issues": how many are open or acknowledged across the project;
 * null when unknown. One call to the project's health object, the count the webhook views carry.
 */
export async function openIssueCount(env: Pick<Env, 'SENDER_HEALTH'>, projectId: string): Promise<number | null> {
  const counts = await openIssueCounts(env, projectId);
  return counts === null ? null : Object.values(counts).reduce((sum, n) => sum + n, 0);
}
