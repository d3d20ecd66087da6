/**
 * What the consumer tells a project's sender health after fanning its events out: accepted events
 * per webhook and minute (silence and the authentication share read them) and, for schema drift,
 * the shapes of a sample of the inline payloads. Off the request path; best effort: a failure is
 * logged and the events stay acked, since health is diagnostics and the events were handled.
 */
import { safeErrorText } from '../http/safe-error';
import { inlinePayload, type EventMessage } from '../queue/event-message';
import { SHAPE_LIMITS, SHAPE_SAMPLE_PER_WEBHOOK, sampleForShapes, summariseShapes, type ShapeInput } from './shapes';
import { senderHealth } from './watch';
import type { ShapeObservation, TrafficObservation } from './types';

const MINUTE_MS = 60_000;
const decoder = new TextDecoder();

/** Accepted events per (webhook, minute of receipt). */
export function trafficOf(events: readonly EventMessage[], now: number): TrafficObservation[] {
  const counts = new Map<string, TrafficObservation>();
  for (const e of events) {
    const minute = Math.floor((Date.parse(e.received_at) || now) / MINUTE_MS);
    const key = `${e.webhook_id}\n${minute}`;
    const row = counts.get(key);
    if (row === undefined) counts.set(key, { webhookId: e.webhook_id, minute, accepted: 1 });
    else row.accepted += 1;
  }
  return [...counts.values()];
}

/**
 * JSON a batch summarises per webhook, at most: a batch of 64 KB FHIR bundles summarises two of
 * them, not twenty, so the consumer parses each byte about once more per batch, not once more per
 * event (the counts say how many were summarised of how many seen, so shares stay honest).
 */
export const SHAPE_BYTES_PER_WEBHOOK = 128 * 1024;

/**
 * The shapes of a sample of the batch, over every event seen: per webhook at most
 * SHAPE_SAMPLE_PER_WEBHOOK events and about SHAPE_BYTES_PER_WEBHOOK of JSON (at least one event).
 * A claim-checked payload is not read again for this: it is seen, not summarised.
 */
export function shapesOf(events: readonly EventMessage[]): ShapeObservation[] {
  const inline = new Map<string, { events: EventMessage[]; bytes: number }>();
  for (const e of events) {
    const bytes = inlinePayload(e);
    // Over the summariser's limit it would be seen and not summarised anyway: no need to decode it.
    if (bytes === undefined || bytes.length > SHAPE_LIMITS.MAX_JSON_CHARS) continue;
    const group = inline.get(e.webhook_id) ?? { events: [], bytes: 0 };
    group.events.push(e);
    group.bytes += bytes.length;
    inline.set(e.webhook_id, group);
  }
  const inputs: ShapeInput[] = [];
  for (const group of inline.values()) {
    const average = group.bytes / group.events.length;
    const take = Math.max(1, Math.min(SHAPE_SAMPLE_PER_WEBHOOK, Math.floor(SHAPE_BYTES_PER_WEBHOOK / Math.max(1, average))));
    for (const e of sampleForShapes(group.events, take, (m) => m.webhook_id)) {
      const bytes = inlinePayload(e);
      if (bytes !== undefined) inputs.push({ webhookId: e.webhook_id, receivedAt: e.received_at, json: decoder.decode(bytes) });
    }
  }
  return summariseShapes(inputs, { seen: events.map((e) => ({ webhookId: e.webhook_id, receivedAt: e.received_at })) });
}

export async function reportAccepted(env: Pick<Env, 'SENDER_HEALTH'>, projectId: string, events: readonly EventMessage[], now: number): Promise<void> {
  if (events.length === 0) return;
  try {
    await senderHealth(env, projectId).observeAccepted(projectId, trafficOf(events, now), shapesOf(events), now);
  } catch (error) {
    console.error(`sender health report of project ${projectId} failed`, safeErrorText(error));
  }
}
