/**
 * What crosses the RPC boundaries of a project's log (./README.md): its segments (LogSegment), its
 * directory (ProjectLog) and its id index (LogIndex), and what the log client (./client.ts) offers.
 * Payloads cross it only sealed (AES-256-GCM under the project's data key, shared/secrets/
 * payload-seal.ts): the log stores and returns ciphertext and never holds a key.
 */
import type { SealedPayload } from '../secrets/payload-seal';

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
  sealedPayload: SealedPayload | null;
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
  sealedPayload: SealedPayload | null;
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

/** What a write to a segment changed, and how large the segment is after it. */
export interface WriteReceipt {
  /** Events that are new or whose status or runs moved. */
  changed: string[];
  /** The segment's database size in bytes (its budget counts this). */
  bytes: number;
}

/** An event held by an older segment changed: the open segment's feed lists it again. */
export interface LateChange {
  id: string;
  /** The segment that holds the event. */
  home: number;
  webhookId: string;
}

/** One change as a segment lists it: a row it holds, or a reference to an event another segment holds. */
export type SegmentFeedItem = FeedRecord | { seq: number; kind: 'late'; id: string; home: number };

export interface SegmentFeedPage {
  /** Oldest change first, with the segment's local change numbers. */
  items: SegmentFeedItem[];
  /** The segment's latest local change number. */
  current: number;
  more: boolean;
}

/** The RPC surface of one segment. Every write is idempotent: a queue redelivery or a retried batch may repeat any of them. */
export interface SegmentApi {
  /** The ids among `runIds` already recorded as dispatched. */
  dispatchedRuns(runIds: string[]): Promise<string[]>;
  /** Records events as dispatched with their runs, in one transaction. */
  recordDispatch(events: LoggedEvent[], runs: LoggedRun[], at: string): Promise<WriteReceipt>;
  /** Shows an event that waits for a retry (accepted, with why), unless it is dispatched or dead. */
  recordFailedAttempt(event: LoggedEvent, error: string, at: string): Promise<WriteReceipt>;
  /** Marks an event dead (retries exhausted, or a payload that cannot be decrypted), unless dispatched. */
  recordDead(event: LoggedEvent, error: string, at: string): Promise<WriteReceipt>;
  noteLateChanges(changes: LateChange[]): Promise<WriteReceipt>;
  recordRejections(rows: LoggedRejection[]): Promise<WriteReceipt>;
  keepRequests(requests: KeptRequestInput[]): Promise<WriteReceipt>;
  listEvents(query: EventQuery): Promise<LogPage<EventRecord>>;
  getEvent(id: string): Promise<EventRecord | null>;
  getEvents(ids: string[]): Promise<EventRecord[]>;
  listRejections(query: RejectionQuery): Promise<LogPage<RejectionRecord>>;
  expungePayload(id: string, at: string): Promise<ExpungeOutcome>;
  expungeRequestsOf(eventId: string, at: string): Promise<number>;
  getRequest(id: string): Promise<KeptRequestRecord | null>;
  listRequests(query: KeptRequestQuery): Promise<LogPage<KeptRequestRecord>>;
  markReplayed(id: string, at: string): Promise<MarkReplayedOutcome>;
  expungeRequest(id: string, at: string): Promise<ExpungeOutcome>;
  feed(query: FeedQuery): Promise<SegmentFeedPage>;
  stats(query: StatsQuery): Promise<StatsRows>;
  size(): Promise<number>;
}

/** What the fan-out tells the log about an event before it writes it: enough to place it. */
export interface EventPlacement {
  id: string;
  webhookId: string;
  receivedAt: string;
  payloadExpiresAt: number;
  metadataExpiresAt: number;
  /** Roughly what the event and its runs will take in a segment. */
  bytes: number;
}

/**
 * Where a batch's events go: each event to the segment that already holds it (a redelivery, a
 * retry, a replay) or, new, to the segment open now. An event whose first copy's metadata has
 * expired within the dedup window is `settled`: it is acked and starts nothing.
 */
export interface EventHomes {
  /** The segment open when the batch was placed. */
  open: number;
  home: ReadonlyMap<string, number>;
  settled: ReadonlySet<string>;
}

/**
 * What a project's log offers its callers (./client.ts, over the segments, the directory and the
 * index). Every write is idempotent.
 */
export interface ProjectLogApi {
  /** Finds or assigns each event's segment (one call to the directory, one per index partition). */
  placeEvents(events: EventPlacement[], at: number): Promise<EventHomes>;
  /** The ids among these runs already recorded as dispatched, asked of their events' segments. */
  dispatchedRuns(homes: EventHomes, runs: { id: string; eventId: string }[]): Promise<string[]>;
  /** Records events as dispatched with their runs, each in its segment (one call per segment). */
  recordDispatch(homes: EventHomes, events: LoggedEvent[], runs: LoggedRun[], at: string): Promise<void>;
  recordFailedAttempt(event: LoggedEvent, error: string, at: string): Promise<void>;
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
  /** Keeps refused requests for replay; a repeat of an id changes nothing. */
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
