/**
 * The log in segments, case by case (shared/eventlog/README.md; the scale model is in
 * test/soak/segments-scale.test.ts): when a segment closes, what a lookup costs, the log from
 * before segments read as segment 0, the feed across a segment boundary, and the dedup window's edge.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { placementOf, projectDirectory, projectLog } from '../../shared/eventlog/client';
import { DEDUP_WINDOW_MS, EMPTY_SEGMENT_BYTES, logLayout } from '../../shared/eventlog/layout';
import type { KeptRequestInput, LoggedEvent } from '../../shared/eventlog/types';
import { consumeBatch } from '../../shared/fanout/consumer';
import type { EventMessage } from '../../shared/queue/event-message';
import type { RunMessage } from '../../shared/queue/run-message';
import { createProject, createWebhook, createWorkflow } from '../helpers/fixtures';
import { countingLogEnv } from '../helpers/log-storage';
import { RecordingQueue, eventMessage, eventsQueueOf, everyRunsShard } from '../helpers/queue';

const DAY = 86_400_000;
const layout = logLayout(env);
/** Ahead of the real clock, so no alarm a write sets fires during the test. */
const T0 = Date.now() + 7 * DAY;

function newProject(): string {
  return `prj_${crypto.randomUUID()}`;
}

let n = 0;
function event(receivedAt: number, overrides: Partial<LoggedEvent> = {}): LoggedEvent {
  n += 1;
  return {
    id: `evt_seg${n}_${crypto.randomUUID().slice(0, 8)}`,
    webhookId: 'wh_a',
    deliveryId: null,
    receivedAt: new Date(receivedAt).toISOString(),
    sealedPayload: 'sealed-text',
    payloadKey: null,
    payloadExpiresAt: receivedAt + 30 * DAY,
    metadataExpiresAt: receivedAt + 90 * DAY,
    ...overrides,
  };
}

/** Writes events as the fan-out does, at `now`: placed, then recorded where they were placed. */
async function write(projectId: string, events: LoggedEvent[], now: number, workflows: string[] = []) {
  const log = projectLog(env, projectId);
  const homes = await log.placeEvents(events.map((e) => placementOf(e, workflows.length)), now);
  const runs = events.flatMap((e) => workflows.map((w) => ({ id: `run_${e.id}_${w}`, eventId: e.id, workflowId: w })));
  await log.recordDispatch(homes, events, runs, new Date(now).toISOString());
  return homes;
}

/** A refused request kept for replay, received `offsetMs` after T0. */
function keptRequest(offsetMs: number, eventId = `evt_${crypto.randomUUID()}`): KeptRequestInput {
  return {
    id: `req_${String(offsetMs).padStart(8, '0')}_${crypto.randomUUID().slice(0, 6)}`,
    webhookId: 'wh_a',
    reason: 'schema-mismatch',
    httpStatus: 400,
    detail: 'x',
    errors: null,
    contentType: 'application/json',
    deliveryId: null,
    eventId,
    receivedAt: new Date(T0 + offsetMs).toISOString(),
    sealedBody: 'sealed',
    bodyKey: null,
    bodyExpiresAt: T0 + 3 * DAY,
    expiresAt: T0 + 90 * DAY,
  };
}

