/**
 * `/v1/issues`: sender-health issues per (webhook, cause), as the project's health object keeps
 * them (shared/health). A person acknowledges, resolves or ignores one; the rules open, re-open
 * and resolve them. A content issue's kept requests (the refused bodies kept for replay) can be
 * replayed together once the schema is fixed, each by the rule `POST /v1/rejections/{id}/replay`
 * follows.
 */
import { createFactory } from 'hono/factory';
import * as v from 'valibot';
import type { KeptRequestRecord } from '../eventlog/types';
import { issueView, type IssueDetailView, type IssueReplayView } from '../health/issue-view';
import { MAX_WINDOW_MINUTES } from '../health/thresholds';
import { ISSUE_CAUSES, ISSUE_STATES, SETTABLE_ISSUE_STATES, type IssueRecord } from '../health/types';
import { senderHealth } from '../health/watch';
import { ProblemError } from '../http/problem';
import { KEPT_REASONS } from '../ingress/kept-requests';
import { projectLog } from '../eventlog/client';
import { clockOf, pathParam, type ControlDeps, type ControlEnv } from './context';
import { PAGE_PARAMS, pageBody, readLogPage } from './pagination';
import { currentWebhook, replayKept, type RejectionContext } from './rejections-routes';
import { ControlRoutes } from './route-doc';
import { jsonBody, queryParams } from './validation';

export const ListIssuesQuery = v.strictObject({
  webhook_id: v.optional(v.pipe(v.string(), v.startsWith('wh_', 'webhook_id must be a webhook id (wh_…)'))),
  cause: v.optional(v.picklist(ISSUE_CAUSES, `cause must be one of: ${ISSUE_CAUSES.join(', ')}`)),
  state: v.optional(v.picklist(ISSUE_STATES, `state must be one of: ${ISSUE_STATES.join(', ')}`)),
  ...PAGE_PARAMS,
});

export const PatchIssueBody = v.strictObject({
  state: v.picklist(SETTABLE_ISSUE_STATES, `state must be one of: ${SETTABLE_ISSUE_STATES.join(', ')} (an issue opens only by itself)`),
});

/** Kept requests an issue looks through per call: a larger backlog is replayed by calling again. */
const MAX_KEPT_PER_CALL = 500;
const MISSING = 'No issue with this id in your project.';

const factory = createFactory<ControlEnv>();

function health(c: RejectionContext) {
  return senderHealth(c.env, c.var.caller.projectId);
}

async function findIssue(c: RejectionContext): Promise<IssueRecord> {
  const issue = await health(c).getIssue(pathParam(c, 'id'));
  if (issue === null) throw new ProblemError('not-found', MISSING);
  return issue;
}

/**
 * The content issue's kept requests still waiting for a replay: the webhook's content refusals kept
 * from a day before the issue was first seen (its threshold window) to its last sighting, whose
 * body is still kept and that no replay took yet. Newest first, at most `max`.
 */
async function keptRequestsOf(c: RejectionContext, issue: IssueRecord, now: number, max: number): Promise<{ items: KeptRequestRecord[]; more: boolean }> {
  const since = new Date(Date.parse(issue.firstSeenAt) - MAX_WINDOW_MINUTES * 60_000).toISOString();
  const log = projectLog(c.env, c.var.caller.projectId);
  const items: KeptRequestRecord[] = [];
  let after: { at: string; id: string } | undefined;
  for (;;) {
    const page = await log.listRequests({ webhookId: issue.webhookId, after, limit: 100 });
    for (const kept of page.items) {
      if (kept.receivedAt < since) return { items, more: false };
      if (kept.receivedAt > issue.lastSeenAt || kept.replayedAt !== null) continue;
      if (kept.payloadState !== 'kept' || kept.bodyExpiresAt <= now || !(KEPT_REASONS as readonly string[]).includes(kept.reason)) continue;
      if (items.length === max) return { items, more: true };
      items.push(kept);
    }
    if (page.next === null) return { items, more: false };
    after = page.next;
  }
}

/** The issue as the API shows it; a content issue also says how many kept requests wait for a replay. */
async function detailView(c: RejectionContext, issue: IssueRecord, now: number): Promise<IssueDetailView> {
  if (issue.cause !== 'content') return { ...issueView(issue), kept_requests: null };
  const kept = await keptRequestsOf(c, issue, now, MAX_KEPT_PER_CALL);
  return { ...issueView(issue), kept_requests: kept.items.length, kept_requests_more: kept.more };
}

