/**
 * The notifications queue's consumer: each message is one notice for one channel (./message.ts).
 * Messages are delivered side by side and each is acked or retried on its own, so a channel that
 * is slow or down delays and blocks no other. A failed delivery is retried with growing delays
 * (./retry.ts); the last attempt that fails marks the channel `failing` and drops the
 * message: a notification is worth less than a queue that never drains, and the channel's view
 * says what went wrong. A channel deleted or disabled meanwhile gets nothing.
 *
 * Nothing here throws for one message: the batch always returns with every message settled.
 */
import * as v from 'valibot';
import { createDb, type Db } from '../db/client';
import { safeErrorText } from '../http/safe-error';
import { DataKeyCache } from '../secrets/data-keys';
import { masterKeyFor } from '../secrets/master-key';
import { findChannel, recordDelivered, recordFailure, webhookLabel } from './channel-store';
import { urlPolicy } from './channel-url';
import { deliverNotification, failureText, DELIVERY_TIMEOUT_MS } from './deliver';
import { NotificationMessageSchema, type NotificationMessage } from './message';
import { MAX_ATTEMPTS, retryDelaySeconds } from './retry';
import { consoleOrigin } from './slack';

/** What a channel is told when the failure was the service's own (D1, a secret that would not open). */
const INTERNAL_FAILURE = 'The notification could not be prepared (an error in the service, not the receiver).';

export interface NotificationConsumerOptions {
  /** Where requests go out (default: the global fetch); tests give a receiver of their own. */
  fetch?: typeof fetch;
  /** The isolate's data keys (default: a cache for this batch alone). */
  dataKeys?: DataKeyCache;
  now?: () => number;
  timeoutMs?: number;
}

interface Ctx {
  env: Env;
  db: Db;
  fetch: typeof fetch;
  dataKeys: DataKeyCache;
  now: () => number;
  timeoutMs: number;
}

type Attempt = { delivered: true } | { delivered: false; failure: string } | { skipped: true };

/** Delivers a batch of the notifications queue; every message is acked or retried before it returns. */
export async function consumeNotificationBatch(batch: MessageBatch<unknown>, env: Env, options: NotificationConsumerOptions = {}): Promise<void> {
  const ctx: Ctx = {
    env,
    db: createDb(env.DB),
    // Called through a closure: the runtime's fetch, detached from the global, is an illegal invocation.
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    dataKeys: options.dataKeys ?? new DataKeyCache(),
    now: options.now ?? Date.now,
    timeoutMs: options.timeoutMs ?? DELIVERY_TIMEOUT_MS,
  };
  await Promise.all(batch.messages.map((message) => settle(ctx, message)));
}

async function settle(ctx: Ctx, message: Message<unknown>): Promise<void> {
  const parsed = v.safeParse(NotificationMessageSchema, message.body);
  if (!parsed.success) {
    // No retry can make it well-formed.
    console.error(JSON.stringify({ message: 'notification: malformed message dropped', queue_message_id: message.id }));
    message.ack();
    return;
  }
  const body = parsed.output;
  const outcome = await attempt(ctx, body);
  if ('skipped' in outcome) {
    message.ack();
    return;
  }
  const at = new Date(ctx.now()).toISOString();
  try {
    if (outcome.delivered) {
      await recordDelivered(ctx.db, body.channel_id, at);
      message.ack();
      return;
    }
    const last = message.attempts >= MAX_ATTEMPTS;
    console.warn(JSON.stringify({ message: 'notification not delivered', channel_id: body.channel_id, notice_id: body.notice.id, attempt: message.attempts, last, failure: outcome.failure }));
    await recordFailure(ctx.db, body.channel_id, outcome.failure, at, last);
    if (last) message.ack();
    else message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
  } catch (err) {
    // The outcome could not be written: a delivered notice is not sent again for that (the
    // receiver has it); an undelivered one is retried while attempts remain.
    console.error(JSON.stringify({ message: 'notification outcome not recorded', channel_id: body.channel_id, notice_id: body.notice.id, error: safeErrorText(err) }));
    if (outcome.delivered || message.attempts >= MAX_ATTEMPTS) message.ack();
    else message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
  }
}

/** One delivery of the message; never throws. */
async function attempt(ctx: Ctx, body: NotificationMessage): Promise<Attempt> {
  const { notice } = body;
  try {
    const channel = await findChannel(ctx.db, notice.projectId, body.channel_id);
    if (channel === null || !channel.enabled) return { skipped: true };
    const outcome = await deliverNotification(channel, notice, {
      dataKey: async () => {
        const key = (await ctx.dataKeys.get(ctx.env.DB, await masterKeyFor(ctx.env), [notice.projectId])).get(notice.projectId);
        if (key === undefined) throw new Error(`project ${notice.projectId} has no data key`);
        return key;
      },
      now: ctx.now(),
      consoleOrigin: consoleOrigin(ctx.env),
      webhook: () => webhookLabel(ctx.db, notice.projectId, notice.issue.webhookId),
      policy: urlPolicy(ctx.env),
      fetch: ctx.fetch,
      timeoutMs: ctx.timeoutMs,
    });
    return outcome.delivered ? { delivered: true } : { delivered: false, failure: failureText(outcome.failure) };
  } catch (err) {
    console.error(JSON.stringify({ message: 'notification could not be prepared', channel_id: body.channel_id, notice_id: notice.id, error: safeErrorText(err) }));
    return { delivered: false, failure: INTERNAL_FAILURE };
  }
}
