/**
 * Content admission: what a request that passed authentication must still pass to become an event
 * (parse by its content type, the sender's handshake, the webhook's schema), and the event message
 * it then becomes. The ingress (./app.ts) runs it on each request; a replay of a kept refused
 * request (shared/control/rejections-routes.ts) runs it again on the kept bytes, against the
 * webhook as it is now. One rule in one place: a replay is refused or accepted exactly as the
 * ingress would refuse or accept the same request today.
 */
import type { SchemaErrorRecord } from '../eventlog/types';
import { safeErrorText } from '../http/safe-error';
import type { PrefixedId } from '../ids';
import { enqueueEvent, queueUnavailable, type EnqueueBindings } from '../queue/enqueue';
import type { HandshakeReply } from '../signatures/types';
import { schemaMismatchDetail, type KeptReason } from './kept-requests';
import { parseBody } from './parse-body';
import type { WebhookRuntime } from './webhook-config';

/** What admission reads of the webhook: its body format and schema, and where its events go. */
export type AdmittingWebhook = Pick<WebhookRuntime, 'id' | 'slug' | 'orgSlug' | 'projectId' | 'dataKey' | 'verifier' | 'validator'>;

/** The event a request becomes. */
export interface EventIdentity {
  eventId: PrefixedId<'evt'>;
  deliveryId: string | null;
}

export interface ContentToAdmit {
  contentType: string | null;
  body: Uint8Array;
  /** When the request was first received (ISO 8601): the event's `received_at`. */
  receivedAt: string;
  /** The event's ids, given the parsed payload: a sender may name its delivery in the payload. */
  identify: (payload: unknown) => Promise<EventIdentity>;
  /**
   * The sender's handshake (Slack url_verification, …), between parse and schema: a handshake body
   * need not match the schema. A replay has none: a request answered by a handshake is never kept.
   */
  handshake?: (payload: unknown) => Promise<HandshakeReply | null>;
  /** What the 503 of a send the queue refused names ("The event", "The replay"). */
  sending: string;
}

/** A content check the request failed: the problem the sender gets, and the payload when it parsed. */
export interface ContentRefusal {
  outcome: 'refused';
  reason: KeptReason;
  detail: string;
  errors: SchemaErrorRecord[] | null;
  parsed: { value: unknown } | null;
}

export type Admission = { outcome: 'accepted'; eventId: PrefixedId<'evt'> } | { outcome: 'handshake'; reply: HandshakeReply } | ContentRefusal;

/**
 * Runs the content checks in the contract's order and, when they pass, enqueues the event (without
 * a handshake, the answer is never one). Throws the 503 `queue-unavailable` problem when the queue
 * (or R2) refused the message: nothing was accepted, so the sender or the caller may send again.
 */
export function admitContent(env: EnqueueBindings, webhook: AdmittingWebhook, content: ContentToAdmit & { handshake?: undefined }): Promise<Exclude<Admission, { outcome: 'handshake' }>>;
export function admitContent(env: EnqueueBindings, webhook: AdmittingWebhook, content: ContentToAdmit): Promise<Admission>;
export async function admitContent(env: EnqueueBindings, webhook: AdmittingWebhook, content: ContentToAdmit): Promise<Admission> {
  const parsed = parseBody(content.contentType, content.body, webhook.verifier.bodyFormat);
  if (!parsed.ok) return { outcome: 'refused', reason: parsed.reason, detail: parsed.detail, errors: null, parsed: null };

  const reply = (await content.handshake?.(parsed.payload)) ?? null;
  if (reply !== null) return { outcome: 'handshake', reply };

  const valid = webhook.validator.validate(parsed.payload);
  if (!valid.ok) {
    return { outcome: 'refused', reason: 'schema-mismatch', detail: schemaMismatchDetail(valid.errors.length), errors: valid.errors, parsed: { value: parsed.payload } };
  }

  const { eventId, deliveryId } = await content.identify(parsed.payload);
  const fields = {
    event_id: eventId,
    webhook_id: webhook.id,
    webhook_slug: webhook.slug,
    org: webhook.orgSlug,
    project_id: webhook.projectId,
    delivery_id: deliveryId,
    received_at: content.receivedAt,
  };
  try {
    await enqueueEvent(env, fields, parsed.bytes, webhook.dataKey);
  } catch (err) {
    console.error('enqueue failed', webhook.id, eventId, safeErrorText(err));
    throw queueUnavailable(content.sending);
  }
  return { outcome: 'accepted', eventId };
}

/** A refusal's problem extensions: the schema errors, when there are any. */
export function refusalExtensions(refusal: ContentRefusal): Record<string, unknown> {
  return refusal.errors === null ? {} : { errors: refusal.errors };
}
