/**
 * What the soaks (./soak.test.ts) share: tenants seeded through the control API, signed sends with
 * bounded concurrency, the fault settings of the soak Worker, and the tallies of what the project
 * logs and the stand-in runtime hold.
 */
import { env, SELF } from 'cloudflare:test';
import { acrossLog, sumInLog } from '../helpers/log-storage';
import { asPrefixedId, runIdFor, type PrefixedId } from '../../shared/ids';
import { createProject, CHART_SAMPLE, type TestProject } from '../helpers/fixtures';
import { allPages, api, createWebhookViaApi, createWorkflowViaApi, type EventView, type WebhookBody } from '../helpers/control-api';
import { postSigned } from '../helpers/send';
import { DELIVERIES_TABLE } from './deliveries';
import type { FaultRates } from './faults';

/** The soak Worker's control host (test/soak/faulty-worker.ts). */
const SOAK_CONTROL = 'https://soak.control';

export interface FaultReport {
  seed: string;
  rates: FaultRates;
  refuseEvents: boolean;
  counts: { batches: number; logWrites: number; handOvers: number; payloadReads: number; batchDeaths: number; refusedSends: number };
}

export async function setFaults(settings: { seed: string; rates: FaultRates; refuseEvents: boolean }): Promise<FaultReport> {
  const response = await SELF.fetch(`${SOAK_CONTROL}/faults`, { method: 'PUT', body: JSON.stringify(settings) });
  if (response.status !== 200) throw new Error(`setting the faults failed: ${response.status}`);
  return response.json();
}

export async function faultReport(): Promise<FaultReport> {
  return (await SELF.fetch(`${SOAK_CONTROL}/faults`)).json();
}

/** A payload shaped like the webhook's sample; `notes` pads it past the 100 KB inline limit when large. */
export function soakPayload(seq: number, large: boolean): Record<string, unknown> {
  return { ...CHART_SAMPLE, seq, notes: large ? 'n'.repeat(110_000) : '' };
}

export interface Tenant {
  project: TestProject;
  hook: WebhookBody;
  secret: string;
  workflowIds: PrefixedId<'wf'>[];
}

/**
 * A project on queue shard `shard` with one webhook and `workflows` workflows listening to it, all
 * made through the API: the soaks put their two tenants on different shards, so both are exercised.
 */
export async function seedTenant(name: string, workflows: number, shard: number): Promise<Tenant> {
  const project = await createProject({ shard });
  const hook = await createWebhookViaApi(project.token, { name, sample_payload: soakPayload(0, false) });
  if (hook.secret === undefined) throw new Error(`webhook ${name} came without its secret`);
  const workflowIds: PrefixedId<'wf'>[] = [];
  for (let i = 0; i < workflows; i++) {
    workflowIds.push(asPrefixedId('wf', (await createWorkflowViaApi(project.token, { name: `${name}-wf-${i}`, triggers: [{ webhook_id: hook.id }] })).id));
  }
  return { project, hook, secret: hook.secret, workflowIds };
}

/** One sender delivery: its `webhook-id` names it for good, so a retry is the same delivery. */
export interface Delivery {
  tenant: Tenant;
  deliveryId: string;
  payload: Record<string, unknown>;
}

export function signedPost(delivery: Delivery): Promise<Response> {
  return postSigned(delivery.tenant.hook.url, delivery.tenant.secret, delivery.payload, { id: delivery.deliveryId });
}

/** Runs `work` over `items` with at most `concurrency` at once, results in the items' order. */
export async function mapBounded<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index] as T, index);
      }
    }),
  );
  return results;
}

/** Polls `probe` every `intervalMs` until it returns a value; null when `timeoutMs` passes first. */
export async function poll<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs: number, intervalMs = 1000): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export type StatusCounts = Record<'accepted' | 'dispatched' | 'dead', number>;

/** The project's log: events by status. */
export async function statusCounts(project: TestProject): Promise<StatusCounts> {
  const counts: StatusCounts = { accepted: 0, dispatched: 0, dead: 0 };
  const perObject = await acrossLog(project.projectId, (state) => state.storage.sql.exec<{ status: keyof StatusCounts; n: number }>('SELECT status, count(*) AS n FROM events GROUP BY status').toArray());
  for (const row of perObject.flat()) counts[row.status] += row.n;
  return counts;
}

