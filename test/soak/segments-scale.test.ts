/**
 * The log in segments at scale, in workerd (shared/eventlog/README.md): this project's config
 * (./wrangler.toml) gives segments a 60-second window and a 512 KiB budget, and the id index 4
 * partitions, so 10,080 signed events over a moved clock spread over dozens of segments. Two
 * projects, one on each queue shard. Every request goes through the service's own ingress and
 * consumer (createHaspWorker, their clock moved by a seam); the queues between them are recorded
 * here and handed to the consumer in batches of 100 from each project's shard, as the platform
 * would (the real queues carry the fault soak beside it, ./soak.test.ts, on the same tiny budgets). Then: no segment past its budget, every event once with one run per workflow (a
 * sender's redeliveries after their first copy's segment closed included), the list complete and in
 * order through its cursor, lookups by id in 2 object calls, an expunge in an old segment, and
 * retention dropping whole old segments while the newer ones stay.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult, runInDurableObject, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { projectLog } from '../../shared/eventlog/client';
import { asPrefixedId, runIdFor } from '../../shared/ids';
import type { EventMessage } from '../../shared/queue/event-message';
import type { RunMessage } from '../../shared/queue/run-message';
import { eventsBinding, eventsQueueName, runsBinding, shardOf } from '../../shared/queue/shards';
import { createHaspWorker } from '../../workers/hasp/worker';
import { allPages, api, type EventView } from '../helpers/control-api';
import { countingLogEnv } from '../helpers/log-storage';
import { RecordingQueue } from '../helpers/queue';
import { standardSignature } from '../helpers/send';
import { present } from '../helpers/present';
import { mapBounded, seedTenant, soakPayload, statusCounts, type Delivery, type Tenant } from './soak-helpers';

const WINDOW_MS = Number(env.LOG_SEGMENT_WINDOW_SECONDS) * 1000;
const BUDGET = Number(env.LOG_SEGMENT_BUDGET_BYTES);
const ROUNDS = 24;
const PER_ROUND = { a: 330, b: 90 };
const DAY = 86_400_000;

type SegmentRow = { n: number; opened_at: number; closed_at: number | null; payload_until: number; metadata_until: number };

/** The consumer's batch size (max_batch_size in ./wrangler.toml). */
const BATCH = 100;

async function directoryRows(tenant: Tenant): Promise<SegmentRow[]> {
  return runInDurableObject(projectLog(env, tenant.project.projectId).directory(), (_i, state) =>
    state.storage.sql.exec<SegmentRow>('SELECT n, opened_at, closed_at, payload_until, metadata_until FROM segments ORDER BY n').toArray(),
  );
}

/** What `read` finds in segment n; `empty` when it holds no tables (reserved, then only redeliveries came). */
async function segmentSql<T>(tenant: Tenant, n: number, read: (sql: SqlStorage) => T, empty?: T): Promise<T> {
  return runInDurableObject(projectLog(env, tenant.project.projectId).segment(n), (_i, state) => {
    const stored = state.storage.sql.exec(`SELECT 1 FROM sqlite_master WHERE name = 'events'`).toArray().length > 0;
    if (!stored && empty !== undefined) return empty;
    return read(state.storage.sql);
  });
}

