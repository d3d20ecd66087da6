/**
 * Fan-out: one run per (event, workflow), whatever the queue or the sender redelivers, recorded in
 * the event's project log with its payload sealed under the project's data key.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { consumeBatch } from '../shared/fanout/consumer';
import { UNDECRYPTABLE_PAYLOAD } from '../shared/fanout/fan-out';
import { backoffSeconds } from '../shared/queue/backoff';
import type { EventMessage } from '../shared/queue/event-message';
import { runsQueueName } from '../shared/queue/shards';
import { parseRunEnvelope, type RunEnvelope } from '../shared/queue/run-envelope';
import type { RunMessage } from '../shared/queue/run-message';
import { importAesKey } from '../shared/secrets/aead';
import { DataKeyCache } from '../shared/secrets/data-keys';
import { objectAad, openPayloadText, payloadAad, sealText } from '../shared/secrets/payload-seal';
import { countingD1, newStatementCounter } from '../bench/instrument/counting-d1';
import worker from '../workers/hasp/index';
import { recordRuns } from '../workers/runtime-standin/run-recorder';
import { CHART_SAMPLE, createProject, createWebhook, createWorkflow, createWorkflows, dataKeyOf } from './helpers/fixtures';
import { RecordingQueue, inline, deadLettersOf, deliver, eventMessage, eventOf, eventStatus, eventsQueueOf, everyEventsShard, everyRunsShard, occurrences, receiptsOf, runsOf } from './helpers/queue';
import { postSigned, standardSignature, webhookUrl } from './helpers/send';
import { waitFor } from './helpers/wait';
import { firstRowInLog } from './helpers/log-storage';
import { opensUnderAnotherKey, storedObject } from './helpers/sealed-objects';

/** Events per consumer batch at most: max_batch_size of each hasp-events-{i} consumer in wrangler.toml. */
const FULL_CONSUMER_BATCH = 100;
const DAY = 86_400_000;

interface LogCall {
  projectId: string;
  /** Which of the log's objects: the project's own (directory), a segment, or an index partition. */
  object: 'directory' | 'segment' | 'index';
  method: string;
  /** Event ids the call carried (recordDispatch, recordDead, recordFailedAttempt). */
  eventIds: string[];
}

/**
 * The log's bindings, seen through: each call to one of a project's log objects is noted with the
 * project it reached, and `fails` may refuse it as an unavailable object would, before it arrives.
 */
function watchedLogs(fails: (projectId: string, method: string) => boolean = () => false) {
  const calls: LogCall[] = [];
  const watch = <T extends Rpc.DurableObjectBranded | undefined>(namespace: DurableObjectNamespace<T>, object: LogCall['object']) => {
    const names = new Map<string, string>();
    return {
      idFromName: (name: string) => {
        const id = namespace.idFromName(name);
        names.set(id.toString(), name);
        return id;
      },
      get: (id: DurableObjectId) => {
        const stub = namespace.get(id) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
        const projectId = (names.get(id.toString()) ?? 'unknown').split('/')[0] ?? 'unknown';
        return new Proxy(
          {},
          {
            get: (_target, method) => (...args: unknown[]) => {
              const first = args[0];
              const events = method === 'recordDispatch' ? (first as { id: string }[]) : method === 'recordDead' || method === 'recordFailedAttempt' ? [first as { id: string }] : [];
              calls.push({ projectId, object, method: String(method), eventIds: events.map((e) => e.id) });
              if (fails(projectId, String(method))) return Promise.reject(new Error(`log of ${projectId} unavailable`));
              return stub[String(method)]?.(...args);
            },
          },
        );
      },
    } as unknown as DurableObjectNamespace<T>;
  };
  const bindings = { PROJECT_LOG: watch(env.PROJECT_LOG, 'directory'), LOG_SEGMENTS: watch(env.LOG_SEGMENTS, 'segment'), LOG_INDEX: watch(env.LOG_INDEX, 'index') };
  return { calls, bindings, segmentCalls: () => calls.filter((c) => c.object === 'segment') };
}