describe('segments', () => {
  it('counts what an empty segment takes against its budget', async () => {
    const fresh = projectLog(env, newProject()).segment(1);
    // A read leaves nothing behind; the first write creates the tables.
    expect(await fresh.getEvent('evt_none')).toBeNull();
    expect(await fresh.size()).toBeLessThanOrEqual(4096);
    await fresh.recordDispatch([], [], new Date(T0).toISOString());
    expect(await fresh.size()).toBeGreaterThan(0);
    expect(await fresh.size()).toBeLessThanOrEqual(EMPTY_SEGMENT_BYTES);
  });

  it('opens the next segment when the window has passed or the open one would pass its share of the budget', async () => {
    const project = newProject();
    const first = await write(project, [event(T0)], T0);
    const sameWindow = await write(project, [event(T0 + 1_000)], T0 + 1_000);
    expect(sameWindow.open).toBe(first.open);
    const nextWindow = await write(project, [event(T0 + layout.windowMs)], T0 + layout.windowMs);
    expect(nextWindow.open).toBe(first.open + 1);
    // A write whose promised bytes would take the open segment past its share goes to a new one.
    const big = event(T0 + layout.windowMs + 1, { sealedPayload: 'x'.repeat(layout.closeAtBytes) });
    const afterBig = await write(project, [big], T0 + layout.windowMs + 1);
    expect(afterBig.open).toBe(nextWindow.open + 1);
    const rows = await runInDurableObject(projectDirectory(env, project), (_i, state) =>
      state.storage.sql.exec<{ n: number; closed_at: number | null }>('SELECT n, closed_at FROM segments ORDER BY n').toArray(),
    );
    // The big write itself took the new segment to its share: its writer closed it at once.
    expect(rows.map((r) => [r.n, r.closed_at !== null])).toEqual([
      [first.open, true],
      [first.open + 1, true],
      [first.open + 2, true],
    ]);
    const next = await write(project, [event(T0 + layout.windowMs + 2)], T0 + layout.windowMs + 2);
    expect(next.open).toBe(afterBig.open + 1);
  });

  it('finds an event, its payload expunge and a kept request in at most 2 object calls, wherever they are', async () => {
    const project = newProject();
    const old = event(T0);
    await write(project, [old], T0);
    await write(project, [event(T0 + 2 * layout.windowMs)], T0 + 2 * layout.windowMs);
    const legacy = event(T0 - DAY);
    await projectDirectory(env, project).recordDispatch([legacy], [], new Date(T0).toISOString());

    for (const id of [old.id, legacy.id]) {
      const c = countingLogEnv();
      expect((await projectLog(c.env, project).getEvent(id))?.id).toBe(id);
      expect(c.calls).toEqual(['index.locate', id === legacy.id ? 'directory.getEvent' : 'segment.getEvent']);
    }
    const c = countingLogEnv();
    expect(await projectLog(c.env, project).expungePayload(old.id, new Date(T0).toISOString())).toEqual({ outcome: 'expunged' });
    expect(c.calls).toEqual(['index.locate', 'segment.expungePayload']);

    const kept = keptRequest(0);
    await projectLog(env, project).keepRequests([kept]);
    const k = countingLogEnv();
    expect((await projectLog(k.env, project).getRequest(kept.id))?.id).toBe(kept.id);
    expect(k.calls).toEqual(['index.locate', 'segment.getRequest']);
  });

  it('reads the log from before segments as segment 0: listed with the new, and a redelivery of its event stays there', async () => {
    const project = newProject();
    const directory = projectDirectory(env, project);
    const legacy = [event(T0 - 3_000), event(T0 - 1_000)];
    await directory.recordDispatch(legacy, [], new Date(T0).toISOString());
    const fresh = [event(T0 + 1_000), event(T0 + 2_000)];
    const homes = await write(project, fresh, T0 + 2_000);
    expect(homes.open).toBeGreaterThan(0);

    const log = projectLog(env, project);
    const page1 = await log.listEvents({ limit: 3 });
    const page2 = await log.listEvents({ limit: 3, after: page1.next ?? undefined });
    expect([...page1.items, ...page2.items].map((e) => e.id)).toEqual([fresh[1]?.id, fresh[0]?.id, legacy[1]?.id, legacy[0]?.id]);
    expect(page2.next).toBeNull();

    // The first copy is in segment 0, which the index does not know: the directory finds it.
    const again = await write(project, [legacy[0] as LoggedEvent], T0 + 3_000, ['wf_a']);
    expect(again.home.get(legacy[0]?.id ?? '')).toBe(0);
    expect((await log.getEvent(legacy[0]?.id ?? ''))?.runs.map((r) => r.workflow_id)).toEqual(['wf_a']);
    const rows = await Promise.all(
      [0, homes.open].map((segment) => runInDurableObject(log.segment(segment), (_i, state) => state.storage.sql.exec<{ n: number }>('SELECT count(*) AS n FROM events WHERE id = ?', legacy[0]?.id ?? '').one().n)),
    );
    expect(rows).toEqual([1, 0]);
  });

  it('keeps the change feed going across segments, and shows a change to an event of a closed segment after the cursor', async () => {
    const project = newProject();
    const log = projectLog(env, project);
    const first = event(T0);
    await write(project, [first], T0);
    const start = await log.feed({ limit: 10 });
    expect(start.items.map((i) => (i.kind === 'event' ? i.event.id : i.kind))).toEqual([first.id]);

    const second = event(T0 + layout.windowMs);
    const homes = await write(project, [second], T0 + layout.windowMs);
    // A replay adds a run to the first event, which its closed segment holds.
    await write(project, [first], T0 + layout.windowMs + 1_000, ['wf_late']);
    const after = await log.feed({ after: start.next, limit: 10 });
    expect(after.items.map((i) => (i.kind === 'event' ? [i.event.id, i.event.runs.length] : [i.kind, 0]))).toEqual([
      [second.id, 0],
      [first.id, 1],
    ]);
    expect(after.items.every((i) => i.seq > start.next)).toBe(true);
    expect(Math.floor((after.items[0]?.seq ?? 0) / 2 ** 32)).toBe(homes.open);
    expect(await log.feed({ after: after.next, limit: 10 })).toMatchObject({ items: [], next: after.next, more: false });
  });

  it('lists refusals and kept requests newest first across segments, through the cursor', async () => {
    const project = newProject();
    const log = projectLog(env, project);
    const directory = projectDirectory(env, project);
    const kept = (i: number) => keptRequest(i * 1_000, `evt_kept_${i}`);
    const refusal = (i: number) => ({
      id: `rej_${i}_${crypto.randomUUID().slice(0, 6)}`,
      webhookId: 'wh_a',
      reason: 'bad-signature',
      httpStatus: 401,
      count: 1,
      firstAt: new Date(T0 + i * 1_000).toISOString(),
      lastAt: new Date(T0 + i * 1_000).toISOString(),
      detail: 'x',
      expiresAt: T0 + 90 * DAY,
    });
    // Three segments, each closed by its writer before the next flush comes.
    const segments: number[] = [];
    for (const round of [0, 1, 2]) {
      await log.keepRequests([kept(round * 2), kept(round * 2 + 1)]);
      await log.recordRejections([refusal(round * 2), refusal(round * 2 + 1)]);
      const open = await runInDurableObject(directory, (_i, state) => state.storage.sql.exec<{ n: number }>('SELECT n FROM segments WHERE closed_at IS NULL').one().n);
      segments.push(open);
      await directory.closeSegment(open, Date.now());
    }
    expect(new Set(segments).size).toBe(3);
    const keptPages = [await log.listRequests({ limit: 4 })];
    keptPages.push(await log.listRequests({ limit: 4, after: keptPages[0]?.next ?? undefined }));
    expect(keptPages.flatMap((p) => p.items.map((k) => k.eventId))).toEqual([5, 4, 3, 2, 1, 0].map((i) => `evt_kept_${i}`));
    expect(keptPages[1]?.next).toBeNull();
    const refusals = await log.listRejections({ limit: 10 });
    expect(refusals.items.map((r) => r.firstAt)).toEqual([5, 4, 3, 2, 1, 0].map((i) => new Date(T0 + i * 1_000).toISOString()));
    expect(refusals.next).toBeNull();
  });

  it('adds up hourly stats across segments', async () => {
    const project = newProject();
    const hour = Math.floor(T0 / 3_600_000) * 3_600_000;
    await write(project, [event(hour + 1_000), event(hour + 2_000)], hour + 2_000);
    await write(project, [event(hour + layout.windowMs + 3_000)], hour + layout.windowMs + 3_000);
    const stats = await projectLog(env, project).stats({ from: new Date(hour).toISOString(), to: new Date(hour + 2 * 3_600_000).toISOString() });
    const total = stats.accepted.reduce((sum, r) => sum + r.count, 0);
    expect(total).toBe(3);
  });
});

