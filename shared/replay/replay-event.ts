/**
 * What replaying one event means, for `POST /v1/events/{id}/replay` and for bulk replay jobs alike:
 * the event's message is sent to its project's events shard again, exactly as it was first accepted, and the
 * fan-out starts a run only for each listening workflow that has none for it (run ids are derived
 * from event and workflow, and the project's log says which exist). So a replay, repeated however
 * often, starts no run twice.
 *
 * An inline payload is opened in memory and travels on the queue, as a new event's does; a
 * claim-checked one stays sealed in R2 and the message carries its key.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { inJsonArray } from '../db/json-rows';
import { triggers, workflows } from '../db/schema';
import type { EventRecord } from '../eventlog/types';
import { asPrefixedId } from '../ids';
import type { EventMessage } from '../queue/event-message';
import type { EnqueueFields, PayloadRef } from '../queue/enqueue';
import { openPayload, payloadAad } from '../secrets/payload-seal';

/** Why an event cannot be replayed; each is a 409 for one event and a `skipped` reason for a job. */
export type ReplayRefusal = 'webhook-deleted' | 'payload-expunged' | 'payload-expired';

/**
 * Why a job does not send an event although it could: it is dispatched and every workflow
 * listening now has its run, so a replay would start nothing. A job run again over the same
 * events counts them here instead of replaying them again.
 */
export const NOTHING_TO_START = 'already-dispatched';

/** The enabled workflows listening to each of `webhookIds` now, ids sorted; one D1 statement. */
export async function listeningWorkflows(db: Db, webhookIds: readonly string[]): Promise<Map<string, string[]>> {
  const listening = new Map<string, string[]>();
  if (webhookIds.length === 0) return listening;
  const rows = await db
    .select({ webhookId: triggers.webhookId, workflowId: workflows.id })
    .from(triggers)
    .innerJoin(workflows, eq(workflows.id, triggers.workflowId))
    .where(and(inJsonArray(triggers.webhookId, webhookIds), eq(workflows.enabled, true)))
    .orderBy(workflows.id)
    .all();
  for (const r of rows) listening.set(r.webhookId, [...(listening.get(r.webhookId) ?? []), r.workflowId]);
  return listening;
}

/**
 * The listening workflows a replay of `event` would start a run for: those with none yet. The
 * fan-out decides this again when the message arrives (run ids derive from event and workflow, and
 * the log says which exist), so this is a forecast, never the guard.
 */
export function workflowsWithoutRun(event: Pick<EventRecord, 'runs'>, listening: readonly string[]): string[] {
  const hasRun = new Set(event.runs.map((r) => r.workflow_id));
  return listening.filter((id) => !hasRun.has(id));
}

export interface ReplayMessage {
  fields: EnqueueFields;
  payload: PayloadRef;
}

export type PreparedReplay = { ok: true; message: ReplayMessage } | { ok: false; refusal: ReplayRefusal };

/** The project the event belongs to, as its message names it. */
export interface ReplayOwner {
  orgSlug: string;
  projectId: string;
}

/**
 * The message that replays `event`, or why it cannot be. `webhookSlug` is the slug of the event's
 * webhook in the caller's project now, undefined when it was deleted. Throws when an inline payload
 * does not open under `dataKey` (nothing to replay, and nothing a retry changes).
 */
export async function prepareReplay(event: EventRecord, webhookSlug: string | undefined, owner: ReplayOwner, dataKey: CryptoKey): Promise<PreparedReplay> {
  if (webhookSlug === undefined) return { ok: false, refusal: 'webhook-deleted' };
  switch (event.payloadState) {
    case 'expunged':
      return { ok: false, refusal: 'payload-expunged' };
    case 'expired':
      return { ok: false, refusal: 'payload-expired' };
    case 'kept':
      break;
  }
  let payload: PayloadRef;
  if (event.payloadKey !== null) payload = { payload_key: event.payloadKey };
  else if (event.sealedPayload !== null) payload = { payload_bytes: await openPayload(dataKey, event.sealedPayload, payloadAad(event.id)) };
  else throw new Error(`event ${event.id} is kept with neither a sealed payload nor a payload key`);
  const fields: EnqueueFields = {
    event_id: asPrefixedId('evt', event.id),
    webhook_id: event.webhookId,
    webhook_slug: webhookSlug,
    org: owner.orgSlug,
    project_id: owner.projectId,
    delivery_id: event.deliveryId,
    received_at: event.receivedAt,
  };
  return { ok: true, message: { fields, payload } };
}

/** The queue body of a prepared replay, as `sendEvent` sends it one at a time. */
export function replayBody({ fields, payload }: ReplayMessage): EventMessage {
  return { v: 1, ...fields, ...payload };
}
