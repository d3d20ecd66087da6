/**
 * Events → one run per enabled workflow whose triggers include the event's webhook, recorded in the
 * event's project log (shared/eventlog).
 *
 * A consumer batch costs one D1 round trip ({@link readWebhooks}: the listening workflows and the
 * retention of every webhook in it). Each project in it then costs one call to its log to learn
 * which runs already exist and, after the runs are sent (sendBatch calls of up to 100), one call to
 * record its events and runs. Idempotent by construction, so a redelivered message, a batch retried
 * halfway or a sender's redelivery (same event id) starts nothing twice: run ids are derived from
 * (event, workflow), a run already recorded as dispatched is not sent again, and the runtime takes
 * a run id once (a send that succeeded before its record failed is sent again on retry; the runtime
 * drops the duplicate by its run id).
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { inJsonArray } from '../db/json-rows';
import { triggers, workflows } from '../db/schema';
import type { LoggedRun, ProjectLogApi } from '../eventlog/types';
import { asPrefixedId, runIdFor, type PrefixedId } from '../ids';
import { logDeadEvent } from '../observability/log-lines';
import { applyMapping, parseMappingColumn } from '../schema/mapping';
import type { RunEnvelope } from '../queue/run-envelope';
import type { EventMessage } from '../queue/event-message';
import type { RunMessage } from '../queue/run-message';
import { getSealedObject } from '../queue/sealed-object';
import { DEFAULT_RETENTION, eventPlacement, loggedEvent, retentionByWebhook, retentionQuery, type Retention } from './logged-event';
import { sendRuns } from './send-runs';

/**
 * Events per call: a whole consumer batch (max_batch_size is at most 100), so a batch costs one
 * D1 round trip and, per project, two calls to its log. A round trip has a cost of its own,
 * whatever its statements do; `npm run bench` prices the whole consumer on its enqueue-only
 * baseline (bench/baseline/with-consumer.ts).
 */
export const MAX_EVENTS_PER_FAN_OUT = 100;

/** Why an event whose claim-checked payload does not open is dead. Never the payload itself. */
export const UNDECRYPTABLE_PAYLOAD =
  "The payload could not be decrypted with the project's data key (its stored object was altered, or sealed under another key); no run was started, and it cannot be replayed.";

interface Target {
  workflowId: PrefixedId<'wf'>;
  mapping: string | null;
}

/** What the batch's one D1 round trip says about its webhooks. */
export interface WebhookFacts {
  /** The enabled workflows listening to each webhook, with that trigger's mapping. */
  targets: ReadonlyMap<string, readonly Target[]>;
  retention: ReadonlyMap<string, Retention>;
}

/** Reads the listening workflows and the retention of `webhookIds` in one db.batch. */
export async function readWebhooks(db: Db, webhookIds: readonly string[]): Promise<WebhookFacts> {
  const [listening, retention] = await db.batch([
    db
      .select({ webhookId: triggers.webhookId, workflowId: triggers.workflowId, mapping: triggers.mapping })
      .from(triggers)
      .innerJoin(workflows, eq(workflows.id, triggers.workflowId))
      .where(and(inJsonArray(triggers.webhookId, webhookIds), eq(workflows.enabled, true))),
    retentionQuery(db, webhookIds),
  ]);
  const targets = new Map<string, Target[]>();
  for (const t of listening) {
    const list = targets.get(t.webhookId) ?? [];
    list.push({ workflowId: asPrefixedId('wf', t.workflowId), mapping: t.mapping });
    targets.set(t.webhookId, list);
  }
  return { targets, retention: retentionByWebhook(retention) };
}

/** A webhook's retention; a webhook deleted since the event was accepted has the defaults. */
export function retentionOf(retention: ReadonlyMap<string, Retention>, webhookId: string): Retention {
  return retention.get(webhookId) ?? DEFAULT_RETENTION;
}

/** What one project's fan-out needs; `log` is that project's log, `dataKey` its data key. */
export interface ProjectFanOutDeps {
  log: Pick<ProjectLogApi, 'placeEvents' | 'dispatchedRuns' | 'recordDispatch' | 'recordDead'>;
  dataKey: CryptoKey;
  payloads: R2Bucket;
  /** The project's runs shard (shared/queue/shards.ts `runsQueueFor`). */
  runtime: Queue<RunMessage>;
  now: () => number;
}

export interface FanOutResult {
  runs: number;
  sendBatchCalls: number;
  /** Events recorded dead because their payload did not open. */
  dead: number;
  /** Redeliveries of events already handled whose metadata has expired since (./eventlog/layout.ts DEDUP_WINDOW_MS). */
  settled: number;
}

/**
 * Fans out events of one project: a call to its log for the runs already dispatched, the missing
 * runs sent, then one call recording events and runs. Throws (the caller retries) when the log,
 * R2 or the project's runs shard fails; an event whose payload cannot be decrypted is recorded dead
 * instead, since no retry can change that.
 */
