/**
 * Fault soaks (issue 17), in workerd with real Queues, D1, R2 and project logs, against the soak
 * copy of the service (./faulty-worker.ts) and a stand-in runtime that notes every hand-over
 * (./counting-standin.ts).
 *
 * 1. SOAK_EVENTS signed events (10,000 by default) to a webhook with 1 workflow and one with 5,
 *    their projects on the two queue shards (events shard and runs shard 0, and 1), while 10 % of consumer batches fail at the log write, 5 % of hand-overs fail, claim-checked
 *    payload reads fail now and then and batches die between hand-over and record. After the
 *    retries, the dead-letter queue and replays of what died, the runtime must have received
 *    exactly events × workflows runs: none twice, none lost.
 * 2. A burst during which every events shard refuses sends: every refused request gets a 503 with
 *    Retry-After and leaves nothing behind; the senders' retries then land exactly once.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { projectLog } from '../../shared/eventlog/client';
import { asPrefixedId, eventIdForDelivery, type PrefixedId } from '../../shared/ids';
import { problemOf } from '../helpers/send';
import { ISSUE_RATES, NO_FAULTS } from './faults';
import {
  deadEventIds,
  faultReport,
  loggedRuns,
  mapBounded,
  poll,
  receiptCount,
  replay,
  seedTenant,
  setFaults,
  settledSince,
  signedPost,
  soakPayload,
  statusCounts,
  tallyRuns,
  type Delivery,
  type RunTally,
  type Tenant,
} from './soak-helpers';

const EVENTS = Number(env.SOAK_EVENTS ?? '10000');
const SEED = env.SOAK_SEED ?? 'hasp-soak-1';
/** Every this-many-th event is over the inline limit, so its payload is claim-checked in R2. */
const CLAIM_CHECK_EVERY = 50;
/** Requests in flight at once, as a few busy senders would keep. */
const SEND_CONCURRENCY = 24;
/** Replay rounds at most: a replayed event meets the same faults and may die again. */
const MAX_REPLAY_ROUNDS = 6;
/** The second soak's burst, and the part of it (by responses received) the queue refuses. */
const BURST = Number(env.SOAK_BURST ?? '1000');
const OUTAGE = { from: 0.3, to: 0.6 };

