/**
 * The soak's fault injectors: the bindings one consumer batch uses, wrapped so they fail as the
 * issue's soak asks (test/soak/soak.test.ts). Every decision is a draw from a seeded hash of what
 * is being done (the batch's delivery ids and attempts, a payload's delivery id and attempt), not
 * of when it happens: with the same seed the same work meets the same fault, whatever order the
 * queue delivers it in. Delivery ids are the senders' `webhook-id`s, which the soak numbers, so a
 * failure seen in one run reproduces in the next (SOAK_SEED).
 */
import type { LogSegment } from '../../shared/eventlog/segment';
import type { LateChange, LoggedEvent, LoggedRun } from '../../shared/eventlog/types';
import type { EventMessage } from '../../shared/queue/event-message';
import type { RunMessage } from '../../shared/queue/run-message';
import { runsBinding, runsShards } from '../../shared/queue/shards';

/** How often each fault strikes, as a probability per the unit named. */
export interface FaultRates {
  /** Per consumer batch: every log write of the batch fails, so the whole batch is retried. */
  logWrite: number;
  /** Per sendBatch call to the runs queue. */
  handOver: number;
  /** Per read of a claim-checked payload, per delivery attempt of its event. */
  payloadRead: number;
  /** Per consumer batch: it dies after its runs were handed over and before the log recorded them. */
  batchDeath: number;
}

export const ISSUE_RATES: FaultRates = { logWrite: 0.1, handOver: 0.05, payloadRead: 1 / 3, batchDeath: 0.02 };
export const NO_FAULTS: FaultRates = { logWrite: 0, handOver: 0, payloadRead: 0, batchDeath: 0 };

/** Faults injected so far, by kind: what the soak prints beside its figures. */
export interface FaultCounts {
  batches: number;
  logWrites: number;
  handOvers: number;
  payloadReads: number;
  batchDeaths: number;
}

export function noFaultsYet(): FaultCounts {
  return { batches: 0, logWrites: 0, handOvers: 0, payloadReads: 0, batchDeaths: 0 };
}

