/**
 * The one resource view of a notification channel (every GET, every write's answer). It never holds
 * a secret: a webhook channel shows its URL and its signing secrets' ids and times, a Slack channel
 * only `url_hint`. The signing secret itself appears once, beside the view, in the response that
 * made it (shared/control/notification-channels-routes.ts).
 */
import { activeSecretsView } from '../control/webhook-secrets';
import type { notificationChannels } from '../db/schema';

export type ChannelRow = typeof notificationChannels.$inferSelect;

interface ChannelViewBase {
  id: string;
  name: string;
  enabled: boolean;
  /** `failing` once a notification exhausted its retries; `active` again after the next delivery. */
  state: 'active' | 'failing';
  consecutive_failures: number;
  last_failure_at: string | null;
  /** What went wrong, in the service's words (a status code at most from the receiver). */
  last_failure: string | null;
  last_success_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookChannelView extends ChannelViewBase {
  kind: 'webhook';
  url: string;
  /** The signing secrets in use: the newest signs, older ones sign too until their expiry. */
  secrets: { id: string; created_at: string; expires_at: string | null }[];
}

export interface SlackChannelView extends ChannelViewBase {
  kind: 'slack';
  /** The Slack URL is a credential: only its origin and last four characters are shown. */
  url_hint: string;
}

export type NotificationChannelView = WebhookChannelView | SlackChannelView;

export function channelView(row: ChannelRow, now: number): NotificationChannelView {
  const base: ChannelViewBase = {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    state: row.state,
    consecutive_failures: row.consecutiveFailures,
    last_failure_at: row.lastFailureAt,
    last_failure: row.lastFailure,
    last_success_at: row.lastSuccessAt,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
  if (row.kind === 'slack') return { ...base, kind: 'slack', url_hint: row.urlHint ?? '' };
  return { ...base, kind: 'webhook', url: row.url ?? '', secrets: activeSecretsView(row.secrets, now) };
}