describe('the dedup window', () => {
  async function consumeAt(messages: EventMessage[], now: number, runtime: RecordingQueue<RunMessage>) {
    const first = messages[0];
    const batch = createMessageBatch<EventMessage>(
      eventsQueueOf({ projectId: first?.project_id ?? '' }),
      messages.map((body, i) => ({ id: `msg-${i}-${now}`, timestamp: new Date(), attempts: 1, body })),
    );
    await consumeBatch(batch, { ...env, ...everyRunsShard(runtime) }, { now: () => now });
    return getQueueResult(batch, createExecutionContext());
  }

  it('recognises a redelivery for DEDUP_WINDOW_MS even after the first copy’s metadata expired, and not after it', async () => {
    const project = await createProject();
    const hook = await createWebhook(project, { metadataRetentionDays: 1 });
    await createWorkflow(project, [hook.id]);
    const received = Date.now();
    const message = eventMessage(project, hook, { delivery_id: 'dlv_window', received_at: new Date(received).toISOString() });
    const runtime = new RecordingQueue<RunMessage>();

    expect((await consumeAt([message], received, runtime)).explicitAcks).toHaveLength(1);
    expect(runtime.sent).toHaveLength(1);
    // Two days on, the event's metadata is gone (retention deleted its row); the sender retries.
    const log = projectLog(env, project.projectId);
    const home = (await log.indexPartition(message.event_id).locate(message.event_id)).home;
    expect(home?.metadataExpiresAt).toBe(received + DAY);
    const justInside = received + DEDUP_WINDOW_MS - 60_000;
    expect((await consumeAt([message], justInside, runtime)).explicitAcks).toHaveLength(1);
    expect(runtime.sent).toHaveLength(1);

    // Past the window the index lets the id go; the same delivery is then a new event.
    const justOutside = received + DEDUP_WINDOW_MS + 60_000;
    await runInDurableObject(log.indexPartition(message.event_id), (instance) => (instance as unknown as { expire(now: number): Promise<number> }).expire(justOutside));
    expect((await log.indexPartition(message.event_id).locate(message.event_id)).home).toBeNull();
    expect((await consumeAt([message], justOutside, runtime)).explicitAcks).toHaveLength(1);
    expect(runtime.sent).toHaveLength(2);
  });
});