function listIssues() {
  return factory.createHandlers(queryParams(ListIssuesQuery), async (c) => {
    const query = c.req.valid('query');
    const page = await readLogPage(query, (after, limit) => health(c).listIssues({ webhookId: query.webhook_id, cause: query.cause, state: query.state, after, limit }));
    return c.json(pageBody(page, (issue): IssueDetailView => ({ ...issueView(issue), kept_requests: null })));
  });
}

function getIssue(deps: ControlDeps) {
  return factory.createHandlers(async (c) => c.json(await detailView(c, await findIssue(c), clockOf(deps)())));
}

function patchIssue(deps: ControlDeps) {
  return factory.createHandlers(jsonBody(PatchIssueBody), async (c) => {
    const now = clockOf(deps)();
    const result = await health(c).setIssueState(c.var.caller.projectId, pathParam(c, 'id'), c.req.valid('json').state, now);
    if (result === null) throw new ProblemError('not-found', MISSING);
    if ('refused' in result) throw new ProblemError('conflict', result.refused);
    return c.json(await detailView(c, result.issue, now));
  });
}

function replayIssue(deps: ControlDeps) {
  return factory.createHandlers(async (c) => {
    const issue = await findIssue(c);
    if (issue.cause !== 'content') throw new ProblemError('conflict', `Only content issues keep the refused requests; this issue's cause is ${issue.cause}, whose requests were never kept.`);
    const now = clockOf(deps)();
    const kept = await keptRequestsOf(c, issue, now, MAX_KEPT_PER_CALL);
    // The webhook as stored now, loaded once for all of them (a deleted or disabled one is a 409).
    const webhook = kept.items.length === 0 ? null : await currentWebhook(c, deps, issue.webhookId);
    const load = async () => {
      if (webhook === null) throw new Error('no webhook loaded');
      return webhook;
    };
    const counts = { replayed: 0, still_refused: 0, skipped: 0 };
    const refusals: { request_id: string; reason: string; detail: string }[] = [];
    for (const request of kept.items) {
      const result = await replayKept(c, request, load, now);
      switch (result.outcome) {
        case 'accepted':
          counts.replayed += 1;
          break;
        case 'already':
        case 'gone':
          counts.skipped += 1;
          break;
        case 'refused':
          counts.still_refused += 1;
          if (refusals.length < 10) refusals.push({ request_id: request.id, reason: result.problem.code, detail: result.problem.message });
          break;
      }
    }
    const answer: IssueReplayView = { ...counts, more: kept.more, refusals };
    return c.json(answer);
  });
}

export function issuesRoutes(deps: ControlDeps): ControlRoutes {
  return new ControlRoutes()
    .route(
      { method: 'get', path: '/v1/issues', summary: 'Sender-health issues per (webhook, cause), most recently seen first; filter by webhook, cause and state', query: ListIssuesQuery, responses: { 200: '`{ data, has_more, next_cursor }`', 400: 'Invalid query' } },
      ...listIssues(),
    )
    .route(
      { method: 'get', path: '/v1/issues/:id', summary: 'An issue: cause, state, first and last seen, count, sample refusals (reason, paths, time; never a value), failing paths; for content issues, how many kept requests wait for a replay', responses: { 200: 'The issue', 404: 'No such issue in this project' } },
      ...getIssue(deps),
    )
    .route(
      { method: 'patch', path: '/v1/issues/:id', summary: 'Acknowledge, resolve or ignore an issue (an ignored issue never re-opens; a resolved one re-opens if it recurs)', body: PatchIssueBody, responses: { 200: 'The issue', 400: 'Invalid state', 404: 'No such issue in this project', 409: 'That change is not allowed from the issue’s state' }, audit: { action: 'issue.update', resource: { param: 'id' } } },
      ...patchIssue(deps),
    )
    .route(
      { method: 'post', path: '/v1/issues/:id/replay', summary: 'Replay a content issue’s kept requests with today’s schema (each as `POST /v1/rejections/{id}/replay` does); at most 500 per call, `more` says whether to call again', responses: { 200: '`{ replayed, still_refused, skipped, more, refusals }`', 404: 'No such issue in this project', 409: 'Not a content issue, or its webhook was deleted or is disabled' }, audit: { action: 'issue.replay', resource: { param: 'id' } } },
      ...replayIssue(deps),
    );
}