describe('the log in segments, at scale', () => {
  it('keeps 10,080 events over dozens of segments exactly once, findable, listed in order, and expires them a segment at a time', { timeout: 900_000 }, async () => {
    const a = await seedTenant('scale-a', 2, 0);
    const b = await seedTenant('scale-b', 1, 1);
    expect(shardOf(a.project.projectId, 2)).not.toBe(shardOf(b.project.projectId, 2));

    // The service with its clock moved by the test, and its queues recorded per shard.
    const clock = { now: Date.now() };
    const t0 = clock.now;
    const worker = createHaspWorker({ now: () => clock.now, consumer: () => ({ now: () => clock.now }) });
    const events = [new RecordingQueue<EventMessage>(), new RecordingQueue<EventMessage>()];
    const runs = [new RecordingQueue<RunMessage>(), new RecordingQueue<RunMessage>()];
    const serviceEnv: Env = { ...env };
    Object.assign(serviceEnv, { [eventsBinding(0)]: events[0], [eventsBinding(1)]: events[1], [runsBinding(0)]: runs[0], [runsBinding(1)]: runs[1] });

    const accepted = new Map<Tenant, Map<string, Delivery>>([
      [a, new Map()],
      [b, new Map()],
    ]);
    const sent: { delivery: Delivery; eventId: string; round: number }[] = [];
    const post = async (d: Delivery) => {
      const body = JSON.stringify(d.payload);
      const headers = { ...standardSignature(d.tenant.secret, body, { id: d.deliveryId, at: new Date(clock.now) }), 'content-type': 'application/json' };
      const ctx = createExecutionContext();
      const response = await worker.fetch(new Request(d.tenant.hook.url, { method: 'POST', headers, body }), serviceEnv, ctx);
      await waitOnExecutionContext(ctx);
      return response;
    };
    const send = async (deliveries: Delivery[], round: number) => {
      const ids = await mapBounded(deliveries, 24, async (d) => {
        const response = await post(d);
        expect(response.status).toBe(202);
        return ((await response.json()) as { event_id: string }).event_id;
      });
      deliveries.forEach((d, i) => {
        const eventId = ids[i] ?? '';
        if (!accepted.get(d.tenant)?.has(eventId)) sent.push({ delivery: d, eventId, round });
        accepted.get(d.tenant)?.set(eventId, d);
      });
      return ids;
    };
    // What each events shard holds goes to the consumer in batches, as the platform hands it out.
    const consume = async () => {
      for (const [shard, queue] of events.entries()) {
        while (queue.sent.length > 0) {
          const bodies = queue.sent.splice(0, BATCH);
          const batch = createMessageBatch<EventMessage>(
            eventsQueueName(shard),
            bodies.map((body, i) => ({ id: `m-${clock.now}-${i}-${body.event_id}`, timestamp: new Date(clock.now), attempts: 1, body })),
          );
          const ctx = createExecutionContext();
          await worker.queue(batch, serviceEnv, ctx);
          const result = await getQueueResult(batch, ctx);
          expect(result.retryMessages).toEqual([]);
          expect(result.explicitAcks).toHaveLength(bodies.length);
        }
      }
    };

    let redelivered: { eventId: string; firstSegmentClosed: boolean }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      clock.now = t0 + round * (WINDOW_MS + 1_000);
      const deliveries: Delivery[] = [];
      for (const [tenant, n] of [
        [a, PER_ROUND.a],
        [b, PER_ROUND.b],
      ] as const) {
        for (let i = 0; i < n; i++) {
          // A few payloads past the inline limit, claim-checked in R2, in the first rounds.
          const large = round < 2 && tenant === a && i % 100 === 0;
          deliveries.push({ tenant, deliveryId: `msg_${tenant.hook.id}_${round}_${i}`, payload: soakPayload(round * 1000 + i, large) });
        }
      }
      await send(deliveries, round);
      if (round === 16) {
        // A sender retries rounds 0 and 1 (as Stripe would, hours on): their segments closed long ago.
        const again = sent.filter((x) => x.round <= 1).slice(0, 200);
        const ids = await send(
          again.map((x) => x.delivery),
          round,
        );
        expect(ids).toEqual(again.map((x) => x.eventId));
        const rows = await directoryRows(a);
        redelivered = await Promise.all(
          again
            .filter((x) => x.delivery.tenant === a)
            .map(async (x) => {
              const home = (await projectLog(env, a.project.projectId).indexPartition(x.eventId).locate(x.eventId)).home?.segment;
              const row = rows.find((r) => r.n === home);
              return { eventId: x.eventId, firstSegmentClosed: row !== undefined && row.closed_at !== null };
            }),
        );
      }
      await consume();
    }
    const total = [...accepted.values()].reduce((sum, m) => sum + m.size, 0);
    expect(total).toBe(ROUNDS * (PER_ROUND.a + PER_ROUND.b));
    expect(redelivered.length).toBeGreaterThan(100);
    expect(redelivered.every((r) => r.firstSegmentClosed)).toBe(true);

    // Dozens of segments, none past its budget.
    const rowsA = await directoryRows(a);
    const rowsB = await directoryRows(b);
    expect(rowsA.length).toBeGreaterThanOrEqual(20);
    expect(rowsB.length).toBeGreaterThanOrEqual(ROUNDS);
    for (const [tenant, rows] of [
      [a, rowsA],
      [b, rowsB],
    ] as const) {
      const sizes = await Promise.all(rows.map((r) => segmentSql(tenant, r.n, (sql) => sql.databaseSize)));
      expect(Math.max(...sizes)).toBeLessThanOrEqual(BUDGET);
      console.log(`${tenant.hook.slug}: ${rows.length} segments, largest ${Math.max(...sizes)} bytes of a ${BUDGET}-byte budget`);
    }

    // Exactly once: one row per event across all segments, one run per (event, workflow) at the runtime.
    for (const [tenant, events] of accepted) {
      const perSegment = await Promise.all(
        (await directoryRows(tenant)).map((r) => segmentSql(tenant, r.n, (sql) => sql.exec<{ id: string; webhook_id: string }>('SELECT id, webhook_id FROM events').toArray(), [])),
      );
      const ids = perSegment.flat().map((r) => r.id);
      expect(ids.length).toBe(events.size);
      expect(new Set(ids)).toEqual(new Set(events.keys()));
      // Two projects never share a segment.
      expect(perSegment.flat().every((r) => r.webhook_id === tenant.hook.id)).toBe(true);
    }
    // One run per (event, workflow), each on its project's runs shard, none twice.
    for (const [tenant, accepted_] of accepted) {
      const shard = shardOf(tenant.project.projectId, 2);
      const handed = present(runs[shard], 'the runs shard').sent.filter((r) => r.project_id === tenant.project.projectId);
      expect(present(runs[1 - shard], 'the other runs shard').sent.some((r) => r.project_id === tenant.project.projectId)).toBe(false);
      const expected = await Promise.all([...accepted_.keys()].flatMap((eventId) => tenant.workflowIds.map((w) => runIdFor(asPrefixedId('evt', eventId), w))));
      expect(handed.length).toBe(expected.length);
      expect(new Set(handed.map((r) => r.run_id))).toEqual(new Set(expected));
    }

    // The list, newest first through its cursor: complete and in order.
    const pages = await allPages<EventView>(a.project.token, '/v1/events', 100);
    const listed = pages.flatMap((p) => p.data);
    expect(listed.length).toBe(present(accepted.get(a), 'project a').size);
    expect(new Set(listed.map((e) => e.id))).toEqual(new Set(present(accepted.get(a), 'project a').keys()));
    for (let i = 1; i < listed.length; i++) {
      const [prev, next] = [present(listed[i - 1], 'an event'), present(listed[i], 'an event')];
      expect(prev.received_at > next.received_at || (prev.received_at === next.received_at && prev.id > next.id)).toBe(true);
    }

    // Lookups by id: the index partition, then the segment, for an event of the first segment and of the last.
    const oldest = present(sent.find((s) => s.delivery.tenant === a && s.round === 0 && s.delivery.payload.notes === ''), 'a small event of the first round');
    const newest = present([...sent].reverse().find((s) => s.delivery.tenant === a), 'the newest event');
    for (const s of [oldest, newest]) {
      const counting = countingLogEnv();
      expect((await projectLog(counting.env, a.project.projectId).getEvent(s.eventId))?.id).toBe(s.eventId);
      expect(counting.calls).toEqual(['index.locate', 'segment.getEvent']);
      expect((await api<EventView>(a.project.token, 'GET', `/v1/events/${s.eventId}`)).status).toBe(200);
    }

    // Expunge in the first segment: a claim-checked payload, its R2 object gone at once.
    const large = present(sent.find((s) => s.delivery.tenant === a && s.round === 0 && s.delivery.payload.notes !== ''), 'a large event');
    const largeKey = (await projectLog(env, a.project.projectId).getEvent(large.eventId))?.payloadKey;
    const largeObject = present(largeKey, 'the large payload\'s R2 key');
    expect(await env.PAYLOADS.head(largeObject)).not.toBeNull();
    const expunged = await api<EventView>(a.project.token, 'DELETE', `/v1/events/${large.eventId}/payload`);
    expect(expunged.status).toBe(200);
    expect(expunged.body.payload_state).toBe('expunged');
    expect(await env.PAYLOADS.head(largeObject)).toBeNull();

    // Retention, a segment at a time: the first half's payloads expire, then their metadata.
    const half = present(rowsA[Math.floor(rowsA.length / 2)], 'the middle segment');
    const directory = projectLog(env, a.project.projectId).directory();
    const otherLarge = present(sent.filter((s) => s.delivery.tenant === a && s.round === 0 && s.delivery.payload.notes !== '')[1], 'a second large event');
    const otherKey = (await projectLog(env, a.project.projectId).getEvent(otherLarge.eventId))?.payloadKey;
    // Each alarm drops a bounded number of segments and comes back a second later for the rest.
    const retainAll = async (now: number) => {
      const all = { payloadsDropped: [] as number[], segmentsDropped: [] as number[] };
      for (;;) {
        const pass = await directory.retainSegments(now);
        if (pass.payloadsDropped.length + pass.segmentsDropped.length === 0) return all;
        all.payloadsDropped.push(...pass.payloadsDropped);
        all.segmentsDropped.push(...pass.segmentsDropped);
      }
    };
    const payloadPass = await retainAll(half.payload_until);
    expect(payloadPass.payloadsDropped).toEqual(rowsA.filter((r) => r.payload_until <= half.payload_until).map((r) => r.n));
    expect(payloadPass.segmentsDropped).toEqual([]);
    expect((await api<EventView>(a.project.token, 'GET', `/v1/events/${oldest.eventId}`)).body.payload_state).toBe('expired');
    expect((await api<EventView>(a.project.token, 'GET', `/v1/events/${newest.eventId}`)).body.payload_state).toBe('kept');
    expect(await env.PAYLOADS.head(present(otherKey, 'its R2 key'))).toBeNull();

    const metadataPass = await retainAll(half.metadata_until);
    const dropped = rowsA.filter((r) => r.metadata_until <= half.metadata_until).map((r) => r.n);
    expect(metadataPass.segmentsDropped).toEqual(dropped);
    expect(dropped.length).toBeGreaterThanOrEqual(rowsA.length / 2);
    expect(dropped.length).toBeLessThan(rowsA.length);
    // Deleted whole: not a table left in its storage.
    for (const n of dropped) expect(await segmentSql(a, n, (sql) => sql.exec<{ n: number }>(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'`).one().n)).toBe(0);
    expect((await directoryRows(a)).map((r) => r.n)).toEqual(rowsA.filter((r) => !dropped.includes(r.n)).map((r) => r.n));
    expect((await api(a.project.token, 'GET', `/v1/events/${oldest.eventId}`)).status).toBe(404);
    expect((await api(a.project.token, 'GET', `/v1/events/${newest.eventId}`)).status).toBe(200);
    const remaining = (await allPages<EventView>(a.project.token, '/v1/events', 100)).flatMap((p) => p.data);
    expect(remaining.length).toBeGreaterThan(0);
    expect(remaining.length).toBeLessThan(listed.length);
    // The other project's log is untouched.
    expect((await directoryRows(b)).length).toBe(rowsB.length);
    expect((await statusCounts(b.project)).dispatched).toBe(present(accepted.get(b), 'project b').size);
    expect(half.metadata_until - half.payload_until).toBe(60 * DAY);
  });
});
