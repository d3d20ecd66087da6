/**
 * Sender health (README, "Sender health"): what the project's health object (./sender-health.ts)
 * is told, what it keeps and what it announces. Nothing here ever holds a payload value or a
 * secret: refusals are counted by cause with the JSON paths and value types that failed, accepted
 * events by webhook and minute, and shapes as paths and types.
 */

/** Why a webhook has an issue: one open issue per (webhook, cause) at most. */
export const ISSUE_CAUSES = ['authentication', 'content', 'rate-limited', 'ip-refused', 'silence'] as const;
export type IssueCause = (typeof ISSUE_CAUSES)[number];

export const ISSUE_STATES = ['open', 'acknowledged', 'resolved', 'ignored'] as const;
export type IssueState = (typeof ISSUE_STATES)[number];

/** What a person may set an issue to (PATCH /v1/issues/{id}); `open` only by the rules. */
export const SETTABLE_ISSUE_STATES = ['acknowledged', 'resolved', 'ignored'] as const;
export type SettableIssueState = (typeof SETTABLE_ISSUE_STATES)[number];

/** JSON value types as the shape summaries and the refusal tallies name them. */
export const JSON_TYPES = ['null', 'boolean', 'integer', 'number', 'string', 'array', 'object'] as const;
export type JsonType = (typeof JSON_TYPES)[number];

/** One failing JSON path of a content refusal, with the type of the value the sender put there (never the value). */
export interface FailedPath {
  /** JSON Pointer, e.g. `/patient/status`. */
  path: string;
  /** The sent value's type, or `missing` when the schema required a value that was absent. */
  type: JsonType | 'missing';
  count: number;
}

/** A flush of refusals of one (webhook, reason), as the ingress's RejectionLog writes it. */
export interface RefusalObservation {
  webhookId: string;
  /** The problem code (shared/http/problem.ts), mapped to a cause by ./causes.ts. */
  reason: string;
  count: number;
  firstAt: string;
  lastAt: string;
  /** Content refusals: the paths that failed, most frequent first, at most 20. */
  paths: FailedPath[];
}

/** Accepted events of one webhook in one minute, as the consumer reports them. */
export interface TrafficObservation {
  webhookId: string;
  /** Epoch minute (ms / 60,000) of the events' receipt. */
  minute: number;
  accepted: number;
}

/**
 * Paths and types seen in the accepted events of one webhook in one hour (./shapes.ts). Counts
 * are over the events summarised: the consumer may summarise a sample of a batch, and says how
 * many it summarised of how many it saw.
 */
export interface ShapeObservation {
  webhookId: string;
  /** Epoch hour (ms / 3,600,000). */
  hour: number;
  eventsSeen: number;
  eventsSummarised: number;
  /** Per path (JSON Pointer, map-like objects collapsed to `*`) and type: in how many summarised events it appeared. */
  paths: { path: string; type: JsonType; count: number }[];
}

/** One refusal an issue keeps as a sample: cause, paths and time, never a value. */
export interface IssueSample {
  reason: string;
  at: string;
  count: number;
  paths: string[];
}

export interface IssueRecord {
  id: string;
  webhookId: string;
  cause: IssueCause;
  state: IssueState;
  /** A sentence a person reads: what happened and what usually causes it. */
  summary: string;
  firstSeenAt: string;
  lastSeenAt: string;
  openedAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  /** Refusals (or, for silence, quiet hours) counted while the issue was open, acknowledged or ignored. */
  count: number;
  reopenCount: number;
  /** The newest samples, at most 20. */
  samples: IssueSample[];
  /** Content causes: the paths that fail most, with the types sent there. */
  topPaths: FailedPath[];
}

export type IssueTransition = 'opened' | 'reopened' | 'resolved';

/**
 * What the health object announces when an issue opens, re-opens or resolves: one notice per
 * transition, whose id is stable, so a channel's retries and a receiver's dedup agree.
 */
export interface IssueNotice {
  /** `ntf_{issue id}_{transition number}`: the same for every retry of this transition. */
  id: string;
  projectId: string;
  transition: IssueTransition;
  at: string;
  issue: IssueRecord;
}

export interface IssueQuery {
  webhookId?: string | undefined;
  cause?: IssueCause | undefined;
  state?: IssueState | undefined;
  limit: number;
  /** Newest `last_seen_at` first; the cursor is the last row's (last_seen_at, id). */
  after?: { at: string; id: string } | undefined;
}