export async function fanOutProject(deps: ProjectFanOutDeps, webhooks: WebhookFacts, messages: readonly EventMessage[]): Promise<FanOutResult> {
  if (messages.length === 0) return { runs: 0, sendBatchCalls: 0, dead: 0, settled: 0 };
  if (messages.length > MAX_EVENTS_PER_FAN_OUT) throw new RangeError(`fan out at most ${MAX_EVENTS_PER_FAN_OUT} events at once`);
  // Which segment holds each event, first copy or not: a redelivery goes where its first copy went.
  const homes = await deps.log.placeEvents(
    messages.map((m) => eventPlacement(m, retentionOf(webhooks.retention, m.webhook_id), (webhooks.targets.get(m.webhook_id) ?? []).length, deps.now())),
    deps.now(),
  );
  const live = messages.filter((m) => !homes.settled.has(m.event_id));
  // An event no workflow listens to is logged as it came, sealed or claim-checked: its payload is
  // never read here, which for a claim-checked one saves an R2 read and a decryption.
  const heard = (m: EventMessage) => (webhooks.targets.get(m.webhook_id)?.length ?? 0) > 0;
  const unheard = live.filter((m) => !heard(m));
  const loaded = await Promise.all(
    live.filter(heard).map(async (message) => ({ message, payload: await loadPayload(deps, message) })),
  );
  const readable = loaded.flatMap(({ message, payload }) => (payload === null ? [] : [{ message, payload }]));
  const unreadable = loaded.flatMap(({ message, payload }) => (payload === null ? [message] : []));

  const planned = await Promise.all(
    readable.flatMap(({ message, payload }) =>
      (webhooks.targets.get(message.webhook_id) ?? []).map(async (t) => ({
        message,
        payload,
        workflowId: t.workflowId,
        // A workflow listening to several webhooks has one trigger, and one mapping, per webhook.
        mapping: parseMappingColumn(t.mapping),
        runId: await runIdFor(message.event_id, t.workflowId),
      })),
    ),
  );
  const dispatched = new Set(planned.length === 0 ? [] : await deps.log.dispatchedRuns(homes, planned.map((r) => ({ id: r.runId, eventId: r.message.event_id }))));
  const missing = planned.filter((r) => !dispatched.has(r.runId));

  const sendBatchCalls = await sendRuns(
    deps.runtime,
    { payloads: deps.payloads, dataKey: deps.dataKey },
    missing.map(({ message, payload, workflowId, mapping, runId }) => ({
      runId,
      eventId: message.event_id,
      workflowId,
      projectId: message.project_id,
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
          mapping === null ? null : JSON.stringify(applyMapping(payload.parsed(), mapping)),
        ),
    })),
  );

  // Recorded after the hand-over: a row says dispatched only once the runtime has the run.
  const now = deps.now();
  const stamp = new Date(now).toISOString();
  const logged = (message: EventMessage) => loggedEvent(message, retentionOf(webhooks.retention, message.webhook_id), deps.dataKey, now);
  const recorded = [...unheard, ...readable.map(({ message }) => message)];
  if (recorded.length > 0) {
    const events = await Promise.all(recorded.map(logged));
    const runs: LoggedRun[] = missing.map((r) => ({ id: r.runId, eventId: r.message.event_id, workflowId: r.workflowId }));
    await deps.log.recordDispatch(homes, events, runs, stamp);
  }
  await Promise.all(
    unreadable.map(async (message) => {
      await deps.log.recordDead(await logged(message), UNDECRYPTABLE_PAYLOAD, stamp);
      logDeadEvent({ cause: 'undecryptable-payload', webhookId: message.webhook_id, eventId: message.event_id });
    }),
  );
  return { runs: missing.length, sendBatchCalls, dead: unreadable.length, settled: homes.settled.size };
}

/** A payload as the JSON text the sender sent; parsed only for a trigger that maps it. */
interface PayloadText {
  json: string;
  parsed: () => unknown;
}

const decoder = new TextDecoder();

/** The payload, or null when its claim-checked object does not open with the project's key. */
async function loadPayload(deps: Pick<ProjectFanOutDeps, 'payloads' | 'dataKey'>, message: EventMessage): Promise<PayloadText | null> {
  const inline = message.payload_bytes === undefined ? message.payload_json : decoder.decode(message.payload_bytes);
  const json = inline ?? (await claimChecked(deps, message));
  if (json === null) return null;
  let parsed: { value: unknown } | null = null;
  return { json, parsed: () => (parsed ??= { value: JSON.parse(json) }).value };
}

async function claimChecked({ payloads, dataKey }: Pick<ProjectFanOutDeps, 'payloads' | 'dataKey'>, message: EventMessage): Promise<string | null> {
  if (message.payload_key === undefined) throw new Error(`event ${message.event_id} carries no payload`);
  const read = await getSealedObject(payloads, dataKey, message.payload_key);
  switch (read.found) {
    case 'text':
      return read.text;
    case 'undecryptable':
      return null;
    case 'missing':
      // Thrown, not skipped: the message is retried and, if the object never appears, dead-lettered.
      throw new Error(`claim-checked payload of ${message.event_id} is missing`);
  }
}

/**
 * A run message's envelope JSON, with payload and input spliced in as the JSON text they already
 * are: a fan-out to many workflows neither parses nor re-serialises the payload once per run.
 * `inputJson` is null when the input is the payload (no mapping): the JSON then leaves `input` out
 * and carries the payload once, as the run message's rule says (parseRunEnvelope puts it back).
 */
function envelopeJson(head: Omit<RunEnvelope, 'payload' | 'input'>, payloadJson: string, inputJson: string | null): string {
  const input = inputJson === null ? '' : `,"input":${inputJson}`;
  return `${JSON.stringify(head).slice(0, -1)},"payload":${payloadJson}${input}}`;
}

/** Why a dead-lettered event is dead; its payload stays where it was, for replay. */
export function deadLetterReason(message: EventMessage, attempts: number): string {
  return `Fan-out failed after its retries (dead-letter attempt ${attempts}); replay with POST /v1/events/${message.event_id}/replay.`;
}
