/**
 * The notice a channel's test sends (`POST /v1/notification-channels/{id}/test`): shaped like a
 * real one, so a receiver can be built against it, and marked as a test in what is sent
 * (`"test": true` in a webhook's body, "[Test]" in Slack's header). Its issue and webhook are
 * examples, not the project's.
 */
import type { IssueNotice } from '../health/types';

export const EXAMPLE_WEBHOOK = { name: 'Example webhook', slug: 'example-webhook' } as const;

export function testNotice(projectId: string, now: number): IssueNotice {
  const at = new Date(now).toISOString();
  const firstSeen = new Date(now - 5 * 60_000).toISOString();
  return {
    id: `ntf_test_${crypto.randomUUID().replace(/-/g, '')}`,
    projectId,
    transition: 'opened',
    at,
    issue: {
      id: 'iss_test',
      webhookId: 'wh_test',
      cause: 'authentication',
      state: 'open',
      summary: 'This is a test notification from HASP: this channel receives notifications. A real one describes an issue of one of your webhooks, like this example.',
      firstSeenAt: firstSeen,
      lastSeenAt: at,
      openedAt: at,
      acknowledgedAt: null,
      resolvedAt: null,
      count: 12,
      reopenCount: 0,
      samples: [{ reason: 'bad-signature', at, count: 12, paths: [] }],
      topPaths: [],
    },
  };
}
