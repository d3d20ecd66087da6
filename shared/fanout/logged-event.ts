/**
 * An event as the fan-out records it in its project's log (shared/eventlog): the payload sealed
 * under the project's data key when it travelled inline, or the R2 key of its already sealed
 * claim-check, and the expiries its webhook's retention gives it. The log never sees a key or a
 * plaintext payload.
 */
import type { Db } from '../db/client';
import { inJsonArray } from '../db/json-rows';
import { webhooks } from '../db/schema';
import type { LoggedEvent } from '../eventlog/types';
import type { EventMessage } from '../queue/event-message';
import { payloadAad, sealText } from '../secrets/payload-seal';

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
  const received = Date.parse(message.received_at);
  const from = Number.isFinite(received) ? received : now;
  const inline = message.payload_json;
  return {
    id: message.event_id,
    webhookId: message.webhook_id,
    deliveryId: message.delivery_id,
    receivedAt: message.received_at,
    sealedPayload: inline === undefined ? null : await sealText(dataKey, inline, payloadAad(message.event_id)),
    payloadKey: inline === undefined ? (message.payload_key ?? null) : null,
    payloadExpiresAt: from + retention.payloadDays * DAY_MS,
    metadataExpiresAt: from + retention.metadataDays * DAY_MS,
  };
}
