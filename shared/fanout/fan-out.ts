/**
 * Events → one run per enabled workflow whose triggers include the event's webhook.
 *
 * A whole consumer batch is fanned out at once: one D1 round trip reads the listening workflows of
 * every webhook in it and the runs already dispatched, the runs go out in sendBatch calls of up to
 * 100, and one atomic db.batch records events and runs. Idempotent by construction, so a
 * redelivered message, a batch retried halfway or a sender's redelivery (same event id) starts
 * nothing twice: run ids are derived from (event, workflow), a run already recorded as dispatched
 * is not sent again, and the runtime takes a run id once (a send that succeeded before its record
 * failed is sent again on retry; the runtime drops the duplicate by its run id).
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { inJsonArray, insertJsonRows, type JsonRow } from '../db/json-rows';
import { events, runs, triggers, workflows } from '../db/schema';
import { runIdFor } from '../ids';
import { applyMapping, parseMappingColumn } from '../schema/mapping';
import type { RunEnvelope } from '../queue/run-envelope';
import type { EventMessage } from '../queue/event-message';
import type { RunMessage } from '../queue/run-message';
import { sendRuns } from './send-runs';

export interface FanOutDeps {
  db: Db;
  payloads: R2Bucket;
  runtime: Queue<RunMessage>;
  now: () => number;
}

export interface FanOutResult {
  runs: number;
  sendBatchCalls: number;
}

/**
 * Events per call: a whole consumer batch (max_batch_size is at most 100), so a batch costs one
 * D1 round trip of reads and one of writes. A round trip has a cost of its own, whatever its
 * statements do; `npm run bench` prices the whole consumer on its enqueue-only baseline
 * (bench/baseline/with-consumer.ts).
 */
export const MAX_EVENTS_PER_FAN_OUT = 100;

export async function fanOut(deps: FanOutDeps, messages: readonly EventMessage[]): Promise<FanOutResult> {
  if (messages.length === 0) return { runs: 0, sendBatchCalls: 0 };
  if (messages.length > MAX_EVENTS_PER_FAN_OUT) throw new RangeError(`fan out at most ${MAX_EVENTS_PER_FAN_OUT} events at once`);
  const { db } = deps;
  const [payloads, [targets, done]] = await Promise.all([
    Promise.all(messages.map((m) => loadPayload(deps.payloads, m))),
    db.batch([
      db
        .select({ webhookId: triggers.webhookId, workflowId: triggers.workflowId, mapping: triggers.mapping })
        .from(triggers)
        .innerJoin(workflows, eq(workflows.id, triggers.workflowId))
        .where(and(inJsonArray(triggers.webhookId, [...new Set(messages.map((m) => m.webhook_id))]), eq(workflows.enabled, true))),
      db
        .select({ id: runs.id })
        .from(runs)
        .where(and(inJsonArray(runs.eventId, messages.map((m) => m.event_id)), eq(runs.status, 'dispatched'))),
    ]),
  ]);
  const dispatched = new Set(done.map((r) => r.id));

  const planned = (
    await Promise.all(
      messages.flatMap((message, i) =>
        targets
          .filter((t) => t.webhookId === message.webhook_id)
          .map(async (t) => ({
            message,
            payload: payloads[i] as PayloadText,
            workflowId: t.workflowId,
            // A workflow listening to several webhooks has one trigger, and one mapping, per webhook.
            mapping: parseMappingColumn(t.mapping),
            runId: await runIdFor(message.event_id, t.workflowId),
          })),
      ),
    )
  ).filter((r) => !dispatched.has(r.runId));

  const sendBatchCalls = await sendRuns(
    deps.runtime,
    deps.payloads,
    planned.map(({ message, payload, workflowId, mapping, runId }) => ({
      runId,
      eventId: message.event_id,
      workflowId,
      envelopeJson: () =>
        envelopeJson(
          {
            event_id: message.event_id,
            run_id: runId,
            workflow_id: workflowId,
            webhook: { id: message.webhook_id, slug: message.webhook_slug, org: message.org, project: message.project_id },
            received_at: message.received_at,
            delivery_id: message.delivery_id,
          },
          payload.json,
          mapping === null ? payload.json : JSON.stringify(applyMapping(payload.parsed(), mapping)),
        ),
    })),
  );

  // Recorded after the hand-over: a row says dispatched only once the runtime has the run.
  const stamp = new Date(deps.now()).toISOString();
  await db.$client.batch([
    ...insertJsonRows(
      db.$client,
      events,
      EVENT_COLUMNS,
      messages.map((m) => eventValues(m, 'dispatched', null, stamp)),
      `ON CONFLICT (id) DO UPDATE SET status = 'dispatched', error = NULL, updated_at = excluded.updated_at`,
    ),
    ...insertJsonRows(
      db.$client,
      runs,
      RUN_COLUMNS,
      planned.map((r) => [r.runId, r.message.event_id, r.workflowId, 'dispatched', stamp, stamp]),
      `ON CONFLICT (id) DO UPDATE SET status = 'dispatched', dispatched_at = excluded.dispatched_at`,
    ),
  ]);
  return { runs: planned.length, sendBatchCalls };
}