/** Of `eventIds`, how many the log shows settled since `since`: dispatched, or dead again after it. */
export async function settledSince(project: TestProject, eventIds: readonly string[], since: string): Promise<{ settled: number; dead: string[] }> {
  const perObject = await acrossLog(project.projectId, (state) =>
    state.storage.sql
      .exec<{ id: string; status: string; updated_at: string }>('SELECT id, status, updated_at FROM events WHERE id IN (SELECT value FROM json_each(?))', JSON.stringify(eventIds))
      .toArray(),
  );
  {
    const rows = perObject.flat();
    const settled = rows.filter((r) => r.status === 'dispatched' || (r.status === 'dead' && r.updated_at > since));
    return { settled: settled.length, dead: settled.filter((r) => r.status === 'dead').map((r) => r.id) };
  }
}

/** Runs the project's log recorded as dispatched. */
export async function loggedRuns(project: TestProject): Promise<number> {
  return sumInLog(project.projectId, 'SELECT count(*) AS n FROM runs');
}

/** The ids of the tenant's dead events, as the control API lists them. */
export async function deadEventIds(tenant: Tenant): Promise<string[]> {
  const pages = await allPages<EventView>(tenant.project.token, `/v1/events?status=dead&webhook_id=${tenant.hook.id}`, 100);
  return pages.flatMap((p) => p.data.map((e) => e.id));
}

export async function replay(tenant: Tenant, eventId: string): Promise<void> {
  const response = await api(tenant.project.token, 'POST', `/v1/events/${eventId}/replay`);
  if (response.status !== 202) throw new Error(`replay of ${eventId} answered ${response.status}`);
}

/** Runs the stand-in runtime took (one receipt per run id) for these workflows. */
export async function receiptCount(workflowIds: readonly string[]): Promise<number> {
  const row = await env.RUNTIME_RECEIPTS.prepare('SELECT count(*) AS n FROM runtime_receipts WHERE workflow_id IN (SELECT value FROM json_each(?))')
    .bind(JSON.stringify(workflowIds))
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** The figures a soak prints and asserts. */
export interface RunTally {
  events: number;
  expectedRuns: number;
  /** Distinct runs the runtime received for the expected (event, workflow) pairs. */
  received: number;
  /** Runs received beyond one per (event, workflow) pair. */
  duplicates: number;
  /** Expected runs the runtime never received. */
  lost: number;
  /** Runs received that no sent event and workflow account for. */
  unexpected: number;
  /** Hand-overs the runtime was given, redeliveries included. */
  handOvers: number;
  /** Hand-overs of a run id the runtime had already been given: what taking a run id once absorbed. */
  repeatedHandOvers: number;
}

/**
 * Compares what the runtime received with what `eventsByTenant` (accepted event ids) call for:
 * one run per (event, workflow), under the run id the fan-out derives for that pair.
 */
export async function tallyRuns(eventsByTenant: ReadonlyMap<Tenant, readonly PrefixedId<'evt'>[]>): Promise<RunTally> {
  const expected = new Set<string>();
  const workflowIds: string[] = [];
  let events = 0;
  for (const [tenant, eventIds] of eventsByTenant) {
    events += eventIds.length;
    workflowIds.push(...tenant.workflowIds);
    const runIds = await Promise.all(eventIds.flatMap((eventId) => tenant.workflowIds.map((workflowId) => runIdFor(eventId, workflowId))));
    for (const id of runIds) expected.add(id);
  }
  const scope = JSON.stringify(workflowIds);
  const { results: receipts } = await env.RUNTIME_RECEIPTS.prepare('SELECT run_id, event_id, workflow_id FROM runtime_receipts WHERE workflow_id IN (SELECT value FROM json_each(?))')
    .bind(scope)
    .all<{ run_id: string; event_id: string; workflow_id: string }>();
  await env.RUNTIME_RECEIPTS.prepare(DELIVERIES_TABLE).run();
  const handOvers = await env.RUNTIME_RECEIPTS.prepare('SELECT count(*) AS n, count(DISTINCT run_id) AS runs FROM soak_deliveries WHERE workflow_id IN (SELECT value FROM json_each(?))')
    .bind(scope)
    .first<{ n: number; runs: number }>();

  const pairs = new Set(receipts.map((r) => `${r.event_id}/${r.workflow_id}`));
  const receivedIds = new Set(receipts.map((r) => r.run_id));
  const received = [...receivedIds].filter((id) => expected.has(id)).length;
  return {
    events,
    expectedRuns: expected.size,
    received,
    duplicates: receipts.length - pairs.size,
    lost: [...expected].filter((id) => !receivedIds.has(id)).length,
    unexpected: receivedIds.size - received,
    handOvers: handOvers?.n ?? 0,
    repeatedHandOvers: (handOvers?.n ?? 0) - (handOvers?.runs ?? 0),
  };
}