/** A draw in [0, 1) from `seed` and `parts`: FNV-1a over the text, finished with a mulberry32 round. */
export function draw(seed: string, ...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  const text = `${seed}|${parts.join('|')}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  let t = (h + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}

/** Thrown by an injected fault; the text says which, and never carries a payload. */
export class InjectedFault extends Error {
  constructor(what: string) {
    super(`injected fault: ${what}`);
  }
}

/** What the injectors of one consumer batch know about it. */
export interface BatchFaultPlan {
  /** Every log write of the batch fails. */
  logFails: boolean;
  /** The batch dies at its first log write (after its runs were handed over). */
  dies: boolean;
  /** Fails the sendBatch call carrying these runs. */
  handOverFails: (runs: readonly RunMessage[]) => boolean;
  /** Fails this read of the claim-checked payload at `key`. */
  payloadReadFails: (key: string) => boolean;
}

/**
 * The plan of one batch of an events shard. Draws are keyed by the batch's delivery ids and
 * attempts; an event without a delivery id is keyed by its event id (the soak always sends one).
 */
export function planBatch(seed: string, rates: FaultRates, messages: readonly Message<unknown>[], forceDeath: boolean): BatchFaultPlan {
  const events = messages.map((m) => ({ body: m.body as EventMessage, attempts: m.attempts }));
  const name = (e: EventMessage) => e.delivery_id ?? e.event_id;
  const batchKey = events
    .map((e) => `${name(e.body)}@${e.attempts}`)
    .sort()
    .join(',');
  const byEventId = new Map<string, (typeof events)[number]>(events.map((e) => [e.body.event_id, e]));
  const byPayloadKey = new Map(events.flatMap((e) => (e.body.payload_key === undefined ? [] : [[e.body.payload_key, e] as const])));
  return {
    logFails: draw(seed, 'log', batchKey) < rates.logWrite,
    dies: forceDeath || draw(seed, 'death', batchKey) < rates.batchDeath,
    handOverFails: (runs) => {
      const deliveries = [...new Set(runs.map((r) => byEventId.get(r.event_id)))].map((e) => (e ? `${name(e.body)}@${e.attempts}` : '?')).sort();
      return draw(seed, 'hand-over', deliveries.join(','), runs.length) < rates.handOver;
    },
    payloadReadFails: (key) => {
      const event = byPayloadKey.get(key);
      // Only the batch's own claim-checked payloads fail; nothing else reads this bucket here.
      return event !== undefined && draw(seed, 'payload', name(event.body), event.attempts) < rates.payloadRead;
    },
  };
}

/** The env a faulty batch runs with, and whether the batch died. */
export interface FaultyBatch {
  env: Env;
  died: () => boolean;
}

/**
 * Wraps the bindings the consumer uses for one batch. A log failure rejects before the log is
 * reached, as an unavailable object would. A death rejects the first dispatch record and then
 * every later call, as an isolate gone mid-batch would leave it; the caller then throws from the
 * queue handler so the queue redelivers the whole batch (acked messages included).
 */
export function faultyBatchEnv(env: Env, plan: BatchFaultPlan, counts: FaultCounts): FaultyBatch {
  let dead = false;
  const guard = <T>(work: () => Promise<T>): Promise<T> => (dead ? Promise.reject(new InjectedFault('the batch is dead')) : work());

  // The segments take the writes a fault plan aims at; the directory and the id index only die with the batch.
  const segments = env.LOG_SEGMENTS;
  const logs = {
    idFromName: (name: string) => segments.idFromName(name),
    get: (id: DurableObjectId) => {
      const stub = segments.get(id);
      return {
        dispatchedRuns: (runIds: string[]) => guard(() => stub.dispatchedRuns(runIds)),
        recordDispatch: (events: LoggedEvent[], runs: LoggedRun[], at: string) =>
          guard(() => {
            if (plan.dies && runs.length > 0) {
              dead = true;
              counts.batchDeaths += 1;
              return Promise.reject(new InjectedFault('the batch died between hand-over and record'));
            }
            if (plan.logFails) {
              counts.logWrites += 1;
              return Promise.reject(new InjectedFault('the log write failed'));
            }
            return stub.recordDispatch(events, runs, at);
          }),
        recordFailedAttempt: (event: LoggedEvent, error: string, at: string) => guard(() => stub.recordFailedAttempt(event, error, at)),
        recordDead: (event: LoggedEvent, error: string, at: string) => guard(() => stub.recordDead(event, error, at)),
        noteLateChanges: (changes: LateChange[]) => guard(() => stub.noteLateChanges(changes)),
      };
    },
  } as unknown as DurableObjectNamespace<LogSegment>;
  const guarded = <T extends Rpc.DurableObjectBranded | undefined>(namespace: DurableObjectNamespace<T>) =>
    ({
      idFromName: (name: string) => namespace.idFromName(name),
      get: (id: DurableObjectId) => {
        const stub = namespace.get(id) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
        return new Proxy({}, { get: (_target, method) => (...args: unknown[]) => guard(() => stub[String(method)]?.(...args) ?? Promise.reject(new Error(`no method ${String(method)}`))) });
      },
    }) as unknown as DurableObjectNamespace<T>;

  const faultyRuns = (runs: Queue<RunMessage>) => ({
    send: (body: RunMessage, options?: QueueSendOptions) => guard(() => runs.send(body, options)),
    sendBatch: (messages: Iterable<MessageSendRequest<RunMessage>>, options?: QueueSendBatchOptions) =>
      guard(() => {
        const list = [...messages];
        if (plan.handOverFails(list.map((m) => m.body))) {
          counts.handOvers += 1;
          return Promise.reject(new InjectedFault('the runs queue refused the hand-over'));
        }
        return runs.sendBatch(list, options);
      }),
    metrics: () => runs.metrics(),
  }) as unknown as Queue<RunMessage>;
  // Every runs shard fails alike: the soak's projects may sit on either.
  const runsQueues: Partial<Env> = {};
  runsShards(env).forEach((runs, shard) => {
    runsQueues[runsBinding(shard)] = faultyRuns(runs);
  });

  const bucket = env.PAYLOADS;
  const payloads = new Proxy(bucket, {
    get(target, property) {
      if (property === 'get') {
        return (key: string, options?: R2GetOptions) =>
          guard(() => {
            if (plan.payloadReadFails(key)) {
              counts.payloadReads += 1;
              return Promise.reject(new InjectedFault('the claim-checked payload read failed'));
            }
            return target.get(key, options);
          });
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });

  return { env: { ...env, ...runsQueues, PROJECT_LOG: guarded(env.PROJECT_LOG), LOG_SEGMENTS: logs, LOG_INDEX: guarded(env.LOG_INDEX), PAYLOADS: payloads }, died: () => dead };
}

/** An events shard's binding as the ingress sees it, refusing every send while `refusing()` says so. */
export function refusableEventsQueue(queue: Queue<EventMessage>, refusing: () => boolean, onRefusal: () => void): Queue<EventMessage> {
  return {
    send: (body: EventMessage, options?: QueueSendOptions) => {
      if (!refusing()) return queue.send(body, options);
      onRefusal();
      return Promise.reject(new InjectedFault('the events queue refused the send'));
    },
    sendBatch: (messages: Iterable<MessageSendRequest<EventMessage>>, options?: QueueSendBatchOptions) => {
      if (!refusing()) return queue.sendBatch(messages, options);
      onRefusal();
      return Promise.reject(new InjectedFault('the events queue refused the send'));
    },
    metrics: () => queue.metrics(),
  } as Queue<EventMessage>;
}