/** Runs the consumer itself on one batch of the first message's project's events shard, with the seams a test needs. */
async function consume(messages: EventMessage[], bindings: Partial<Env>, options: Parameters<typeof consumeBatch>[2] = {}) {
  const batch = createMessageBatch<EventMessage>(
    eventsQueueOf({ projectId: messages[0]?.project_id ?? '' }),
    messages.map((body, i) => ({ id: `msg-${i}-${body.event_id}`, timestamp: new Date(), attempts: 1, body })),
  );
  await consumeBatch(batch, { ...env, ...bindings }, options);
  return getQueueResult(batch, createExecutionContext());
}

async function receiptsWhenThere(project: { projectId: string }, eventId: string, count: number) {
  return waitFor(async () => {
    const found = await receiptsOf(project, eventId);
    return found.length === count && found;
  }, `${count} runtime receipts of ${eventId}`);
}

describe('fan-out', () => {
  it.each([0, 1, 3])('starts one run for each of %i listening workflows and none for others', async (count) => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const otherHook = await createWebhook(project);
    const listening = await Promise.all(Array.from({ length: count }, () => createWorkflow(project, [hook.id])));
    await createWorkflow(project, [hook.id], { enabled: false });
    await createWorkflow(project, [otherHook.id]);

    const message = eventMessage(project, hook);
    const result = await deliver([message]);

    expect(result.explicitAcks).toEqual([`msg-0-${message.event_id}`]);
    const runs = await runsOf(project, message.event_id);
    expect(runs.map((r) => r.workflow_id).sort()).toEqual([...listening].sort());
    expect(runs.every((r) => r.status === 'dispatched')).toBe(true);
    expect(await eventStatus(project, message.event_id)).toBe('dispatched');
    const receipts = await receiptsWhenThere(project, message.event_id, count);
    expect(receipts.map((r) => r.run_id).sort()).toEqual(runs.map((r) => r.id).sort());
  });

  it('hands each run the contract envelope, and the runtime keeps it sealed', async () => {
    const project = await createProject();
    const hook = await createWebhook(project, { schema: { type: 'object' } });
    const workflowId = await createWorkflow(project, [hook.id]);
    const payload = { ...CHART_SAMPLE, note: 'MARKER-ENVELOPE-PHI' };
    // The payload as a sender may format it: the envelope splices this text in as it is.
    const payloadJson = `${JSON.stringify(payload, null, 2)}\n`;
    const message = eventMessage(project, hook, { delivery_id: 'msg_abc', ...inline(payloadJson) });
    await deliver([message]);
    const [receipt] = await receiptsWhenThere(project, message.event_id, 1);
    const [run] = await runsOf(project, message.event_id);
    expect(receipt?.envelope).toEqual({
      event_id: message.event_id,
      run_id: run?.id,
      workflow_id: workflowId,
      webhook: { id: hook.id, slug: hook.slug, org: project.orgSlug, project: project.projectId },
      received_at: message.received_at,
      delivery_id: 'msg_abc',
      payload,
      input: payload,
    });
    // As sent, a Class A run's envelope carries the payload once: its input is the payload.
    expect(occurrences(receipt?.json ?? '', payloadJson)).toBe(1);
    expect(occurrences(receipt?.json ?? '', 'MARKER-ENVELOPE-PHI')).toBe(1);
    expect(receipt?.envelopeKey).toBeNull();
    expect(receipt?.sealed ?? '').not.toContain('MARKER-ENVELOPE-PHI');
  });

  it('maps the payload into the input of a Class B trigger', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    await createWorkflow(project, [hook.id], { mapping: { patient: '/patient_id', first_field: '/updated_fields/0' } });
    const message = eventMessage(project, hook);
    await deliver([message]);
    const [receipt] = await receiptsWhenThere(project, message.event_id, 1);
    expect(receipt?.envelope.input).toEqual({ patient: 'p1', first_field: 'allergies' });
    expect(receipt?.envelope.payload).toEqual(CHART_SAMPLE);
    // As sent: the payload once, beside the mapped input.
    expect(occurrences(receipt?.json ?? '', JSON.stringify(CHART_SAMPLE))).toBe(1);
    expect(JSON.parse(receipt?.json ?? '{}')).toMatchObject({ input: { patient: 'p1', first_field: 'allergies' } });
  });

  it.each([
    ['as bytes', (json: string): Partial<EventMessage> => inline(json)],
    ['as JSON text, as messages sent before payloads travelled as bytes', (json: string): Partial<EventMessage> => ({ payload_json: json })],
  ])('records an inline payload that travelled %s in the log sealed under the project data key, with its webhook retention', async (_form, carry) => {
    const project = await createProject();
    const hook = await createWebhook(project, { schema: { type: 'object' }, payloadRetentionDays: 7, metadataRetentionDays: 14 });
    await createWorkflow(project, [hook.id]);
    const payloadJson = JSON.stringify({ ...CHART_SAMPLE, note: 'MARKER-INLINE-PHI' });
    const message = eventMessage(project, hook, carry(payloadJson));
    expect((await deliver([message])).explicitAcks).toHaveLength(1);

    const event = await eventOf(project, message.event_id);
    expect(event).toMatchObject({ status: 'dispatched', payloadState: 'kept', payloadKey: null });
    const sealed = event?.sealedPayload ?? '';
    // Sealed in the bytes form whichever way it came.
    expect(sealed).toBeInstanceOf(Uint8Array);
    expect(typeof sealed === 'string' ? sealed : new TextDecoder('latin1').decode(sealed)).not.toContain('MARKER-INLINE-PHI');
    expect(await openPayloadText(await dataKeyOf(project), sealed, payloadAad(message.event_id))).toBe(payloadJson);
    // Bound to its event: the same ciphertext does not open as another event's payload.
    await expect(openPayloadText(await dataKeyOf(project), sealed, payloadAad('evt_other'))).rejects.toThrow();

    const received = Date.parse(message.received_at);
    const expiries = await firstRowInLog<{ p: number; m: number }>(project.projectId, 'SELECT payload_expires_at AS p, metadata_expires_at AS m FROM events WHERE id = ?', message.event_id);
    expect(expiries).toMatchObject({ p: received + 7 * DAY, m: received + 14 * DAY });
  });

  it('starts nothing twice when the queue redelivers a message', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    await Promise.all([createWorkflow(project, [hook.id]), createWorkflow(project, [hook.id])]);
    const message = eventMessage(project, hook);
    await deliver([message]);
    const first = await runsOf(project, message.event_id);
    // The redelivery's runs queue keeps what it is sent: nothing, since both runs are dispatched.
    const runtime = new RecordingQueue<RunMessage>();
    const again = await deliver([message], undefined, 2, everyRunsShard(runtime));
    expect(again.explicitAcks).toHaveLength(1);
    expect(runtime.sent).toEqual([]);
    expect(await runsOf(project, message.event_id)).toEqual(first);
    await receiptsWhenThere(project, message.event_id, 2);
  });

  it('logs an event no workflow listens to without reading its claim-checked payload', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    // No object behind the key: reading it would fail the event and send it to its retries.
    const key = `events/unread/${crypto.randomUUID()}.json`;
    const message = eventMessage(project, hook, { payload_key: key });
    const result = await deliver([message]);
    expect(result.explicitAcks).toEqual([`msg-0-${message.event_id}`]);
    expect(result.retryMessages).toEqual([]);
    expect(await eventOf(project, message.event_id)).toMatchObject({ status: 'dispatched', payloadState: 'kept', payloadKey: key, sealedPayload: null, runs: [] });
  });

  it('retries only the failed message of a batch, and the redelivered batch adds no run', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    await createWorkflow(project, [hook.id]);
    const good = eventMessage(project, hook);
    const missing = eventMessage(project, hook, { payload_key: `events/none/${crypto.randomUUID()}.json` });

    const first = await deliver([good, missing]);
    expect(first.explicitAcks).toEqual([`msg-0-${good.event_id}`]);
    expect(first.retryMessages.map((m) => m.msgId)).toEqual([`msg-1-${missing.event_id}`]);
    // While it waits for its retry, the event is visible in its log with the reason.
    const waiting = await eventOf(project, missing.event_id);
    expect(waiting?.status).toBe('accepted');
    expect(waiting?.error).toContain('is missing');
    expect(waiting?.runs).toEqual([]);

    const key = missing.payload_key ?? '';
    await env.PAYLOADS.put(key, await sealText(await dataKeyOf(project), JSON.stringify(CHART_SAMPLE), objectAad(key)));
    const second = await deliver([good, missing], undefined, 2);
    expect(second.explicitAcks).toHaveLength(2);
    expect(await runsOf(project, good.event_id)).toHaveLength(1);
    expect(await runsOf(project, missing.event_id)).toHaveLength(1);
    expect(await eventStatus(project, missing.event_id)).toBe('dispatched');
  });

  it('stays within D1 and Queues batch limits for 250 workflows, and the runtime records each run once', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    await createWorkflows(project, hook.id, 250);
    const message = eventMessage(project, hook);
    const result = await deliver([message]);
    expect(result.explicitAcks).toHaveLength(1);
    const runs = await runsOf(project, message.event_id);
    expect(runs).toHaveLength(250);
    expect(new Set(runs.map((r) => r.id)).size).toBe(250);
    await waitFor(async () => (await receiptsOf(project, message.event_id)).length === 250, '250 runtime receipts');
  });

  it('fans a batch of 100 events out with one D1 round trip and two calls to the project log, sending runs 100 at a time', async () => {
    const project = await createProject();
    const busy = await createWebhook(project);
    const quiet = await createWebhook(project);
    await createWorkflows(project, busy.id, 150);
    const quietWorkflow = await createWorkflow(project, [quiet.id]);
    // A full consumer batch (max_batch_size = 100 in wrangler.toml), fanned out in one go.
    const messages = [eventMessage(project, busy), eventMessage(project, busy), eventMessage(project, quiet)];
    const all = [...messages, ...Array.from({ length: FULL_CONSUMER_BATCH - messages.length }, () => eventMessage(project, quiet))];

    const counter = newStatementCounter();
    const runtime = new RecordingQueue<RunMessage>();
    const logs = watchedLogs();
    const metrics: { runs: number; sendBatchCalls: number; events: number }[] = [];
    // A cold isolate: the data key is read once, and kept for the next batch.
    const options = {
      db: (binding: D1Database) => countingD1(binding, counter),
      dataKeys: new DataKeyCache(),
      metrics: (m: { runs: number; sendBatchCalls: number; eventIds: readonly string[] }) => void metrics.push({ runs: m.runs, sendBatchCalls: m.sendBatchCalls, events: m.eventIds.length }),
    };
    const result = await consume(all, { ...everyRunsShard(runtime), ...logs.bindings }, options);

    expect(result.explicitAcks).toHaveLength(FULL_CONSUMER_BATCH);
    expect(metrics).toEqual([{ runs: 398, sendBatchCalls: 4, events: 100 }]);
    expect(runtime.calls.map((b) => b.length)).toEqual([100, 100, 100, 98]);
    expect(runtime.sent.every((m) => m.project_id === project.projectId)).toBe(true);
    // D1: the data key (cold isolate only), then triggers and retention in one batch.
    expect(counter.statements).toBe(1 + 2);
    expect(counter.roundTrips).toBe(2);
    // The log: which segment is open, where each id lives (one call per index partition touched), then the segment.
    expect(logs.calls.filter((c) => c.object === 'directory').map((c) => c.method)).toEqual(['reserve']);
    const claims = logs.calls.filter((c) => c.object === 'index');
    expect(claims.every((c) => c.method === 'claim')).toBe(true);
    expect(claims.length).toBeLessThanOrEqual(Number(env.LOG_INDEX_PARTITIONS));
    expect(logs.segmentCalls().map((c) => c.method)).toEqual(['dispatchedRuns', 'recordDispatch']);
    expect(logs.segmentCalls()[1]?.eventIds).toHaveLength(100);
    expect((await runsOf(project, messages[2]?.event_id ?? '')).map((r) => r.workflow_id)).toEqual([quietWorkflow]);
    for (const m of all) expect(await eventStatus(project, m.event_id)).toBe('dispatched');

    // A redelivery of the whole batch on the now warm isolate: no key read, nothing sent.
    counter.statements = 0;
    counter.roundTrips = 0;
    logs.calls.length = 0;
    const again = await consume(all, { ...everyRunsShard(runtime), ...logs.bindings }, options);
    expect(again.explicitAcks).toHaveLength(FULL_CONSUMER_BATCH);
    expect(runtime.calls).toHaveLength(4);
    expect(counter.statements).toBe(2);
    expect(counter.roundTrips).toBe(1);
    expect(logs.segmentCalls().map((c) => c.method)).toEqual(['dispatchedRuns', 'recordDispatch']);
  });

  it('logs a batch of 100 64 KB payloads nobody listens to in one write, and tells sender health once; listeners split it by the copies they add', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    // 64 KB of JSON each: 6.4 MB a batch, all inline (under INLINE_PAYLOAD_MAX_BYTES).
    const bundle = JSON.stringify({ ...CHART_SAMPLE, note: 'x'.repeat(64 * 1024) });
    const batch = () => Array.from({ length: FULL_CONSUMER_BATCH }, () => eventMessage(project, hook, inline(bundle)));
    const health: string[] = [];
    const healthBinding = {
      idFromName: (name: string) => env.SENDER_HEALTH.idFromName(name),
      get: (id: DurableObjectId) => {
        const stub = env.SENDER_HEALTH.get(id) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
        return new Proxy({}, { get: (_t, method) => (...args: unknown[]) => (health.push(String(method)), stub[String(method)]?.(...args)) });
      },
    } as unknown as Env['SENDER_HEALTH'];

    const logs = watchedLogs();
    const unheard = await consume(batch(), { ...logs.bindings, SENDER_HEALTH: healthBinding });
    expect(unheard.explicitAcks).toHaveLength(FULL_CONSUMER_BATCH);
    expect(logs.segmentCalls().map((c) => c.method)).toEqual(['recordDispatch']);
    expect(health).toEqual(['observeAccepted']);

    // One listener: its run envelope is a second copy of each payload, so 10 MB of copies holds 76 events (2 × 65.6 KB each).
    await createWorkflow(project, [hook.id]);
    logs.calls.length = 0;
    health.length = 0;
    const heard = await consume(batch(), { ...everyRunsShard(new RecordingQueue<RunMessage>()), ...logs.bindings, SENDER_HEALTH: healthBinding });
    expect(heard.explicitAcks).toHaveLength(FULL_CONSUMER_BATCH);
    const writes = logs.segmentCalls().filter((c) => c.method === 'recordDispatch');
    expect(writes.map((c) => c.eventIds.length)).toEqual([76, 24]);
    expect(health).toEqual(['observeAccepted']);
  });

  it("gives each project's log only its own events, and retries only the project whose log failed", async () => {
    const a = await createProject();
    const b = await createProject();
    const hookA = await createWebhook(a);
    const hookB = await createWebhook(b);
    await createWorkflow(a, [hookA.id]);
    await createWorkflow(b, [hookB.id]);
    const a1 = eventMessage(a, hookA);
    const b1 = eventMessage(b, hookB);
    const a2 = eventMessage(a, hookA);

    const logs = watchedLogs();
    const result = await deliver([a1, b1, a2], undefined, 1, { ...logs.bindings });
    expect(result.explicitAcks).toHaveLength(3);
    const recorded = logs.segmentCalls().filter((c) => c.method === 'recordDispatch');
    expect(recorded.map((c) => [c.projectId, [...c.eventIds].sort()]).sort()).toEqual(
      [
        [a.projectId, [a1.event_id, a2.event_id].sort()],
        [b.projectId, [b1.event_id]],
      ].sort(),
    );
    expect(await eventOf(a, b1.event_id)).toBeNull();
    expect(await eventOf(b, a1.event_id)).toBeNull();
    expect(await eventStatus(b, b1.event_id)).toBe('dispatched');

    // Project B's log is down: only B's message is retried; A's are acked.
    const a3 = eventMessage(a, hookA);
    const b2 = eventMessage(b, hookB);
    const failingB = watchedLogs((projectId) => projectId === b.projectId);
    const partial = await deliver([a3, b2], undefined, 1, { ...failingB.bindings });
    expect(partial.explicitAcks).toEqual([`msg-0-${a3.event_id}`]);
    expect(partial.retryMessages.map((m) => m.msgId)).toEqual([`msg-1-${b2.event_id}`]);
    expect(await eventStatus(a, a3.event_id)).toBe('dispatched');
    expect(await eventOf(b, b2.event_id)).toBeNull();
  });

  it('retries every message while the project log is unavailable, and a healthy retry starts exactly one run each', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    await createWorkflow(project, [hook.id]);
    const messages = [eventMessage(project, hook), eventMessage(project, hook)];

    const unavailable = watchedLogs(() => true);
    const runtime = new RecordingQueue<RunMessage>();
    const down = await deliver(messages, undefined, 1, { ...unavailable.bindings, ...everyRunsShard(runtime) });
    expect(down.explicitAcks).toEqual([]);
    expect(down.retryMessages).toHaveLength(2);
    // Which runs exist could not be learnt, so none was sent.
    expect(runtime.sent).toEqual([]);

    // The log answers, but fails to record: the runs were sent (to the real runtime) and the
    // messages are retried. The retry sends them again, and the runtime takes each run id once.
    const recordFails = watchedLogs((_p, method) => method === 'recordDispatch');
    const halfway = await deliver(messages, undefined, 2, { ...recordFails.bindings });
    expect(halfway.explicitAcks).toEqual([]);
    expect(halfway.retryMessages).toHaveLength(2);

    const healthy = await deliver(messages, undefined, 3);
    expect(healthy.explicitAcks).toHaveLength(2);
    for (const m of messages) {
      expect(await runsOf(project, m.event_id)).toHaveLength(1);
      expect(await eventStatus(project, m.event_id)).toBe('dispatched');
      await receiptsWhenThere(project, m.event_id, 1);
    }
    // The runs went to the runs shard twice (halfway, then healthy). A later event's run follows
    // them on the same shard, which hands its messages to the stand-in in order, one batch at a
    // time: once that run is recorded, every earlier delivery has been consumed, and added nothing.
    const later = eventMessage(project, hook);
    expect((await deliver([later], undefined, 1)).explicitAcks).toHaveLength(1);
    await receiptsWhenThere(project, later.event_id, 1);
    for (const m of messages) expect(await receiptsOf(project, m.event_id)).toHaveLength(1);
  });

  it('records an event whose claim-checked payload cannot be decrypted as dead, and acks it', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    await createWorkflow(project, [hook.id]);
    const garbageKey = `events/garbage/${crypto.randomUUID()}.json`;
    const otherKeyKey = `events/other/${crypto.randomUUID()}.json`;
    const movedKey = `events/moved/${crypto.randomUUID()}.json`;
    const payloadJson = JSON.stringify(CHART_SAMPLE);
    await env.PAYLOADS.put(garbageKey, 'v1.not.sealed');
    const otherKey = await importAesKey(crypto.getRandomValues(new Uint8Array(32)));
    await env.PAYLOADS.put(otherKeyKey, await sealText(otherKey, payloadJson, objectAad(otherKeyKey)));
    // The project's own key, but sealed for another object.
    await env.PAYLOADS.put(movedKey, await sealText(await dataKeyOf(project), payloadJson, objectAad('events/elsewhere.json')));
    const messages = [garbageKey, otherKeyKey, movedKey].map((key) => eventMessage(project, hook, { payload_key: key }));

    const runtime = new RecordingQueue<RunMessage>();
    const result = await deliver(messages, undefined, 1, everyRunsShard(runtime));
    expect(result.explicitAcks).toHaveLength(3);
    expect(result.retryMessages).toEqual([]);
    expect(runtime.sent).toEqual([]);
    for (const m of messages) {
      const event = await eventOf(project, m.event_id);
      expect(event).toMatchObject({ status: 'dead', error: UNDECRYPTABLE_PAYLOAD, runs: [], payloadKey: m.payload_key });
      expect(event?.error).toContain('could not be decrypted');
    }
  });

  it('claim-checks a run envelope too large for a queue message, sealed in R2', async () => {
    const project = await createProject();
    const hook = await createWebhook(project, { schema: { type: 'object' } });
    await createWorkflow(project, [hook.id], { mapping: { patient: '/patient_id', notes: '/notes' } });
    const payload = { ...CHART_SAMPLE, notes: 'MARKER-ENVELOPE'.repeat(6_000) };
    // The payload fits the event message inline, but with the input that maps its notes it does not fit a run message.
    const message = eventMessage(project, hook, inline(JSON.stringify(payload)));
    const runtime = new RecordingQueue<RunMessage>();
    await deliver([message], undefined, 1, everyRunsShard(runtime));

    const [run] = await runsOf(project, message.event_id);
    const key = `runs/${run?.id}.json`;
    expect(runtime.sent).toEqual([
      { v: 1, run_id: run?.id, event_id: message.event_id, workflow_id: run?.workflow_id, project_id: project.projectId, envelope_key: key },
    ]);
    const { stored, text } = await storedObject(await dataKeyOf(project), key);
    expect(stored).not.toContain('MARKER-ENVELOPE');
    const envelope = parseRunEnvelope(text);
    expect(envelope.payload).toEqual(payload);
    expect(envelope.input).toEqual({ patient: 'p1', notes: payload.notes });
  });

  it('records a dead-lettered event as dead in its log, keeping its payload sealed for replay', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const message = eventMessage(project, hook);
    const result = await deliver([message], deadLettersOf(project), 6);
    expect(result.explicitAcks).toHaveLength(1);
    const event = await eventOf(project, message.event_id);
    expect(event?.status).toBe('dead');
    expect(event?.error).toContain('replay');
    expect(JSON.parse(await openPayloadText(await dataKeyOf(project), event?.sealedPayload ?? '', payloadAad(message.event_id)))).toEqual(CHART_SAMPLE);
  });

  it('retries a dead letter whose project log is unavailable', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const message = eventMessage(project, hook);
    const result = await deliver([message], deadLettersOf(project), 6, watchedLogs(() => true).bindings);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toHaveLength(1);
  });
});

