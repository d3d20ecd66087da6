/**
 * A notification in flight on the notifications queue: one issue transition for one channel, so
 * a channel that fails is retried alone and blocks no other (./consumer.ts).
 */
import * as v from 'valibot';
import { ISSUE_CAUSES, ISSUE_STATES, JSON_TYPES, type IssueNotice } from '../health/types';

export const NOTIFICATIONS_QUEUE = 'hasp-notifications';

export interface NotificationMessage {
  channel_id: string;
  notice: IssueNotice;
}

const IssueRecordSchema = v.object({
  id: v.string(),
  webhookId: v.string(),
  cause: v.picklist(ISSUE_CAUSES),
  state: v.picklist(ISSUE_STATES),
  summary: v.string(),
  firstSeenAt: v.string(),
  lastSeenAt: v.string(),
  openedAt: v.string(),
  acknowledgedAt: v.nullable(v.string()),
  resolvedAt: v.nullable(v.string()),
  count: v.number(),
  reopenCount: v.number(),
  samples: v.array(v.object({ reason: v.string(), at: v.string(), count: v.number(), paths: v.array(v.string()) })),
  topPaths: v.array(v.object({ path: v.string(), type: v.picklist([...JSON_TYPES, 'missing']), count: v.number() })),
});

/**
 * A message as the consumer reads it back: typed against NotificationMessage, so a field the
 * health types add or rename fails to compile here rather than fail to parse in production.
 */
export const NotificationMessageSchema: v.GenericSchema<unknown, NotificationMessage> = v.object({
  channel_id: v.string(),
  notice: v.object({
    id: v.string(),
    projectId: v.string(),
    transition: v.picklist(['opened', 'reopened', 'resolved']),
    at: v.string(),
    issue: IssueRecordSchema,
  }),
});
