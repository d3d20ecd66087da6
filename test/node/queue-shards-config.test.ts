/**
 * The queue shards as the wrangler configs declare them (README, "Queue shards"): for each shard i
 * below QUEUE_SHARDS, the producer bindings EVENTS_i → hasp-events-i and RUNS_i → hasp-runs-i, a
 * consumer of hasp-events-i whose dead letters go to hasp-events-i-dlq, a consumer of that
 * dead-letter queue, and a runtime consuming hasp-runs-i. Read as wrangler reads them, so a shard
 * added to one place and forgotten in another fails here rather than in production.
 */
import { unstable_readConfig } from 'wrangler';
import { describe, expect, it } from 'vitest';

interface Producer {
  binding: string;
  queue: string;
}

interface Consumer {
  queue: string;
  max_batch_size?: number;
  max_batch_timeout?: number;
  max_retries?: number;
  retry_delay?: number;
  dead_letter_queue?: string;
}

function queuesOf(config: string, env?: string) {
  const read = unstable_readConfig({ config, env });
  const vars = read.vars as Record<string, unknown>;
  const queues = read.queues as { producers?: Producer[]; consumers?: Consumer[] };
  const producers = (queues.producers ?? []).map((p) => ({ binding: p.binding, queue: p.queue }));
  const consumers = queues.consumers ?? [];
  return { shards: Number(vars.QUEUE_SHARDS), producers, consumers };
}

/** Local Queues give omitted settings other defaults, so every one is written out. */
function expectExplicit(consumer: Consumer | undefined, name: string): void {
  expect(consumer, `a consumer of ${name}`).toBeDefined();
  for (const setting of ['max_batch_size', 'max_batch_timeout', 'max_retries', 'retry_delay'] as const) {
    expect(consumer?.[setting], `${name}: ${setting}`).toEqual(expect.any(Number));
  }
}

function expectServiceShards(config: string, env?: string): number {
  const { shards, producers, consumers } = queuesOf(config, env);
  expect(Number.isInteger(shards) && shards >= 2, `${config} ${env ?? ''}: QUEUE_SHARDS`).toBe(true);
  for (let i = 0; i < shards; i += 1) {
    expect(producers).toContainEqual({ binding: `EVENTS_${i}`, queue: `hasp-events-${i}` });
    expect(producers).toContainEqual({ binding: `RUNS_${i}`, queue: `hasp-runs-${i}` });
    const events = consumers.find((c) => c.queue === `hasp-events-${i}`);
    expectExplicit(events, `hasp-events-${i}`);
    expect(events?.dead_letter_queue).toBe(`hasp-events-${i}-dlq`);
    expectExplicit(
      consumers.find((c) => c.queue === `hasp-events-${i}-dlq`),
      `hasp-events-${i}-dlq`,
    );
  }
  // Nothing sends to a queue outside the shards: no producer of the unsharded names or of a shard past N.
  const sharded = new Set(Array.from({ length: shards }, (_, i) => [`hasp-events-${i}`, `hasp-runs-${i}`]).flat());
  for (const { queue } of producers.filter((p) => /^hasp-(events|runs)/.test(p.queue))) expect(sharded.has(queue), queue).toBe(true);
  return shards;
}

function expectRuntimeConsumesEveryRunsShard(config: string, shards: number): void {
  const { consumers } = queuesOf(config);
  for (let i = 0; i < shards; i += 1) {
    const runs = consumers.find((c) => c.queue === `hasp-runs-${i}`);
    expectExplicit(runs, `hasp-runs-${i}`);
    expect(runs?.dead_letter_queue).toBe(`hasp-runs-${i}-dlq`);
  }
}

describe('queue shards in the wrangler configs', () => {
  it('dev and tests: every shard of wrangler.toml is bound and consumed, and the stand-in runtime consumes every runs shard', () => {
    const shards = expectServiceShards('wrangler.toml');
    expect(shards).toBe(2);
    expectRuntimeConsumesEveryRunsShard('workers/runtime-standin/wrangler.toml', shards);
  });

  it('production: every shard is bound and consumed, and the queues from before the shards are drained, never sent to', () => {
    expectServiceShards('wrangler.toml', 'production');
    const { producers, consumers } = queuesOf('wrangler.toml', 'production');
    const legacy = consumers.find((c) => c.queue === 'hasp-events');
    expectExplicit(legacy, 'hasp-events');
    expect(legacy?.dead_letter_queue).toBe('hasp-events-dlq');
    expectExplicit(
      consumers.find((c) => c.queue === 'hasp-events-dlq'),
      'hasp-events-dlq',
    );
    expect(producers.map((p) => p.queue)).not.toContain('hasp-events');
    expect(producers.map((p) => p.queue)).not.toContain('hasp-runs');
  });

  it('the soak: the same shards, and its stand-in consumes every runs shard', () => {
    const shards = expectServiceShards('test/soak/wrangler.toml');
    expectRuntimeConsumesEveryRunsShard('test/soak/standin.wrangler.toml', shards);
  });
});