function elapsed(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

/** Waits until each tenant's log shows all its events dispatched or dead; throws with the counts when it does not. */
async function quiesce(expected: ReadonlyMap<Tenant, number>, timeoutMs: number): Promise<void> {
  const done = await poll(async () => {
    const counts = await Promise.all([...expected].map(async ([t, n]) => ({ n, c: await statusCounts(t.project) })));
    return counts.every(({ n, c }) => c.dispatched + c.dead === n);
  }, timeoutMs);
  if (done === null) {
    const counts = await Promise.all([...expected.keys()].map((t) => statusCounts(t.project)));
    throw new Error(`events did not settle within ${timeoutMs / 1000} s: ${JSON.stringify(counts)}`);
  }
}

/** Waits until the runtime holds `runs` receipts for the tenants, or their number stops moving; the tally then tells. */
async function runsDrained(tenants: readonly Tenant[], runs: number): Promise<void> {
  const workflowIds = tenants.flatMap((t) => t.workflowIds);
  let last = -1;
  let still = 0;
  await poll(async () => {
    const now = await receiptCount(workflowIds);
    still = now === last ? still + 1 : 0;
    last = now;
    return now >= runs || still >= 20;
  }, 120_000);
}

function printTally(title: string, tally: RunTally, extra: Record<string, unknown>): void {
  console.log(
    [
      `${title}:`,
      `  events accepted          ${tally.events}`,
      `  runs expected            ${tally.expectedRuns} (events × workflows)`,
      `  runs received by runtime ${tally.received}`,
      `  duplicates               ${tally.duplicates}`,
      `  lost                     ${tally.lost}`,
      `  unexpected               ${tally.unexpected}`,
      `  hand-overs to runtime    ${tally.handOvers} (${tally.repeatedHandOvers} repeated, taken once by run id)`,
      ...Object.entries(extra).map(([k, v]) => `  ${k.padEnd(24)} ${typeof v === 'string' ? v : JSON.stringify(v)}`),
    ].join('\n'),
  );
}

describe('fault soak', () => {
  it(`fans ${EVENTS} events out to 1 and 5 workflows under faults: events × workflows runs, none twice, none lost`, async () => {
    const started = Date.now();
    const one = await seedTenant('soak-one', 1, 0);
    const five = await seedTenant('soak-five', 5, 1);
    const deliveries: Delivery[] = Array.from({ length: EVENTS }, (_, i) => ({
      tenant: i % 2 === 0 ? one : five,
      deliveryId: `soak-${SEED}-${i}`,
      payload: soakPayload(i, i % CLAIM_CHECK_EVERY === CLAIM_CHECK_EVERY - 1),
    }));
    await setFaults({ seed: SEED, rates: ISSUE_RATES, refuseEvents: false });

    const statuses = await mapBounded(deliveries, SEND_CONCURRENCY, async (d) => {
      const response = await signedPost(d);
      await response.arrayBuffer();
      return response.status;
    });
    expect(statuses.filter((s) => s !== 202)).toEqual([]);
    const sentIn = elapsed(started);

    const eventsOf = new Map<Tenant, PrefixedId<'evt'>[]>([
      [one, []],
      [five, []],
    ]);
    for (const d of deliveries) eventsOf.get(d.tenant)?.push(await eventIdForDelivery(asPrefixedId('wh', d.tenant.hook.id), d.deliveryId));
    const expectedEvents = new Map([...eventsOf].map(([t, ids]) => [t, ids.length]));
    await quiesce(expectedEvents, 240_000);
    const settledIn = elapsed(started);

    // The faults injected, counted before the incident ends.
    const faults = await faultReport();
    // What died after its retries went through the dead-letter queue. It is replayed once the faults
    // are over, as an operator replays after an incident: the draws are keyed by delivery id and
    // attempt, so a replay under the same seeded faults would meet the very same failures again.
    await setFaults({ seed: SEED, rates: NO_FAULTS, refuseEvents: false });
    let dead = (await Promise.all([one, five].map(async (t) => ({ t, ids: await deadEventIds(t) })))).filter((d) => d.ids.length > 0);
    const deadBeforeReplay = dead.reduce((n, d) => n + d.ids.length, 0);
    const deadByRound: number[] = [];
    while (dead.length > 0 && deadByRound.length < MAX_REPLAY_ROUNDS) {
      deadByRound.push(dead.reduce((n, d) => n + d.ids.length, 0));
      const since = new Date().toISOString();
      await mapBounded(
        dead.flatMap(({ t, ids }) => ids.map((id) => ({ t, id }))),
        8,
        ({ t, id }) => replay(t, id),
      );
      const round = dead;
      const settled = await poll(async () => {
        const states = await Promise.all(round.map(async ({ t, ids }) => ({ t, ids, s: await settledSince(t.project, ids, since) })));
        return states.every(({ ids, s }) => s.settled === ids.length) && states;
      }, 120_000);
      if (settled === null) throw new Error('replayed events did not settle within 120 s');
      dead = settled.map(({ t, s }) => ({ t, ids: s.dead })).filter((d) => d.ids.length > 0);
    }

    const expectedRuns = EVENTS / 2 + (EVENTS / 2) * 5;
    await runsDrained([one, five], expectedRuns);
    const tally = await tallyRuns(eventsOf);
    const logged = { one: await statusCounts(one.project), five: await statusCounts(five.project) };
    const logRuns = (await loggedRuns(one.project)) + (await loggedRuns(five.project));
    printTally(`fault soak (seed ${SEED})`, tally, {
      'claim-checked events': deliveries.filter((d) => d.payload.notes !== '').length,
      'dead before replay': deadBeforeReplay,
      'dead by replay round': deadByRound,
      'faults injected': faults.counts,
      'runs in project logs': logRuns,
      'events in project logs': logged,
      'sent after': sentIn,
      'settled after': settledIn,
      'done after': elapsed(started),
    });

    expect(tally.events).toBe(EVENTS);
    expect(tally.received).toBe(EVENTS * 3);
    expect(tally.expectedRuns).toBe(EVENTS * 3);
    expect(tally.duplicates).toBe(0);
    expect(tally.lost).toBe(0);
    expect(tally.unexpected).toBe(0);
    // The faults did strike, and their paths ran: the dead-letter queue, the runtime's run-id dedupe.
    expect(deadBeforeReplay).toBeGreaterThan(0);
    expect(faults.counts.logWrites).toBeGreaterThan(0);
    expect(faults.counts.handOvers).toBeGreaterThan(0);
    expect(faults.counts.payloadReads).toBeGreaterThan(0);
    expect(faults.counts.batchDeaths).toBeGreaterThan(0);
    expect(tally.repeatedHandOvers).toBeGreaterThan(0);
    // Nothing left dead, and the logs agree with the runtime.
    expect(dead).toEqual([]);
    expect(logged.one).toEqual({ accepted: 0, dispatched: EVENTS / 2, dead: 0 });
    expect(logged.five).toEqual({ accepted: 0, dispatched: EVENTS / 2, dead: 0 });
    expect(logRuns).toBe(EVENTS * 3);
  });

  it('answers 503 with Retry-After to every request the events queue refuses, keeps nothing of it, and takes the retries once', async () => {
    const started = Date.now();
    const one = await seedTenant('burst-one', 1, 0);
    const five = await seedTenant('burst-five', 5, 1);
    const deliveries: Delivery[] = Array.from({ length: BURST }, (_, i) => ({
      tenant: i % 2 === 0 ? one : five,
      deliveryId: `burst-${SEED}-${i}`,
      payload: soakPayload(i, i % CLAIM_CHECK_EVERY === CLAIM_CHECK_EVERY - 1),
    }));
    await setFaults({ seed: SEED, rates: NO_FAULTS, refuseEvents: false });

    let answered = 0;
    let outage: 'before' | 'during' | 'after' = 'before';
    const answers = await mapBounded(deliveries, SEND_CONCURRENCY, async (d) => {
      const response = await signedPost(d);
      const answer = { status: response.status, headers: response.headers, body: response.status === 202 ? null : await problemOf(response) };
      if (response.status === 202) await response.arrayBuffer();
      answered += 1;
      // The outage starts and ends with the burst in full flight.
      if (outage === 'before' && answered >= BURST * OUTAGE.from) {
        outage = 'during';
        await setFaults({ seed: SEED, rates: NO_FAULTS, refuseEvents: true });
      } else if (outage === 'during' && answered >= BURST * OUTAGE.to) {
        outage = 'after';
        await setFaults({ seed: SEED, rates: NO_FAULTS, refuseEvents: false }).then(() => undefined);
      }
      return answer;
    });
    const refusedSends = (await faultReport()).counts.refusedSends;
    const refused = deliveries.filter((_, i) => answers[i]?.status !== 202);
    const accepted = deliveries.filter((_, i) => answers[i]?.status === 202);

    expect(answers.filter((a) => a.status !== 202 && a.status !== 503)).toEqual([]);
    expect(refused.length).toBeGreaterThan(0);
    expect(accepted.length).toBeGreaterThan(0);
    // Every refused send, and nothing else, answered 503 problem+json with Retry-After.
    expect(refused.length).toBe(refusedSends);
    for (const answer of answers.filter((a) => a.status === 503)) {
      expect(answer.headers.get('retry-after')).toBe('5');
      expect(answer.body).toMatchObject({ code: 'queue-unavailable', status: 503 });
    }

    // The accepted ones settle; of the refused ones nothing is in the log, in R2 or at the runtime.
    const eventId = (d: Delivery) => eventIdForDelivery(asPrefixedId('wh', d.tenant.hook.id), d.deliveryId);
    const acceptedCount = new Map([one, five].map((t) => [t, accepted.filter((d) => d.tenant === t).length]));
    await quiesce(acceptedCount, 120_000);
    const refusedIds = await Promise.all(refused.map(eventId));
    const leftovers = await Promise.all(
      refused.map(async (d, i) => {
        const id = refusedIds[i] ?? '';
        const [logged, objects, receipts] = await Promise.all([
          projectLog(env, d.tenant.project.projectId).getEvent(id),
          env.PAYLOADS.list({ prefix: `events/${id}/` }),
          env.RUNTIME_RECEIPTS.prepare('SELECT count(*) AS n FROM runtime_receipts WHERE event_id = ?').bind(id).first<{ n: number }>(),
        ]);
        return logged !== null || objects.objects.length > 0 || (receipts?.n ?? 0) > 0 ? id : null;
      }),
    );
    expect(leftovers.filter((id) => id !== null)).toEqual([]);

    // After the outage the senders retry: the refused deliveries, and some accepted ones whose sender never heard back.
    const retries = [...refused, ...accepted.filter((_, i) => i % 10 === 0)];
    const retried = await mapBounded(retries, SEND_CONCURRENCY, async (d) => {
      const response = await signedPost(d);
      return { status: response.status, eventId: response.status === 202 ? (await response.json<{ event_id: string }>()).event_id : null };
    });
    expect(retried.filter((r) => r.status !== 202)).toEqual([]);
    expect(retried.map((r) => r.eventId)).toEqual(await Promise.all(retries.map(eventId)));

    const eventsOf = new Map<Tenant, PrefixedId<'evt'>[]>([
      [one, []],
      [five, []],
    ]);
    for (const d of deliveries) eventsOf.get(d.tenant)?.push(await eventId(d));
    await quiesce(new Map([...eventsOf].map(([t, ids]) => [t, ids.length])), 120_000);
    await runsDrained([one, five], BURST * 3);
    const tally = await tallyRuns(eventsOf);
    printTally('queue outage soak', tally, {
      'burst requests': BURST,
      'refused (503)': refused.length,
      'refused sends': refusedSends,
      'sender retries': `${retries.length} (${refused.length} refused, ${retries.length - refused.length} already accepted)`,
      'done after': elapsed(started),
    });
    expect(tally.events).toBe(BURST);
    expect(tally.received).toBe(BURST * 3);
    expect(tally.duplicates).toBe(0);
    expect(tally.lost).toBe(0);
    expect(tally.unexpected).toBe(0);
    const logged = [await statusCounts(one.project), await statusCounts(five.project)];
    expect(logged).toEqual([
      { accepted: 0, dispatched: BURST / 2, dead: 0 },
      { accepted: 0, dispatched: BURST / 2, dead: 0 },
    ]);
  });
});