describe('the runtime stand-in', () => {
  it('records a run once however often the runs queue delivers it: an inline envelope sealed, a claim-checked one by its R2 key', async () => {
    const project = await createProject();
    const dataKey = await dataKeyOf(project);
    const receivedAt = new Date().toISOString();
    const payload = { ...CHART_SAMPLE, note: 'MARKER-RECEIPT' };
    const head = (runId: string) => ({
      event_id: 'evt_runtime',
      run_id: runId,
      workflow_id: 'wf_runtime',
      webhook: { id: 'wh_runtime', slug: 'runtime', org: project.orgSlug, project: project.projectId },
      received_at: receivedAt,
      delivery_id: null,
    });
    // run_big as a mapped trigger's envelope (its input beside the payload); run_small as a Class A
    // one, sent without input since its input is the payload.
    const big: RunEnvelope = { ...head('run_big'), payload, input: CHART_SAMPLE };
    const small = { ...head('run_small'), payload };
    await env.PAYLOADS.put('runs/run_big.json', await sealText(dataKey, JSON.stringify(big), objectAad('runs/run_big.json')));
    const ids = (runId: string) => ({ v: 1 as const, run_id: runId, event_id: 'evt_runtime', workflow_id: 'wf_runtime', project_id: project.projectId });
    const bodies: RunMessage[] = [
      { ...ids('run_small'), envelope_json: JSON.stringify(small) },
      { ...ids('run_big'), envelope_key: 'runs/run_big.json' },
    ];
    const standin = { RECEIPTS: env.RUNTIME_RECEIPTS, PAYLOADS: env.PAYLOADS, DB: env.DB, MASTER_KEY: env.MASTER_KEY };
    for (const attempts of [1, 2]) {
      const batch = createMessageBatch<RunMessage>(runsQueueName(0), bodies.map((body, i) => ({ id: `run-${i}`, timestamp: new Date(), attempts, body })));
      await recordRuns(batch, standin);
      expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toHaveLength(2);
    }
    const receipts = await receiptsOf(project, 'evt_runtime');
    expect(receipts.map((r) => [r.run_id, r.envelopeKey, r.sealed === null])).toEqual([
      ['run_big', 'runs/run_big.json', true],
      ['run_small', null, false],
    ]);
    expect(receipts[0]?.envelope).toEqual(big);
    expect(receipts[1]?.envelope).toEqual({ ...small, input: payload });
    expect(receipts[1]?.sealed ?? '').not.toContain('MARKER-RECEIPT');
  });

  it('retries a claim-checked run whose envelope is not in R2, and records nothing for it', async () => {
    const project = await createProject();
    const body: RunMessage = { v: 1, run_id: 'run_nowhere', event_id: 'evt_nowhere', workflow_id: 'wf_runtime', project_id: project.projectId, envelope_key: 'runs/run_nowhere.json' };
    const batch = createMessageBatch<RunMessage>(runsQueueName(0), [{ id: 'run-0', timestamp: new Date(), attempts: 1, body }]);
    await recordRuns(batch, { RECEIPTS: env.RUNTIME_RECEIPTS, PAYLOADS: env.PAYLOADS, DB: env.DB, MASTER_KEY: env.MASTER_KEY });
    const result = await getQueueResult(batch, createExecutionContext());
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(['run-0']);
    expect(await receiptsOf(project, 'evt_nowhere')).toEqual([]);
  });
});

