/**
 * The events queue and the runs queue, each in N shards: the one place that names them and picks
 * a project's shard. One Cloudflare queue takes about 5,000 messages a second; past that `send`
 * throws and the ingress answers 503 to every sender. With N shards the ceiling is N times that,
 * and a hot project's backlog delays only the projects of its own shard.
 *
 * - Shard of a project: FNV-1a (32-bit) of the project id's UTF-8 bytes, mod N ({@link shardOf}).
 *   Stable across isolates, deploys and languages, so every event of a project goes through one
 *   shard, and its runs through the runs shard of the same index.
 * - Names: events shard i is the queue `hasp-events-{i}` (dead letters `hasp-events-{i}-dlq`),
 *   bound as `EVENTS_{i}`; runs shard i is `hasp-runs-{i}` (its runtime's dead letters
 *   `hasp-runs-{i}-dlq`), bound as `RUNS_{i}`. The var `QUEUE_SHARDS` gives N; every shard below
 *   it must be bound, or the first use fails with {@link QueueShardsMisconfigured}.
 * - The consumer takes a batch of any events shard, whatever N is now, and of the queues from
 *   before the shards (`hasp-events`, `hasp-events-dlq`): changing N remaps projects, and what
 *   the old shards still hold is drained, not dropped (README, "Queue shards").
 */
import type { EventMessage } from './event-message';
import type { RunMessage } from './run-message';

/** The producer binding of events shard i. */
export type EventsShardBinding = `EVENTS_${number}`;
/** The producer binding of runs shard i. */
export type RunsShardBinding = `RUNS_${number}`;

/**
 * What the shards read from a Worker's env: N, and one producer binding per shard of each queue.
 * Bindings are looked up by name, so raising N in wrangler.toml needs no change of type or code.
 */
export interface QueueShardBindings {
  /** N, the shards of each queue, as wrangler vars are: a decimal string ("2"). */
  QUEUE_SHARDS: string;
  [binding: EventsShardBinding]: Queue<EventMessage> | undefined;
  [binding: RunsShardBinding]: Queue<RunMessage> | undefined;
}

/** The queues before the shards: production's consumer drains them until empty (README, "Queue shards"). */
export const LEGACY_EVENTS_QUEUE = 'hasp-events';
export const LEGACY_EVENTS_DLQ = 'hasp-events-dlq';
/** The runs queue before the shards: the workflow runtime drains it until empty; nothing sends to it now. */
export const LEGACY_RUNS_QUEUE = 'hasp-runs';

/** The queue of events shard `shard`. */
export function eventsQueueName(shard: number): string {
  return `${LEGACY_EVENTS_QUEUE}-${shard}`;
}

/** The dead-letter queue of events shard `shard`. */
export function eventsDeadLetterQueueName(shard: number): string {
  return `${eventsQueueName(shard)}-dlq`;
}

/** The queue of runs shard `shard`: the workflow runtime consumes every one of them. */
export function runsQueueName(shard: number): string {
  return `${LEGACY_RUNS_QUEUE}-${shard}`;
}

/** The producer binding of events shard `shard`. */
export function eventsBinding(shard: number): EventsShardBinding {
  return `EVENTS_${shard}`;
}

/** The producer binding of runs shard `shard`. */
export function runsBinding(shard: number): RunsShardBinding {
  return `RUNS_${shard}`;
}

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const encoder = new TextEncoder();

/**
 * FNV-1a, 32 bits, of the UTF-8 bytes of `text`, as an unsigned integer. Project ids are ASCII,
 * whose code units are their UTF-8 bytes, so they are hashed without encoding and nothing is
 * allocated: about 0.1 µs for a 26-character id (Node 20), beside the HMAC and the queue send of
 * the same request, so the ingress hashes on every request rather than keep a shard per project.
 * Anything else is encoded first, with the same result as hashing its bytes.
 */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x80) return fnv1a32Bytes(encoder.encode(text));
    hash = Math.imul(hash ^ unit, FNV_PRIME);
  }
  return hash >>> 0;
}

function fnv1a32Bytes(bytes: Uint8Array): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, FNV_PRIME);
  return hash >>> 0;
}

/** The shard (0 ≤ shard < `shards`) of a project's events and runs. */
export function shardOf(projectId: string, shards: number): number {
  if (!Number.isInteger(shards) || shards < 1) throw new RangeError(`a queue has at least one shard, not ${shards}`);
  return fnv1a32(projectId) % shards;
}

