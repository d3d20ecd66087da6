/**
 * The sender-health answers of the control API as the console and the CLI read them: issues
 * (`/v1/issues`) and schema proposals (`/v1/webhooks/{id}/schema-proposals`). Components only
 * render these; the routes load them.
 */
export type { IssueCause, IssueState } from '../../../health/types';
export type { IssuePathView, IssueSampleView } from '../../../health/issue-view';

/** The issue views of the API (shared/health/issue-view.ts): `kept_requests` is null in lists and for causes that keep none. */
export type { IssueDetailView as IssueView, IssueReplayView } from '../../../health/issue-view';

export type { ProposalChange, ProposalEvidence, SchemaProposalView as ProposalView } from '../../../health/proposals';
