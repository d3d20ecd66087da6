/**
 * What crosses the RPC boundary of a project's log (ProjectLog, one Durable Object per project).
 * Payloads cross it only sealed (AES-256-GCM under the project's data key, shared/secrets/
 * payload-seal.ts): the log stores and returns ciphertext and never holds a key.
 */

export type EventStatus = 'accepted' | 'dispatched' | 'dead';

/** Where an event's payload stands: kept (sealed), or gone by expunge or by retention. */
export type PayloadState = 'kept' | 'expunged' | 'expired';

/** One event as the consumer records it. Times are ISO-8601 UTC; expiries are epoch ms. */
export interface LoggedEvent {
  id: string;
  webhookId: string;
  deliveryId: string | null;
  receivedAt: string;
  /** The payload JSON sealed with AAD `payloadAad(id)`, when it travelled inline. */
  sealedPayload: string | null;
  /** R2 key of the claim-checked payload (sealed with AAD `objectAad(key)`), when it did not. */
  payloadKey: string | null;
  /** When the payload is deleted wherever it is kept (the webhook's payload_retention_days). */
  payloadExpiresAt: number;
  /** When the event's metadata and runs are deleted (the webhook's metadata_retention_days). */
  metadataExpiresAt: number;
}

export interface LoggedRun {
  id: string;
  eventId: string;
  workflowId: string;
}

export interface RunRecord {
  id: string;
  workflow_id: string;
  status: 'dispatched';
  created_at: string;
  dispatched_at: string | null;
}

/** An event as the log returns it; the sealed payload is there only while it is kept. */
export interface EventRecord {
  id: string;
  webhookId: string;
  deliveryId: string | null;
  status: EventStatus;
  receivedAt: string;
  error: string | null;
  payloadState: PayloadState;
  sealedPayload: string | null;
  payloadKey: string | null;
  runs: RunRecord[];
}

/** Refusals of one (webhook, reason), aggregated by an ingress isolate between two flushes. */
export interface RejectionRecord {
  id: string;
  webhookId: string;
  reason: string;
  httpStatus: number;
  count: number;
  firstAt: string;
  lastAt: string;
  /** The last problem detail; never a payload or a secret. */
  detail: string;
  /** The request kept last among those counted here (`req_…`), when one was kept for replay. */
  requestId?: string | null | undefined;
}

export interface LoggedRejection extends RejectionRecord {
  /** When the row is deleted (the webhook's metadata_retention_days). */
  expiresAt: number;
}

/** One control-plane change or payload read. Never a secret, never a payload. */
export interface AuditEntry {
  id: string;
  at: string;
  /** The API token that acted (`tok_…`). */
  tokenId: string;
  /** What was done, e.g. `webhook.create`, `event.payload.read`. */
  action: string;
  /** The resource it was done to (`wh_…`, `wf_…`, `evt_…`, a hostname), null when none. */
  resourceId: string | null;
  /** `ok`, or the refusal's problem code with its status (`conflict (409)`). */
  outcome: string;
}

/** A keyset position in a newest-first list: the (time, id) of the last item returned. */
export interface LogCursor {
  at: string;
  id: string;
}

export interface LogPage<T> {
  items: T[];
  /** The position after the last item, when there are more. */
  next: LogCursor | null;
}

export interface EventQuery {
  webhookId?: string | undefined;
  status?: EventStatus | undefined;
  after?: LogCursor | undefined;
  limit: number;
}

export interface RejectionQuery {
  webhookId?: string | undefined;
  after?: LogCursor | undefined;
  limit: number;
}

export interface AuditQuery {
  after?: LogCursor | undefined;
  limit: number;
}

/** One schema error, as the ingress answered it. */
export interface SchemaErrorRecord {
  path: string;
  message: string;
}

/**
 * A request that passed authentication and failed content type, parse or schema, as the ingress
 * keeps it for replay. Its body travels sealed (AAD `requestAad(id)`), or stays in R2 (sealed with
 * AAD `objectAad(bodyKey)`) when larger than an inline payload.
 */
export interface KeptRequestInput {
  id: string;
  webhookId: string;
  reason: string;
  httpStatus: number;
  detail: string;
  errors: SchemaErrorRecord[] | null;
  contentType: string | null;
  deliveryId: string | null;
  /** The event id a replay gives it: fixed when it was refused, as the ingress would derive it. */
  eventId: string;
  receivedAt: string;
  sealedBody: string | null;
  bodyKey: string | null;
  /** min(payload_retention_days, 3) days after receipt. */
  bodyExpiresAt: number;
  /** metadata_retention_days after receipt. */
  expiresAt: number;
}

