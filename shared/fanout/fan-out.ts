/**
 * One event → one run per enabled workflow whose triggers include the webhook.
 *
 * Idempotent by construction, so a redelivered message, a batch retried halfway or a sender's
 * redelivery (same event id) starts nothing twice: run ids are derived from (event, workflow) and
 * are also the workflow instance ids; rows are inserted with ON CONFLICT DO NOTHING in one atomic
 * db.batch; instances are created in chunks of 100 and a created id is never created again.
 * Cost per event: one D1 read, one write batch, one status batch, ⌈workflows / 100⌉ createBatch calls.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import * as v from 'valibot';
import type { Db } from '../db/client';
import { events, runs, triggers, workflows } from '../db/schema';
import { runIdFor } from '../ids';
import { applyMapping } from '../schema/mapping';
import type { RunEnvelope } from './envelope';
import type { EventMessage } from './event-message';
import { D1_MAX_PARAMS, MAX_BATCH_ITEMS, chunk } from './queues';

export interface FanOutDeps {
  db: Db;
  payloads: R2Bucket;
  runtime: Workflow<RunEnvelope>;
  now: () => number;
}

export interface FanOutResult {
  runs: number;
  createBatchCalls: number;
}

const MappingSchema = v.nullable(v.record(v.string(), v.string()));
const RUN_COLUMNS = 6;

export async function fanOutEvent(deps: FanOutDeps, message: EventMessage): Promise<FanOutResult> {
  const payload = await loadPayload(deps.payloads, message);
  const targets = await deps.db
    .select({ workflowId: triggers.workflowId, mapping: triggers.mapping })
    .from(triggers)
    .innerJoin(workflows, eq(workflows.id, triggers.workflowId))
    .where(and(eq(triggers.webhookId, message.webhook_id), eq(workflows.enabled, true)))
    .all();

  const stamp = new Date(deps.now()).toISOString();
  const planned = await Promise.all(
    targets.map(async (t) => {
      const mapping = v.parse(MappingSchema, t.mapping === null ? null : JSON.parse(t.mapping));
      return { id: await runIdFor(message.event_id, t.workflowId), workflowId: t.workflowId, mapping };
    }),
  );

  const writes: BatchItem<'sqlite'>[] = [
    deps.db.insert(events).values(eventRow(message, 'accepted', null, stamp)).onConflictDoNothing(),
    ...chunk(planned, Math.floor(D1_MAX_PARAMS / RUN_COLUMNS)).map((rows) =>
      deps.db
        .insert(runs)
        .values(rows.map((r) => ({ id: r.id, eventId: message.event_id, workflowId: r.workflowId, status: 'pending' as const, createdAt: stamp, dispatchedAt: null })))
        .onConflictDoNothing(),
    ),
  ];
  await deps.db.batch(writes as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);

  const instances = planned.map((r) => ({
    id: r.id,
    params: {
      event_id: message.event_id,
      run_id: r.id,
      workflow_id: r.workflowId,
      webhook: { id: message.webhook_id, slug: message.webhook_slug, org: message.org, project: message.project_id },
      received_at: message.received_at,
      delivery_id: message.delivery_id,
      payload,
      input: r.mapping === null ? payload : applyMapping(payload, r.mapping),
    } satisfies RunEnvelope,
  }));
  const calls = chunk(instances, MAX_BATCH_ITEMS);
  for (const part of calls) await deps.runtime.createBatch(part);

  await deps.db.batch([
    deps.db
      .update(runs)
      .set({ status: 'dispatched', dispatchedAt: stamp })
      .where(and(eq(runs.eventId, message.event_id), eq(runs.status, 'pending'))),
    deps.db
      .update(events)
      .set({ status: 'dispatched', error: null, updatedAt: stamp })
      .where(eq(events.id, message.event_id)),
  ]);
  return { runs: planned.length, createBatchCalls: calls.length };
}

/** The events row of a queued event; the payload stays where the message put it (inline or R2). */
function eventRow(message: EventMessage, status: 'accepted' | 'dead', error: string | null, stamp: string): typeof events.$inferInsert {
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

async function loadPayload(bucket: R2Bucket, message: EventMessage): Promise<unknown> {
  if (message.payload_json !== undefined) return JSON.parse(message.payload_json);
  if (message.payload_key === undefined) throw new Error(`event ${message.event_id} carries no payload`);
  const object = await bucket.get(message.payload_key);
  // Thrown, not skipped: the message is retried and, if the object never appears, dead-lettered.
  if (object === null) throw new Error(`claim-checked payload of ${message.event_id} is missing`);
  return JSON.parse(await object.text());
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
