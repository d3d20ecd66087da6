/**
 * An event as the fan-out records it in its project's log (shared/eventlog): the payload sealed
 * under the project's data key when it travelled inline, or the R2 key of its already sealed
 * claim-check, and the expiries its webhook's retention gives it. The log never sees a key or a
 * plaintext payload.
 */
import type { Db } from '../db/client';
import { inJsonArray } from '../db/json-rows';
import { webhooks } from '../db/schema';
import { EVENT_ROW_BYTES, RUN_ROW_BYTES } from '../eventlog/client';
import type { EventPlacement, LoggedEvent } from '../eventlog/types';
import { inlinePayload, inlinePayloadSize, type EventMessage } from '../queue/event-message';
import { SEALED_BYTES_OVERHEAD } from '../secrets/aead';
import { payloadAad, sealPayload } from '../secrets/payload-seal';

const DAY_MS = 86_400_000;

/** A webhook's retention, in days. */
export interface Retention {
  payloadDays: number;
  metadataDays: number;
}

/**
 * The column defaults: what an event of a webhook deleted since it was accepted is kept for. Its
 * events stay in the log and expire like any other.
 */
export const DEFAULT_RETENTION: Retention = { payloadDays: 30, metadataDays: 90 };

/** The query for the retention of `webhookIds`, to run in the batch's one D1 round trip. */
export function retentionQuery(db: Db, webhookIds: readonly string[]) {
  return db
    .select({ id: webhooks.id, payloadDays: webhooks.payloadRetentionDays, metadataDays: webhooks.metadataRetentionDays })
    .from(webhooks)
    .where(inJsonArray(webhooks.id, webhookIds));
}

export function retentionByWebhook(rows: readonly ({ id: string } & Retention)[]): Map<string, Retention> {
  return new Map(rows.map((r) => [r.id, { payloadDays: r.payloadDays, metadataDays: r.metadataDays }]));
}

/**
 * The log's record of `message`. Expiries count from when the event was received, so a retry or a
 * replay does not extend them (and the log keeps the first ones it was given anyway).
 */
export async function loggedEvent(message: EventMessage, retention: Retention, dataKey: CryptoKey, now: number): Promise<LoggedEvent> {
  const from = receivedOr(message, now);
  const inline = inlinePayload(message);
  return {
    id: message.event_id,
    webhookId: message.webhook_id,
    deliveryId: message.delivery_id,
    receivedAt: message.received_at,
    sealedPayload: inline === undefined ? null : await sealPayload(dataKey, inline, payloadAad(message.event_id)),
    payloadKey: inline === undefined ? (message.payload_key ?? null) : null,
    payloadExpiresAt: from + retention.payloadDays * DAY_MS,
    metadataExpiresAt: from + retention.metadataDays * DAY_MS,
  };
}

function receivedOr(message: EventMessage, now: number): number {
  const received = Date.parse(message.received_at);
  return Number.isFinite(received) ? received : now;
}

/**
 * What the log needs to place `message` in a segment before it is sealed: its expiries and about
 * what it will take there (a sealed payload is its bytes and a few more).
 */
export function eventPlacement(message: EventMessage, retention: Retention, runs: number, now: number): EventPlacement {
  const from = receivedOr(message, now);
  const size = inlinePayloadSize(message);
  const sealed = size === undefined ? 0 : size + SEALED_BYTES_OVERHEAD;
  return {
    id: message.event_id,
    webhookId: message.webhook_id,
    receivedAt: message.received_at,
    payloadExpiresAt: from + retention.payloadDays * DAY_MS,
    metadataExpiresAt: from + retention.metadataDays * DAY_MS,
    bytes: EVENT_ROW_BYTES + sealed + runs * RUN_ROW_BYTES,
  };
}