/** A kept request as the log returns it: what was written, less its metadata expiry; sealedBody and bodyKey are null once the body is gone. */
export interface KeptRequestRecord extends Omit<KeptRequestInput, 'expiresAt'> {
  payloadState: PayloadState;
  replayedAt: string | null;
}

export interface KeptRequestQuery {
  webhookId?: string | undefined;
  reason?: string | undefined;
  after?: LogCursor | undefined;
  limit: number;
}

/** What marking a kept request replayed found. */
export type MarkReplayedOutcome = { outcome: 'marked' | 'already'; at: string } | { outcome: 'not-found' };

/** One change in the feed: the row as it is now, and the change number that last touched it. */
export type FeedRecord = { seq: number; kind: 'event'; event: EventRecord } | { seq: number; kind: 'refusal'; refusal: RejectionRecord };

export interface FeedQuery {
  /** Changes after this number; without it, the last `limit` changes. */
  after?: number | undefined;
  webhookId?: string | undefined;
  limit: number;
}

export interface FeedPage {
  /** Oldest change first. */
  items: FeedRecord[];
  /** Where the next poll continues: the last item's number, or (none) the log's latest change or `after`. */
  next: number;
  /** More changes are waiting after `next`. */
  more: boolean;
}

export interface StatsQuery {
  /** ISO hour boundaries: [from, to). */
  from: string;
  to: string;
  webhookId?: string | undefined;
}

/** Counts per (hour, webhook): `hour` is the ISO prefix `YYYY-MM-DDTHH`. */
export interface StatsRows {
  accepted: { hour: string; webhookId: string; count: number }[];
  refused: { hour: string; webhookId: string; reason: string; count: number }[];
}

export type ExpungeOutcome =
  | { outcome: 'expunged' }
  | { outcome: 'already-gone'; state: Exclude<PayloadState, 'kept'> }
  | { outcome: 'not-found' };

/**
 * The RPC surface of a project's log. Every write is idempotent: a queue redelivery or a retried
 * batch may repeat any of them.
 */
export interface ProjectLogApi {
  /** The ids among `runIds` already recorded as dispatched. */
  dispatchedRuns(runIds: string[]): Promise<string[]>;
  /** Records events as dispatched with their runs, in one transaction. */
  recordDispatch(events: LoggedEvent[], runs: LoggedRun[], at: string): Promise<void>;
  /** Shows an event that waits for a retry (accepted, with why), unless it is dispatched or dead. */
  recordFailedAttempt(event: LoggedEvent, error: string, at: string): Promise<void>;
  /** Marks an event dead (retries exhausted, or a payload that cannot be decrypted), unless dispatched. */
  recordDead(event: LoggedEvent, error: string, at: string): Promise<void>;
  recordRejections(rows: LoggedRejection[]): Promise<void>;
  listEvents(query: EventQuery): Promise<LogPage<EventRecord>>;
  getEvent(id: string): Promise<EventRecord | null>;
  listRejections(query: RejectionQuery): Promise<LogPage<RejectionRecord>>;
  /**
   * Deletes the payload at once wherever the service keeps it: the log's row, the claim-checked
   * object and the claim-checked run envelopes in R2, and the body of the refused request it was
   * replayed from. The event's metadata stays.
   */
  expungePayload(id: string, at: string): Promise<ExpungeOutcome>;
  /** Keeps refused requests for replay, in one transaction; a repeat of an id changes nothing. */
  keepRequests(requests: KeptRequestInput[]): Promise<void>;
  getRequest(id: string): Promise<KeptRequestRecord | null>;
  listRequests(query: KeptRequestQuery): Promise<LogPage<KeptRequestRecord>>;
  /** Records that the kept request was replayed (once: a repeat answers `already` with the first time). */
  markReplayed(id: string, at: string): Promise<MarkReplayedOutcome>;
  /** Deletes a kept request's body at once (R2 first); the row stays and says `expunged`. */
  expungeRequest(id: string, at: string): Promise<ExpungeOutcome>;
  /** Changes since a change number, oldest first (the console's live view, `hasp events tail`). */
  feed(query: FeedQuery): Promise<FeedPage>;
  /** Accepted events and refused requests per hour and webhook, in [from, to). */
  stats(query: StatsQuery): Promise<StatsRows>;
  appendAudit(entry: AuditEntry): Promise<void>;
  listAudit(query: AuditQuery): Promise<LogPage<AuditEntry>>;
}
