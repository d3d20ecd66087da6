/**
 * A notification in flight on the notifications queue: one issue transition for one channel, so
 * a channel that fails is retried alone and blocks no other (./consumer.ts).
 */
import type { IssueNotice } from '../health/types';

export const NOTIFICATIONS_QUEUE = 'hasp-notifications';

export interface NotificationMessage {
  channel_id: string;
  notice: IssueNotice;
}
