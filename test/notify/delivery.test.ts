/**
 * Announcing and delivering notifications: announceIssue puts one message per enabled channel on
 * the queue; the consumer signs, posts, retries with backoff, and marks a channel that keeps failing.
 * Receivers stand behind the consumer's fetch seam (test/helpers/notifications.ts); signatures are
 * verified by the `standardwebhooks` package, the receivers' own library.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import worker from '../../workers/hasp/index';
import { announceIssue } from '../../shared/notify/announce';
import { MAX_ATTEMPTS, RETRY_DELAYS_SECONDS, retryDelaySeconds } from '../../shared/notify/retry';
import { NOTIFICATIONS_QUEUE, type NotificationMessage } from '../../shared/notify/message';
import type { NotificationBody } from '../../shared/notify/body';
import type { SlackMessage } from '../../shared/notify/slack';
import { createProject, createWebhook, type TestProject } from '../helpers/fixtures';
import { api } from '../helpers/control-api';
import { channelOf, createChannelViaApi, deliverNotifications, Receivers, sampleIssue, sampleNotice, type CreatedChannel } from '../helpers/notifications';
import { RecordingQueue } from '../helpers/queue';

const RECEIVER = 'https://receiver.example.com/hasp';
const OTHER_RECEIVER = 'https://other.example.com/hasp';
const SLACK_SECRET_PATH = 'T0DELIVERY/B0DELIVERY/SlackDeliverySecret1234';
const SLACK_URL = `https://hooks.slack.com/services/${SLACK_SECRET_PATH}`;

async function webhookChannel(project: TestProject, url = RECEIVER): Promise<CreatedChannel & { secret: string }> {
  const created = await createChannelViaApi(project.token, { kind: 'webhook', url });
  if (created.secret === undefined) throw new Error('a webhook channel is created with its secret');
  return { ...created, secret: created.secret };
}

function messageFor(project: TestProject, channel: { id: string }, notice = sampleNotice(project.projectId)): NotificationMessage {
  return { channel_id: channel.id, notice };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('announceIssue', () => {
  it('queues one message per enabled channel of the project, and none for others', async () => {
    const project = await createProject();
    const other = await createProject();
    const first = await webhookChannel(project);
    const slack = await createChannelViaApi(project.token, { kind: 'slack', url: SLACK_URL });
    const disabled = await createChannelViaApi(project.token, { kind: 'webhook', url: OTHER_RECEIVER, enabled: false });
    await webhookChannel(other);
    const queue = new RecordingQueue<NotificationMessage>();
    const notice = sampleNotice(project.projectId);

    await announceIssue({ ...env, NOTIFICATIONS: queue }, notice);

    expect(queue.calls).toHaveLength(1);
    expect(queue.sent.map((m) => m.channel_id)).toEqual([first.id, slack.id]);
    expect(queue.sent.every((m) => m.notice.id === notice.id)).toBe(true);
    expect(queue.sent.map((m) => m.channel_id)).not.toContain(disabled.id);
  });

  it('sends nothing for a project without channels, and throws when the queue refuses', async () => {
    const project = await createProject();
    const queue = new RecordingQueue<NotificationMessage>();
    await announceIssue({ ...env, NOTIFICATIONS: queue }, sampleNotice(project.projectId));
    expect(queue.calls).toEqual([]);

    await webhookChannel(project);
    const refusing = new RecordingQueue<NotificationMessage>();
    refusing.sendBatch = async () => {
      throw new Error('Queue sendBatch failed: Too Many Requests');
    };
    await expect(announceIssue({ ...env, NOTIFICATIONS: refusing }, sampleNotice(project.projectId))).rejects.toThrow('Too Many Requests');
  });
});

describe('consumeNotificationBatch', () => {
  it('posts a Standard Webhooks signed notification that the standardwebhooks package verifies, and acks', async () => {
    const project = await createProject();
    const channel = await webhookChannel(project);
    const receivers = new Receivers({ [RECEIVER]: 204 });
    const notice = sampleNotice(project.projectId);

    const result = await deliverNotifications([messageFor(project, channel, notice)], { fetch: receivers.fetch });

    expect(result.explicitAcks).toEqual([`ntf-msg-0-${channel.id}`]);
    expect(result.retryMessages).toEqual([]);
    const [received] = receivers.to(RECEIVER);
    if (received === undefined) throw new Error('nothing received');
    expect(received.headers['webhook-id']).toBe(notice.id);
    expect(received.headers['content-type']).toBe('application/json');
    const verified = new Webhook(channel.secret).verify(received.body, received.headers) as NotificationBody;
    expect(verified).toEqual({
      type: 'issue.opened',
      timestamp: notice.at,
      data: {
        id: notice.issue.id,
        webhook_id: notice.issue.webhookId,
        cause: 'content',
        state: 'open',
        summary: notice.issue.summary,
        first_seen_at: notice.issue.firstSeenAt,
        last_seen_at: notice.issue.lastSeenAt,
        opened_at: notice.issue.openedAt,
        acknowledged_at: null,
        resolved_at: null,
        count: 14,
        reopen_count: 0,
        samples: [{ reason: 'schema-mismatch', at: '2026-05-01T10:12:00.000Z', count: 14, paths: ['/patient/status'] }],
        top_paths: [{ path: '/patient/status', type: 'integer', count: 14 }],
      },
    });
    expect(() => new Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').verify(received.body, received.headers)).toThrow();

    const after = await channelOf(project.token, channel.id);
    expect(after).toMatchObject({ state: 'active', consecutive_failures: 0, last_failure: null });
    expect(after.last_success_at).not.toBeNull();
  });

  it('signs with the old and the new secret during a rotation’s overlap', async () => {
    const project = await createProject();
    const channel = await webhookChannel(project);
    const rotated = await api<{ secret: string }>(project.token, 'POST', `/v1/notification-channels/${channel.id}/rotate-secret`, { overlap_seconds: 3600 });
    const receivers = new Receivers({ [RECEIVER]: 200 });

    await deliverNotifications([messageFor(project, channel)], { fetch: receivers.fetch });

    const [received] = receivers.to(RECEIVER);
    if (received === undefined) throw new Error('nothing received');
    expect(received.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(() => new Webhook(rotated.body.secret).verify(received.body, received.headers)).not.toThrow();
    expect(() => new Webhook(channel.secret).verify(received.body, received.headers)).not.toThrow();
  });

  it('retries a notification answered 500 with growing delays, and records the failure by its status alone', async () => {
    const project = await createProject();
    const channel = await webhookChannel(project);
    const receivers = new Receivers({ [RECEIVER]: 500 });

    const first = await deliverNotifications([messageFor(project, channel)], { fetch: receivers.fetch });
    expect(first.explicitAcks).toEqual([]);
    expect(first.retryDelays).toEqual([{ msgId: `ntf-msg-0-${channel.id}`, delaySeconds: 10 }]);
    const third = await deliverNotifications([messageFor(project, channel)], { fetch: receivers.fetch, attempts: 3 });
    expect(third.retryDelays).toEqual([{ msgId: `ntf-msg-0-${channel.id}`, delaySeconds: 90 }]);

    const after = await channelOf(project.token, channel.id);
    expect(after).toMatchObject({ state: 'active', consecutive_failures: 2, last_failure: 'The receiver answered 500.' });
    expect(JSON.stringify(after)).not.toContain('internal details');
  });

  it('retries a notification whose receiver does not answer in time', async () => {
    const project = await createProject();
    const channel = await webhookChannel(project);
    const receivers = new Receivers({ [RECEIVER]: 'hang' });

    const result = await deliverNotifications([messageFor(project, channel)], { fetch: receivers.fetch, timeoutMs: 50 });

    expect(result.retryDelays).toEqual([{ msgId: `ntf-msg-0-${channel.id}`, delaySeconds: 10 }]);
    expect((await channelOf(project.token, channel.id)).last_failure).toBe('The receiver did not answer within 0.05 seconds.');
  });

  it('does not follow a redirect: a 3xx is a failure that says to set the final address', async () => {
    const project = await createProject();
    const channel = await webhookChannel(project);
    const receivers = new Receivers({ [RECEIVER]: 302 });
    const result = await deliverNotifications([messageFor(project, channel)], { fetch: receivers.fetch });
    expect(result.retryMessages).toHaveLength(1);
    expect(receivers.received.map((r) => r.url)).toEqual([RECEIVER]);
    expect((await channelOf(project.token, channel.id)).last_failure).toContain('redirects are not followed');
  });

  it('marks the channel failing and acks on the last attempt, and a later delivery makes it active again', async () => {
    const project = await createProject();
    const channel = await webhookChannel(project);

    const last = await deliverNotifications([messageFor(project, channel)], { fetch: new Receivers({ [RECEIVER]: 503 }).fetch, attempts: MAX_ATTEMPTS });
    expect(last.explicitAcks).toEqual([`ntf-msg-0-${channel.id}`]);
    expect(last.retryMessages).toEqual([]);
    expect(await channelOf(project.token, channel.id)).toMatchObject({ state: 'failing', consecutive_failures: 1, last_failure: 'The receiver answered 503.' });

    const next = await deliverNotifications([messageFor(project, channel)], { fetch: new Receivers({ [RECEIVER]: 200 }).fetch });
    expect(next.explicitAcks).toHaveLength(1);
    expect(await channelOf(project.token, channel.id)).toMatchObject({ state: 'active', consecutive_failures: 0 });
  });

  it('delivers to a healthy channel in the same batch as a failing one, which is retried alone', async () => {
    const project = await createProject();
    const failing = await webhookChannel(project, OTHER_RECEIVER);
    const healthy = await webhookChannel(project);
    const receivers = new Receivers({ [OTHER_RECEIVER]: 'hang', [RECEIVER]: 200 });
    const notice = sampleNotice(project.projectId);

    const result = await deliverNotifications([messageFor(project, failing, notice), messageFor(project, healthy, notice)], { fetch: receivers.fetch, timeoutMs: 200 });

    expect(result.explicitAcks).toEqual([`ntf-msg-1-${healthy.id}`]);
    expect(result.retryDelays).toEqual([{ msgId: `ntf-msg-0-${failing.id}`, delaySeconds: 10 }]);
    expect(receivers.to(RECEIVER)).toHaveLength(1);
    expect((await channelOf(project.token, healthy.id)).last_success_at).not.toBeNull();
  });

  it('acks without sending for a disabled channel, a deleted one, another project’s, and a malformed message', async () => {
    const project = await createProject();
    const other = await createProject();
    const disabled = await createChannelViaApi(project.token, { kind: 'webhook', url: RECEIVER, enabled: false });
    const deleted = await webhookChannel(project);
    await api(project.token, 'DELETE', `/v1/notification-channels/${deleted.id}`);
    const theirs = await webhookChannel(other);
    const receivers = new Receivers({ [RECEIVER]: 200 });

    const result = await deliverNotifications([messageFor(project, disabled), messageFor(project, deleted), messageFor(project, theirs)], { fetch: receivers.fetch });
    expect(result.explicitAcks).toHaveLength(3);
    expect(receivers.received).toEqual([]);

    const batch = createMessageBatch<unknown>(NOTIFICATIONS_QUEUE, [{ id: 'malformed', timestamp: new Date(), attempts: 1, body: { channel_id: 42 } }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(['malformed']);
  });

  it('posts a Slack message that summarises the issue, links to the console, and holds no secret', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const slack = await createChannelViaApi(project.token, { kind: 'slack', url: SLACK_URL });
    const webhookSide = await webhookChannel(project);
    const receivers = new Receivers({ [SLACK_URL]: 200 });
    const issue = sampleIssue({ webhookId: hook.id, summary: 'Refused at /patient/status <!channel> & more', reopenCount: 2 });
    const notice = sampleNotice(project.projectId, { transition: 'reopened', issue });

    const result = await deliverNotifications([messageFor(project, slack, notice)], { fetch: receivers.fetch });

    expect(result.explicitAcks).toHaveLength(1);
    const [received] = receivers.to(SLACK_URL);
    if (received === undefined) throw new Error('nothing received');
    const message = JSON.parse(received.body) as SlackMessage;
    expect(message.text).toContain('Issue re-opened: Content refusals');
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Issue re-opened: Content refusals' } });
    const text = JSON.stringify(message.blocks);
    expect(text).toContain(`${hook.slug} (${hook.slug})`);
    expect(text).toContain('&lt;!channel&gt; &amp; more');
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('`/patient/status` sent as integer (14)');
    expect(text).toContain('14 (re-opened 2×)');
    expect(text).toContain(`<https://console.usehasp.run/issues/${issue.id}|Open the issue in the console>`);
    expect(received.body).not.toContain(SLACK_SECRET_PATH);
    expect(received.body).not.toContain(webhookSide.secret);
    expect(received.body).not.toContain(hook.secret);
    expect(received.headers['webhook-signature']).toBeUndefined();
  });

  it('never writes a secret, a Slack URL or a receiver’s answer into a log line or a channel view', async () => {
    const project = await createProject();
    const slack = await createChannelViaApi(project.token, { kind: 'slack', url: SLACK_URL });
    const hook = await webhookChannel(project);
    const logged: string[] = [];
    for (const level of ['log', 'warn', 'error', 'info', 'debug'] as const) vi.spyOn(console, level).mockImplementation((...args: unknown[]) => logged.push(args.map(String).join(' ')));
    const receivers = new Receivers({ [SLACK_URL]: 500, [RECEIVER]: 500 });

    await deliverNotifications([messageFor(project, slack), messageFor(project, hook)], { fetch: receivers.fetch });
    await deliverNotifications([messageFor(project, slack), messageFor(project, hook)], { fetch: new Receivers({}).fetch, attempts: MAX_ATTEMPTS });

    expect(logged.length).toBeGreaterThan(0);
    const views = JSON.stringify([await channelOf(project.token, slack.id), await channelOf(project.token, hook.id)]);
    for (const text of [logged.join('\n'), views]) {
      expect(text).not.toContain(SLACK_SECRET_PATH);
      expect(text).not.toContain(hook.secret);
      expect(text).not.toContain('internal details');
    }
    expect(views).toContain('could not be reached');
  });
});

describe('retryDelaySeconds', () => {
  it('grows ×3 from 10 seconds and stops at the last delay', () => {
    expect([1, 2, 3, 4, 5, 6, 9].map(retryDelaySeconds)).toEqual([10, 30, 90, 270, 810, 810, 810]);
    expect(MAX_ATTEMPTS).toBe(RETRY_DELAYS_SECONDS.length + 1);
  });
});