const EVENT_COLUMNS = [events.id, events.webhookId, events.projectId, events.deliveryId, events.status, events.receivedAt, events.payload, events.payloadKey, events.error, events.updatedAt];
const RUN_COLUMNS = [runs.id, runs.eventId, runs.workflowId, runs.status, runs.createdAt, runs.dispatchedAt];

type EventStatus = 'accepted' | 'dispatched' | 'dead';

/** The events row of a queued event; the payload stays where the message put it (inline or R2). */
function eventRow(message: EventMessage, status: EventStatus, error: string | null, stamp: string): typeof events.$inferInsert {
  return {
    id: message.event_id,
    webhookId: message.webhook_id,
    projectId: message.project_id,
    deliveryId: message.delivery_id,
    status,
    receivedAt: message.received_at,
    payload: message.payload_json ?? null,
    payloadKey: message.payload_key ?? null,
    error,
    updatedAt: stamp,
  };
}

/** eventRow's values in EVENT_COLUMNS order. */
function eventValues(message: EventMessage, status: EventStatus, error: string | null, stamp: string): JsonRow {
  const row = eventRow(message, status, error, stamp);
  return [row.id, row.webhookId, row.projectId, row.deliveryId ?? null, row.status, row.receivedAt, row.payload ?? null, row.payloadKey ?? null, row.error ?? null, row.updatedAt];
}

/** A payload as the JSON text the sender sent; parsed only for a trigger that maps it. */
interface PayloadText {
  json: string;
  parsed: () => unknown;
}

async function loadPayload(bucket: R2Bucket, message: EventMessage): Promise<PayloadText> {
  const json = message.payload_json ?? (await claimChecked(bucket, message));
  let parsed: { value: unknown } | null = null;
  return { json, parsed: () => (parsed ??= { value: JSON.parse(json) }).value };
}

async function claimChecked(bucket: R2Bucket, message: EventMessage): Promise<string> {
  if (message.payload_key === undefined) throw new Error(`event ${message.event_id} carries no payload`);
  const object = await bucket.get(message.payload_key);
  // Thrown, not skipped: the message is retried and, if the object never appears, dead-lettered.
  if (object === null) throw new Error(`claim-checked payload of ${message.event_id} is missing`);
  return object.text();
}

/**
 * The contract envelope as JSON, with payload and input spliced in as the JSON text they already
 * are: a fan-out to many workflows neither parses nor re-serialises the payload once per run.
 */
function envelopeJson(head: Omit<RunEnvelope, 'payload' | 'input'>, payloadJson: string, inputJson: string): string {
  return `${JSON.stringify(head).slice(0, -1)},"payload":${payloadJson},"input":${inputJson}}`;
}

/**
 * Makes an event that is waiting for a retry visible (status accepted, with the reason), unless an
 * earlier attempt already dispatched it or the dead-letter queue already took it.
 */
export async function recordFailedAttempt(db: Db, message: EventMessage, error: string, now: number): Promise<void> {
  const stamp = new Date(now).toISOString();
  await db
    .insert(events)
    .values(eventRow(message, 'accepted', error, stamp))
    .onConflictDoUpdate({ target: events.id, set: { error, updatedAt: stamp }, setWhere: sql`${events.status} = 'accepted'` });
}

/** Marks an event dead after its retries ran out; its payload stays where it was, for replay. */
export async function recordDeadEvent(db: Db, message: EventMessage, attempts: number, now: number): Promise<void> {
  const stamp = new Date(now).toISOString();
  const error = `Fan-out failed after its retries (dead-letter attempt ${attempts}); replay with POST /v1/events/${message.event_id}/replay.`;
  await db
    .insert(events)
    .values(eventRow(message, 'dead', error, stamp))
    .onConflictDoUpdate({
      target: events.id,
      set: { status: 'dead', error, updatedAt: stamp },
      // An event a later attempt did dispatch stays dispatched.
      setWhere: sql`${events.status} <> 'dispatched'`,
    });
}
