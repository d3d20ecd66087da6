/**
 * The JSON an outbound webhook channel receives, in the Standard Webhooks shape
 * (`{ type, timestamp, data }`): `data` is the issue's wire view (shared/health/issue-view.ts),
 * the same object `GET /v1/issues/{id}` answers, so a receiver needs one parser for both. It holds
 * counts, times, causes and JSON paths: never a payload value, never a secret.
 */
import { issueView, type IssueView } from '../health/issue-view';
import type { IssueNotice, IssueTransition } from '../health/types';

export type NotificationType = `issue.${IssueTransition}`;

export interface NotificationBody {
  type: NotificationType;
  /** When the transition happened (not when this delivery was attempted). */
  timestamp: string;
  /** Present, and true, only on a notification sent by `POST /v1/notification-channels/{id}/test`. */
  test?: true;
  data: IssueView;
}

export function notificationBody(notice: IssueNotice, opts: { test?: boolean } = {}): NotificationBody {
  return {
    type: `issue.${notice.transition}`,
    timestamp: notice.at,
    ...(opts.test === true ? { test: true as const } : {}),
    data: issueView(notice.issue),
  };
}
