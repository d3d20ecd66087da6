/**
 * Hands an issue transition to the notifications queue: one message per enabled channel of the
 * project, so each channel is delivered, retried and failed alone (./consumer.ts). Called by the
 * project's health object for every notice it has not yet handed over; it throws when the queue
 * did not take them all, and the caller keeps the notice and tries again. A retry after a partial
 * send repeats some channels' messages: their receivers see the same `webhook-id` (the notice's
 * id) and drop the duplicate, as Standard Webhooks receivers do.
 */
import { createDb } from '../db/client';
import type { IssueNotice } from '../health/types';
import { enabledChannelIds } from './channel-store';
import type { NotificationMessage } from './message';

/** Queues' limits per sendBatch call: 100 messages, 256 KB; kept under with room for framing. */
const MAX_BATCH_MESSAGES = 100;
const MAX_BATCH_BYTES = 200_000;

export async function announceIssue(env: Env, notice: IssueNotice): Promise<void> {
  const channels = await enabledChannelIds(createDb(env.DB), notice.projectId);
  const [first] = channels;
  if (first === undefined) return;
  // Every message carries the same notice, so each is about the same size.
  const bytes = new TextEncoder().encode(JSON.stringify({ channel_id: first, notice } satisfies NotificationMessage)).byteLength;
  const perBatch = Math.max(1, Math.min(MAX_BATCH_MESSAGES, Math.floor(MAX_BATCH_BYTES / bytes)));
  for (let i = 0; i < channels.length; i += perBatch) {
    const messages = channels.slice(i, i + perBatch).map((channel_id) => ({ body: { channel_id, notice } satisfies NotificationMessage, contentType: 'json' as const }));
    await env.NOTIFICATIONS.sendBatch(messages);
  }
}
