/**
 * Notification channels as the tests use them: channels made through the control API, notices as
 * the health object announces them, a batch of the notifications queue handed to the consumer, and
 * receivers. workerd in tests cannot listen on a port, so a receiver is the consumer's `fetch`
 * seam: it records each request and answers as the test says.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import type { IssueNotice, IssueRecord } from '../../shared/health/types';
import { randomId } from '../../shared/ids';
import type { NotificationChannelView } from '../../shared/notify/channel-view';
import { consumeNotificationBatch, type NotificationConsumerOptions } from '../../shared/notify/consumer';
import { NOTIFICATIONS_QUEUE, type NotificationMessage } from '../../shared/notify/message';
import { api } from './control-api';

export type CreatedChannel = NotificationChannelView & { secret?: string };

export async function createChannelViaApi(token: string, body: Record<string, unknown>): Promise<CreatedChannel> {
  const response = await api<CreatedChannel>(token, 'POST', '/v1/notification-channels', body);
  if (response.status !== 201) throw new Error(`channel create failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

export async function channelOf(token: string, id: string): Promise<NotificationChannelView> {
  const response = await api<NotificationChannelView>(token, 'GET', `/v1/notification-channels/${id}`);
  if (response.status !== 200) throw new Error(`channel get failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** An issue as the health object keeps it: a content issue, with paths and samples (never values). */
export function sampleIssue(overrides: Partial<IssueRecord> = {}): IssueRecord {
  return {
    id: randomId('iss'),
    webhookId: randomId('wh'),
    cause: 'content',
    state: 'open',
    summary: '14 requests were refused for their content, most often at /patient/status.',
    firstSeenAt: '2026-05-01T10:00:00.000Z',
    lastSeenAt: '2026-05-01T10:12:00.000Z',
    openedAt: '2026-05-01T10:05:00.000Z',
    acknowledgedAt: null,
    resolvedAt: null,
    count: 14,
    reopenCount: 0,
    samples: [{ reason: 'schema-mismatch', at: '2026-05-01T10:12:00.000Z', count: 14, paths: ['/patient/status'] }],
    topPaths: [{ path: '/patient/status', type: 'integer', count: 14 }],
    ...overrides,
  };
}

export function sampleNotice(projectId: string, overrides: Partial<IssueNotice> = {}): IssueNotice {
  const issue = overrides.issue ?? sampleIssue();
  return { id: `ntf_${issue.id.slice(4)}_1`, projectId, transition: 'opened', at: '2026-05-01T10:05:00.000Z', issue, ...overrides };
}

export interface ReceivedRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** How a receiver answers a request: a status code, or never (until the request is aborted). */
export type Answer = number | 'hang';

/** A receiver per URL, standing in for the network behind the consumer's `fetch` seam. */
export class Receivers {
  readonly received: ReceivedRequest[] = [];

  constructor(private readonly answers: Record<string, Answer>) {}

  readonly fetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    this.received.push({ url: request.url, headers: Object.fromEntries(request.headers), body: await request.text() });
    const answer = this.answers[request.url];
    if (answer === undefined) throw new TypeError('Network connection lost.');
    if (answer === 'hang') {
      return new Promise<Response>((_, reject) => {
        const signal = init?.signal;
        if (signal === undefined || signal === null) return;
        signal.addEventListener('abort', () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted')));
      });
    }
    const redirect = answer >= 300 && answer < 400;
    // A body the receiver sends (which must never be kept or shown); 204 and redirects have none.
    const body = redirect || answer === 204 ? null : `receiver said ${answer}: internal details`;
    return new Response(body, { status: answer, headers: redirect ? { location: 'https://elsewhere.example.com/' } : {} });
  };

  to(url: string): ReceivedRequest[] {
    return this.received.filter((r) => r.url === url);
  }
}

/** Hands `messages` to the notifications consumer as one batch, each on its `attempts`-th delivery. */
export async function deliverNotifications(messages: NotificationMessage[], options: NotificationConsumerOptions & { attempts?: number } = {}) {
  const { attempts = 1, ...consumer } = options;
  const batch = createMessageBatch<NotificationMessage>(
    NOTIFICATIONS_QUEUE,
    messages.map((body, i) => ({ id: `ntf-msg-${i}-${body.channel_id}`, timestamp: new Date(), attempts, body })),
  );
  // getQueueResult names the retried messages but not their delays: each retry's is noted here.
  const retryDelays: { msgId: string; delaySeconds: number | undefined }[] = [];
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    message.retry = (options) => {
      retryDelays.push({ msgId: message.id, delaySeconds: options?.delaySeconds });
      retry(options);
    };
  }
  const ctx = createExecutionContext();
  await consumeNotificationBatch(batch, env, consumer);
  return { ...(await getQueueResult(batch, ctx)), retryDelays };
}

/** The channel's row as D1 holds it, as text: what a search for a leaked secret reads. */
export async function channelRowText(id: string): Promise<string> {
  const row = await env.DB.prepare('SELECT * FROM notification_channels WHERE id = ?').bind(id).first();
  return JSON.stringify(row);
}
