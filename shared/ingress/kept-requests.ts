/**
 * Refused requests kept for replay: a request that passed authentication but failed content type,
 * parse or schema is kept sealed in its project's log, for at most KEPT_REQUEST_MAX_DAYS days (and
 * never longer than the webhook's payload_retention_days), so that once the schema is fixed
 * `POST /v1/rejections/{id}/replay` can run the content checks again and enqueue it. A request
 * that failed authentication is never kept: nothing proves it came from the sender.
 *
 * The raw body bytes are sealed under the project's data key, here, before anything leaves the
 * isolate: inline with AAD `requestAad(id)` up to an inline payload's size, above it in R2 under
 * `requests/{id}.body` with AAD `objectAad(key)` (a body may be up to the webhook's limit, 5 MiB,
 * more than a row of the log may hold). The ingress does all of this after its response, and hands
 * the rows to the log in batches (./kept-request-batches.ts).
 */
import type { KeptRequestInput, KeptRequestRecord, SchemaErrorRecord } from '../eventlog/types';
import { eventIdFor, timeOrderedId, type PrefixedId } from '../ids';
import { INLINE_PAYLOAD_MAX_BYTES } from '../queue/event-message';
import { open, seal } from '../secrets/aead';
import { objectAad, requestAad } from '../secrets/payload-seal';

/** The longest a refused request's body is kept, whatever the webhook's payload retention. */
export const KEPT_REQUEST_MAX_DAYS = 3;

const DAY_MS = 86_400_000;

/** The refusals whose requests are kept: the content checks, which run after authentication. */
export const KEPT_REASONS = ['unsupported-media-type', 'invalid-json', 'invalid-form', 'schema-mismatch'] as const;
export type KeptReason = (typeof KEPT_REASONS)[number];

/** The detail of a schema-mismatch refusal, at the ingress and at a replay alike. */
export function schemaMismatchDetail(failingPaths: number): string {
  return `The payload does not match this webhook's schema at ${failingPaths} path(s).`;
}

/** Days a kept body lives: min(payload_retention_days, KEPT_REQUEST_MAX_DAYS). */
export function keptBodyDays(payloadRetentionDays: number): number {
  return Math.min(payloadRetentionDays, KEPT_REQUEST_MAX_DAYS);
}

/** Where a body too large to keep inline is stored in R2. */
export function requestBodyKey(requestId: string): string {
  return `requests/${requestId}.body`;
}

/** Time-ordered: a flood of refused requests appends to the log's index instead of scattering over it. */
export function newRequestId(): string {
  return timeOrderedId('req');
}

export interface RefusedContent {
  id: string;
  webhookId: PrefixedId<'wh'>;
  projectId: string;
  payloadRetentionDays: number;
  metadataRetentionDays: number;
  reason: KeptReason;
  httpStatus: number;
  detail: string;
  errors: SchemaErrorRecord[] | null;
  contentType: string | null;
  /** The sender's delivery id, as the ingress derives it (null: none given). */
  deliveryId: string | null;
  receivedAt: number;
  body: Uint8Array;
}

/** Whether the request's body is kept in its row; a longer one goes to R2 (`requestBodyKey`). */
export function keptInline(request: Pick<RefusedContent, 'body'>): boolean {
  return request.body.byteLength <= INLINE_PAYLOAD_MAX_BYTES;
}

/**
 * Seals the request into the row its project's log keeps (the body in R2 when it is too large to
 * keep inline). The event id it will have is fixed here, as the ingress derives an accepted
 * request's: from (webhook, delivery id), else drawn at random. Throws when R2 refused the body.
 */
export async function sealRefusedRequest(bucket: R2Bucket, request: RefusedContent, dataKey: CryptoKey): Promise<KeptRequestInput> {
  const eventId = await eventIdFor(request.webhookId, request.deliveryId);
  const inline = keptInline(request);
  const bodyKey = inline ? null : requestBodyKey(request.id);
  if (bodyKey !== null) await bucket.put(bodyKey, await seal(dataKey, request.body, objectAad(bodyKey)), { httpMetadata: { contentType: 'text/plain' } });
  return {
    id: request.id,
    webhookId: request.webhookId,
    reason: request.reason,
    httpStatus: request.httpStatus,
    detail: request.detail,
    errors: request.errors,
    contentType: request.contentType,
    deliveryId: request.deliveryId,
    eventId,
    receivedAt: new Date(request.receivedAt).toISOString(),
    sealedBody: inline ? await seal(dataKey, request.body, requestAad(request.id)) : null,
    bodyKey,
    bodyExpiresAt: request.receivedAt + keptBodyDays(request.payloadRetentionDays) * DAY_MS,
    expiresAt: request.receivedAt + request.metadataRetentionDays * DAY_MS,
  };
}

/** What opening a kept body found: the bytes, or that the body is gone (retention ran between reads). */
export type KeptBodyRead = { found: true; body: Uint8Array } | { found: false };

/** Opens a kept request's body in memory. Throws when it does not open under `dataKey`. */
export async function openKeptBody(bucket: R2Bucket, dataKey: CryptoKey, request: KeptRequestRecord): Promise<KeptBodyRead> {
  if (request.sealedBody !== null) return { found: true, body: await open(dataKey, request.sealedBody, requestAad(request.id)) };
  if (request.bodyKey === null) return { found: false };
  const object = await bucket.get(request.bodyKey);
  if (object === null) return { found: false };
  return { found: true, body: await open(dataKey, await object.text(), objectAad(request.bodyKey)) };
}