/** A Worker's shard configuration that does not hold together: the message says what to fix. */
export class QueueShardsMisconfigured extends Error {
  override readonly name = 'QueueShardsMisconfigured';
}

interface ResolvedShards {
  events: readonly Queue<EventMessage>[];
  runs: readonly Queue<RunMessage>[];
}

/**
 * Each env's checked shards. Keyed by the env object itself, which workerd hands every request of
 * an isolate and whose bindings never change: the check runs once per isolate, and an env with
 * other bindings (a test's injected queues) is checked and cached on its own.
 */
const checked = new WeakMap<QueueShardBindings, ResolvedShards>();

function resolve(env: QueueShardBindings): ResolvedShards {
  const cached = checked.get(env);
  if (cached !== undefined) return cached;
  const count = parseShardCount(env.QUEUE_SHARDS);
  const events: Queue<EventMessage>[] = [];
  const runs: Queue<RunMessage>[] = [];
  for (let shard = 0; shard < count; shard += 1) {
    events.push(bound(env[eventsBinding(shard)], eventsBinding(shard), eventsQueueName(shard), count));
    runs.push(bound(env[runsBinding(shard)], runsBinding(shard), runsQueueName(shard), count));
  }
  const shards = { events, runs };
  checked.set(env, shards);
  return shards;
}

function parseShardCount(value: string | undefined): number {
  if (value === undefined || !/^[1-9][0-9]*$/.test(value)) {
    throw new QueueShardsMisconfigured(
      `QUEUE_SHARDS is ${value === undefined ? 'not set' : JSON.stringify(value)}: set it in wrangler.toml's [vars] to the number of queue shards, a positive integer such as "2", with EVENTS_i and RUNS_i bound for each shard i below it (README, "Queue shards").`,
    );
  }
  return Number(value);
}

function bound<Body>(queue: Queue<Body> | undefined, binding: string, queueName: string, count: number): Queue<Body> {
  if (queue !== undefined && typeof queue.send === 'function' && typeof queue.sendBatch === 'function') return queue;
  throw new QueueShardsMisconfigured(
    `QUEUE_SHARDS is "${count}" but no queue is bound as ${binding}: add [[queues.producers]] binding = "${binding}", queue = "${queueName}" to wrangler.toml (every shard from 0 to ${count - 1} needs one), or lower QUEUE_SHARDS (README, "Queue shards").`,
  );
}

/** N, once the env's bindings have been checked against it; throws {@link QueueShardsMisconfigured}. */
export function queueShardCount(env: QueueShardBindings): number {
  return resolve(env).events.length;
}

/** Every events shard's queue, by shard index, once checked; for wrappers that must see them all. */
export function eventsShards(env: QueueShardBindings): readonly Queue<EventMessage>[] {
  return resolve(env).events;
}

/** Every runs shard's queue, by shard index, once checked; for wrappers that must see them all. */
export function runsShards(env: QueueShardBindings): readonly Queue<RunMessage>[] {
  return resolve(env).runs;
}

/** The events shard of a project: where the ingress and every replay send its events. */
export function eventsQueueFor(env: QueueShardBindings, projectId: string): Queue<EventMessage> {
  const { events } = resolve(env);
  return pick(events, projectId);
}

/** The runs shard of a project: where the fan-out sends its runs. */
export function runsQueueFor(env: QueueShardBindings, projectId: string): Queue<RunMessage> {
  const { runs } = resolve(env);
  return pick(runs, projectId);
}

function pick<Body>(queues: readonly Queue<Body>[], projectId: string): Queue<Body> {
  const queue = queues[shardOf(projectId, queues.length)];
  // resolve() bound every shard below the count, and shardOf is below it.
  if (queue === undefined) throw new Error(`no queue for shard ${shardOf(projectId, queues.length)}`);
  return queue;
}

/** What a batch of the events consumer comes from: an events queue, its dead letters, or neither. */
export type EventsQueueRole = 'events' | 'dead-letters';

const EVENTS_QUEUE_NAME = /^hasp-events(?:-(0|[1-9][0-9]*))?(-dlq)?$/;

/**
 * The role of a queue the consumer may be handed, from its name: any events shard (whatever N is
 * now: a shard beyond it still holds what it took before N changed) or its dead letters, and the
 * queues from before the shards; null for any other queue.
 */
export function eventsQueueRole(queueName: string): EventsQueueRole | null {
  const match = EVENTS_QUEUE_NAME.exec(queueName);
  if (match === null) return null;
  return match[2] === undefined ? 'events' : 'dead-letters';
}
