/**
 * The soak's copy of the hasp Worker (test/soak/soak.test.ts): the same handlers as workers/hasp,
 * built by the same createHaspWorker, run by workerd with real Queues, D1, R2 and project logs.
 * Only the bindings are wrapped (./faults.ts): each batch of an events shard meets the faults its
 * seeded plan draws, and the ingress's events shards refuse sends while the soak says so. Its
 * dead letters and the control API run unfaulted.
 *
 * The soak steers it through one host the service never serves, `soak.control` (see
 * {@link SOAK_CONTROL}); the faults live in this isolate's memory, as the handlers do.
 */
import { eventsBinding, eventsQueueRole, eventsShards } from '../../shared/queue/shards';
import { createHaspWorker } from '../../workers/hasp/worker';
import { InjectedFault, NO_FAULTS, faultyBatchEnv, noFaultsYet, planBatch, refusableEventsQueue, type FaultCounts, type FaultRates } from './faults';

export { LogIndex } from '../../shared/eventlog/index-partition';
export { ProjectLog } from '../../shared/eventlog/project-log';
export { LogSegment } from '../../shared/eventlog/segment';
export { SenderHealth } from '../../shared/health/sender-health';

export const SOAK_CONTROL = 'https://soak.control';

/** What the soak sets: PUT `${SOAK_CONTROL}/faults`. */
export interface FaultSettings {
  seed: string;
  rates: FaultRates;
  /** Every events shard refuses the ingress's sends. */
  refuseEvents: boolean;
}

/** What GET `${SOAK_CONTROL}/faults` answers: the settings and the faults injected since they were set. */
export interface FaultReport extends FaultSettings {
  counts: FaultCounts & { refusedSends: number };
}

let settings: FaultSettings = { seed: '0', rates: NO_FAULTS, refuseEvents: false };
let counts = { ...noFaultsYet(), refusedSends: 0 };

const worker = createHaspWorker();

async function control(request: Request): Promise<Response> {
  if (new URL(request.url).pathname !== '/faults') return new Response(null, { status: 404 });
  return Response.json(request.method === 'PUT' ? await settle(request) : report());
}

function report(): FaultReport {
  return { ...settings, counts };
}

/** New settings; the counts start again only with a new seed or new rates, so an outage toggled on and off keeps its tally. */
async function settle(request: Request): Promise<FaultReport> {
  const next = await request.json<FaultSettings>();
  if (next.seed !== settings.seed || JSON.stringify(next.rates) !== JSON.stringify(settings.rates)) counts = { ...noFaultsYet(), refusedSends: 0 };
  settings = next;
  return report();
}

export default {
  async fetch(request, env, ctx) {
    if (request.url.startsWith(`${SOAK_CONTROL}/`)) return control(request);
    // Every events shard refuses alike during an outage, whichever shard a sender's project is on.
    const events: Partial<Env> = {};
    eventsShards(env).forEach((queue, shard) => {
      events[eventsBinding(shard)] = refusableEventsQueue(queue, () => settings.refuseEvents, () => void (counts.refusedSends += 1));
    });
    return worker.fetch(request, { ...env, ...events }, ctx);
  },
  async queue(batch, env, ctx) {
    // Dead letters are recorded unfaulted: the soak proves the path to them, not their storage.
    if (eventsQueueRole(batch.queue) !== 'events') return worker.queue(batch, env, ctx);
    counts.batches += 1;
    // At least one batch dies in every soak that asks for deaths, however the draws fall.
    const forceDeath = settings.rates.batchDeath > 0 && counts.batchDeaths === 0;
    const plan = planBatch(settings.seed, settings.rates, batch.messages, forceDeath);
    const faulty = faultyBatchEnv(env, plan, counts);
    await worker.queue(batch, faulty.env, ctx);
    // As an isolate lost mid-batch: the queue hands the whole batch out again.
    if (faulty.died()) throw new InjectedFault('the batch died between hand-over and record');
  },
} satisfies ExportedHandler<Env, unknown>;