describe('retry backoff', () => {
  it('doubles from 5 seconds and stops at 5 minutes', () => {
    expect([1, 2, 3, 4, 7, 20].map(backoffSeconds)).toEqual([5, 10, 20, 40, 300, 300]);
  });
});

describe('end to end through the queue', () => {
  it('turns a signed request into runs, and a sender redelivery into no second run', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    await createWorkflow(project, [hook.id]);
    const url = webhookUrl(project.orgSlug, hook.slug);
    const first = await (await postSigned(url, hook.secret, CHART_SAMPLE, { id: 'msg_redelivered' })).json<{ event_id: string }>();
    await waitFor(async () => (await eventStatus(project, first.event_id)) === 'dispatched', 'the event to be dispatched');
    const dispatched = await runsOf(project, first.event_id);
    expect(dispatched).toHaveLength(1);

    // The sender delivers again: the ingress enqueues the same event id, and the consumer, given
    // that message, sends no run.
    const events = new RecordingQueue<EventMessage>();
    const body = JSON.stringify(CHART_SAMPLE);
    const request = new Request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...standardSignature(hook.secret, body, { id: 'msg_redelivered' }) }, body });
    const again = await worker.fetch(request, { ...env, ...everyEventsShard(events) }, createExecutionContext());
    expect((await again.json<{ event_id: string }>()).event_id).toBe(first.event_id);
    expect(events.sent.map((m) => m.event_id)).toEqual([first.event_id]);
    const runtime = new RecordingQueue<RunMessage>();
    expect((await deliver(events.sent, undefined, 1, everyRunsShard(runtime))).explicitAcks).toHaveLength(1);
    expect(runtime.sent).toEqual([]);
    expect(await runsOf(project, first.event_id)).toEqual(dispatched);
    await receiptsWhenThere(project, first.event_id, 1);
  });

  it('claim-checks a body too large for a queue message through R2, sealed, and delivers it whole', async () => {
    const project = await createProject();
    const hook = await createWebhook(project, { schema: { type: 'object' } });
    await createWorkflow(project, [hook.id]);
    const payload = { ...CHART_SAMPLE, notes: 'MARKER-LARGE-PHI '.repeat(25_000) };
    const response = await postSigned(webhookUrl(project.orgSlug, hook.slug), hook.secret, payload);
    expect(response.status).toBe(202);
    const { event_id } = await response.json<{ event_id: string }>();
    const stored = await env.PAYLOADS.list({ prefix: `events/${event_id}/` });
    expect(stored.objects).toHaveLength(1);
    const key = stored.objects[0]?.key ?? '';
    // Sealed before it reached R2: the object holds no payload text, and opens only as itself.
    const { stored: sealed, text } = await storedObject(await dataKeyOf(project), key);
    expect(sealed).not.toContain('MARKER-LARGE-PHI');
    expect(JSON.parse(text)).toEqual(payload);
    // Sealed as bytes: about the payload's size, not the third more that base64 text would take.
    expect(sealed.length).toBeLessThan(JSON.stringify(payload).length + 64);
    // Bound to its key: the same bytes under another key do not open.
    expect(await opensUnderAnotherKey(await dataKeyOf(project), key)).toBe(false);

    const [receipt] = await waitFor(async () => {
      const found = await receiptsOf(project, event_id);
      return found.length === 1 && found;
    }, 'the large event to reach its run');
    expect(receipt?.envelope.payload).toEqual(payload);
    expect(receipt?.envelope.input).toEqual(payload);
    const event = await eventOf(project, event_id);
    expect(event?.sealedPayload).toBeNull();
    expect(event?.payloadKey).toBe(key);
  });
});
