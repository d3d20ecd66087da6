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
   * object and the claim-checked run envelopes in R2. The event's metadata stays.
   */
  expungePayload(id: string, at: string): Promise<ExpungeOutcome>;
  appendAudit(entry: AuditEntry): Promise<void>;
  listAudit(query: AuditQuery): Promise<LogPage<AuditEntry>>;
}
