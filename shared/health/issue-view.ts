/**
 * The one wire view of an issue, in snake_case: what `GET /v1/issues/{id}` answers and what every
 * notification carries (shared/notify/body.ts). Fields are copied one by one, so a field added to
 * IssueRecord reaches the wire only when it is named here; none may hold a payload value or a secret.
 */
import type { FailedPath, IssueCause, IssueRecord, IssueState } from './types';

export interface IssueSampleView {
  reason: string;
  at: string;
  count: number;
  paths: string[];
}

export interface IssuePathView {
  path: string;
  type: FailedPath['type'];
  count: number;
}

export interface IssueView {
  id: string;
  webhook_id: string;
  cause: IssueCause;
  state: IssueState;
  summary: string;
  first_seen_at: string;
  last_seen_at: string;
  opened_at: string;
  acknowledged_at: string | null;
  resolved_at: string | null;
  count: number;
  reopen_count: number;
  samples: IssueSampleView[];
  top_paths: IssuePathView[];
}

/** The wire view of `issue`. */
export function issueView(issue: IssueRecord): IssueView {
  return {
    id: issue.id,
    webhook_id: issue.webhookId,
    cause: issue.cause,
    state: issue.state,
    summary: issue.summary,
    first_seen_at: issue.firstSeenAt,
    last_seen_at: issue.lastSeenAt,
    opened_at: issue.openedAt,
    acknowledged_at: issue.acknowledgedAt,
    resolved_at: issue.resolvedAt,
    count: issue.count,
    reopen_count: issue.reopenCount,
    samples: issue.samples.map((s) => ({ reason: s.reason, at: s.at, count: s.count, paths: [...s.paths] })),
    top_paths: issue.topPaths.map((p) => ({ path: p.path, type: p.type, count: p.count })),
  };
}

/**
 * `GET /v1/issues/{id}` and each item of `GET /v1/issues`: the view, with, for a content issue read
 * by itself, how many refused requests are kept for a replay (`kept_requests_more`: more than one
 * replay call takes). Null in lists and for other causes.
 */
export type IssueDetailView = IssueView & { kept_requests: number | null; kept_requests_more?: boolean };

/** `POST /v1/issues/{id}/replay`: what replaying the kept requests did, with the first few still refused. */
export interface IssueReplayView {
  replayed: number;
  still_refused: number;
  skipped: number;
  /** More kept requests than one call replays: call again. */
  more: boolean;
  refusals: { request_id: string; reason: string; detail: string }[];
}
