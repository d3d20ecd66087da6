/**
 * The notifications queue as wrangler.toml declares it, held to the consumer's retry schedule
 * (shared/notify/retry.ts): the queue redelivers a message exactly as many times as the consumer
 * has delays for, so it never drops one the consumer would retry, and never redelivers one the
 * consumer already gave up on (it marks the channel failing and acks instead of a dead-letter queue).
 */
import { unstable_readConfig } from 'wrangler';
import { describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, RETRY_DELAYS_SECONDS } from '../../shared/notify/retry';

interface Consumer {
  queue: string;
  max_retries?: number;
  retry_delay?: number;
  dead_letter_queue?: string;
}

function notificationsConsumer(env?: string): Consumer | undefined {
  const read = unstable_readConfig({ config: 'wrangler.toml', env });
  const queues = read.queues as { producers?: { binding: string; queue: string }[]; consumers?: Consumer[] };
  expect(queues.producers).toContainEqual(expect.objectContaining({ binding: 'NOTIFICATIONS', queue: 'hasp-notifications' }));
  return (queues.consumers ?? []).find((c) => c.queue === 'hasp-notifications');
}

describe('the hasp-notifications consumer', () => {
  it.each([['local', undefined], ['production', 'production']])('retries as often as the consumer has delays (%s)', (_name, env) => {
    const consumer = notificationsConsumer(env);
    expect(consumer?.max_retries).toBe(RETRY_DELAYS_SECONDS.length);
    expect(MAX_ATTEMPTS).toBe((consumer?.max_retries ?? 0) + 1);
    expect(consumer?.retry_delay).toBe(RETRY_DELAYS_SECONDS[0]);
    expect(consumer?.dead_letter_queue).toBeUndefined();
  });
});
