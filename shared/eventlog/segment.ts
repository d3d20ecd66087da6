/**
 * One segment of a project's log (./README.md): the events written while it was open with their
 * runs, the refusals and kept requests flushed then, and the change numbers of what changed in it,
 * in a Durable Object with SQLite storage (`idFromName(segmentName(project, n))`), reached through
 * Workers RPC from the project's log client (./client.ts), which alone knows which segment holds
 * what. Segment 0 is the project's own object (./project-log.ts), which extends this class.
 *
 * This class is the RPC surface and the storage's lifecycle; each table's statements live in a
 * module of their own:
 *
 * | tables                     | module                    |
 * |----------------------------|---------------------------|
 * | `events`, `runs`           | ./segment-events.ts       |
 * | `rejections`               | ./segment-refusals.ts     |
 * | `kept_requests`            | ./segment-kept-requests.ts |
 * | `late_changes`, the feed   | ./segment-feed.ts         |
 * | `log_meta.change_seq`      | ./change-sequence.ts      |
 *
 * The storage schema is in ./storage.ts; retention and erasure in ./retention.ts.
 *
 * Invariants: payloads arrive and leave sealed (the log holds no key); every write is idempotent,
 * since a queue redelivery or a retried batch may repeat any of them; a status only moves forward
 * (accepted → dispatched | dead, dead → dispatched), never out of dispatched.
 */
import { DurableObject } from 'cloudflare:workers';
import { dropSegment, dropSegmentPayloads, retentionAlarm, scheduleRetention, type DroppedPayloads } from './retention';
import * as events from './segment-events';
import * as changeFeed from './segment-feed';
import * as kept from './segment-kept-requests';
import * as refusals from './segment-refusals';
import { segmentStore, type SegmentStore } from './segment-store';
import { hasLogStorage, migrateLogStorage } from './storage';
import type {
  EventQuery,
  EventRecord,
  ExpungeOutcome,
  FeedQuery,
  KeptRequestInput,
  KeptRequestQuery,
  KeptRequestRecord,
  LateChange,
  LogPage,
  LoggedEvent,
  LoggedRejection,
  LoggedRun,
  MarkReplayedOutcome,
  RejectionQuery,
  RejectionRecord,
  SegmentApi,
  SegmentFeedPage,
  StatsQuery,
  StatsRows,
  WriteReceipt,
} from './types';

export class LogSegment extends DurableObject<Env> implements SegmentApi {
  // ES private (#), not TypeScript's `private`: Workers RPC exposes every public method of the class.
  readonly #store: SegmentStore;

  /**
   * Whether this object has its tables. A segment gets them with its first write, not on a read:
   * a read of a segment dropped whole (or never written) finds nothing, and leaves no storage behind.
   */
  #stored = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = segmentStore(ctx.storage, env.PAYLOADS);
    // Before any request is served: a store that exists is brought up to the current schema.
    void ctx.blockConcurrencyWhile(async () => {
      if (hasLogStorage(ctx.storage)) this.ensureStorage();
    });
  }

  /**
   * Creates or migrates the tables (./storage.ts). Every write calls it first. Not `#`-private,
   * because the directory (./project-log.ts) calls it when it starts; RPC can reach it too, and
   * all it can do there is what a first write would.
   */
  protected ensureStorage(): void {
    if (this.#stored) return;
    migrateLogStorage(this.ctx.storage);
    this.#stored = true;
  }

  async dispatchedRuns(runIds: string[]): Promise<string[]> {
    if (!this.#stored) return [];
    return events.dispatchedRuns(this.#store, runIds);
  }

  async recordDispatch(logged: LoggedEvent[], runs: LoggedRun[], at: string): Promise<WriteReceipt> {
    this.ensureStorage();
    const changed = events.recordDispatch(this.#store, logged, runs, at);
    await this.#scheduleEvents(logged);
    return this.#receipt(changed);
  }

  async recordFailedAttempt(event: LoggedEvent, error: string, at: string): Promise<WriteReceipt> {
    this.ensureStorage();
    const changed = events.record(this.#store, event, 'accepted', error, at);
    await this.#scheduleEvents([event]);
    return this.#receipt(changed ? [event.id] : []);
  }

  async recordDead(event: LoggedEvent, error: string, at: string): Promise<WriteReceipt> {
    this.ensureStorage();
    const changed = events.record(this.#store, event, 'dead', error, at);
    await this.#scheduleEvents([event]);
    return this.#receipt(changed ? [event.id] : []);
  }

  /**
   * Records that events held by an older segment changed (./client.ts writes it to the open segment
   * after the change): the feed lists them again here (./segment-feed.ts).
   */
  async noteLateChanges(changes: LateChange[]): Promise<WriteReceipt> {
    this.ensureStorage();
    if (changes.length === 0) return this.#receipt([]);
    changeFeed.noteLateChanges(this.#store, changes);
    // A reference lives as long as its segment: the feed is read live, and the event stays listed in its own segment.
    return this.#receipt([]);
  }

  /** The events among `ids` this segment holds, with their runs. */
  async getEvents(ids: string[]): Promise<EventRecord[]> {
    if (!this.#stored) return [];
    return events.byIds(this.#store, ids);
  }

  async recordRejections(rows: LoggedRejection[]): Promise<WriteReceipt> {
    this.ensureStorage();
    if (rows.length === 0) return this.#receipt([]);
    refusals.record(this.#store, rows);
    await scheduleRetention(this.ctx.storage, Math.min(...rows.map((r) => r.expiresAt)));
    return this.#receipt([]);
  }

  async listEvents(query: EventQuery): Promise<LogPage<EventRecord>> {
    if (!this.#stored) return { items: [], next: null };
    return events.list(this.#store, query);
  }

  async getEvent(id: string): Promise<EventRecord | null> {
    if (!this.#stored) return null;
    return events.get(this.#store, id);
  }

  async listRejections(query: RejectionQuery): Promise<LogPage<RejectionRecord>> {
    if (!this.#stored) return { items: [], next: null };
    return refusals.list(this.#store, query);
  }

  async keepRequests(requests: KeptRequestInput[]): Promise<WriteReceipt> {
    this.ensureStorage();
    if (requests.length === 0) return this.#receipt([]);
    await scheduleRetention(this.ctx.storage, kept.keep(this.#store, requests));
    return this.#receipt([]);
  }

  async getRequest(id: string): Promise<KeptRequestRecord | null> {
    if (!this.#stored) return null;
    return kept.get(this.#store, id);
  }

  async listRequests(query: KeptRequestQuery): Promise<LogPage<KeptRequestRecord>> {
    if (!this.#stored) return { items: [], next: null };
    return kept.list(this.#store, query);
  }

  async markReplayed(id: string, at: string): Promise<MarkReplayedOutcome> {
    if (!this.#stored) return { outcome: 'not-found' };
    return kept.markReplayed(this.#store, id, at);
  }

  /** Deletes a kept request's body at once (R2 first); the row stays and says `expunged`. */
  async expungeRequest(id: string, at: string): Promise<ExpungeOutcome> {
    if (!this.#stored) return { outcome: 'not-found' };
    return kept.expunge(this.#store, id, at);
  }

  /**
   * This segment's changes after a local change number, oldest first (without one, its last
   * `limit`). A late change names the segment that holds the event (./client.ts resolves it).
   */
  async feed(query: FeedQuery): Promise<SegmentFeedPage> {
    if (!this.#stored) return { items: [], current: 0, more: false };
    return changeFeed.read(this.#store, query);
  }

  async stats(query: StatsQuery): Promise<StatsRows> {
    if (!this.#stored) return { accepted: [], refused: [] };
    return { accepted: events.hourlyCounts(this.#store, query), refused: refusals.hourlyCounts(this.#store, query) };
  }

  /** Deletes the event's payload at once (R2 first), and the bodies of kept requests a replay made into it. */
  async expungePayload(id: string, at: string): Promise<ExpungeOutcome> {
    if (!this.#stored) return { outcome: 'not-found' };
    return events.expungePayload(this.#store, id, at, () => kept.expungeBodiesOf(this.#store, id, at));
  }

  /** Expunges the bodies of the refused requests kept here that a replay made into event `eventId`: they hold its payload. */
  async expungeRequestsOf(eventId: string, at: string): Promise<number> {
    if (!this.#stored) return 0;
    return kept.expungeBodiesOf(this.#store, eventId, at);
  }

  /** The size of this segment's database, as its budget counts it. */
  async size(): Promise<number> {
    return this.ctx.storage.sql.databaseSize;
  }

  /** Retention: deletes what fell due, in a bounded pass, and sets the next alarm (./retention.ts). */
  override async alarm(): Promise<void> {
    if (!this.#stored) return;
    await retentionAlarm(this.ctx.storage, this.env.PAYLOADS, Date.now());
  }

  /** Every payload here has expired (the directory says when): all go at once. */
  async dropPayloads(at: string): Promise<DroppedPayloads> {
    if (!this.#stored) return { payloads: 0, requestBodies: 0, objects: 0 };
    return dropSegmentPayloads(this.ctx.storage, this.env.PAYLOADS, at);
  }

  /** Every row here has expired (the directory says when): the segment is deleted whole. */
  async drop(): Promise<{ objects: number }> {
    if (!this.#stored) return { objects: 0 };
    const dropped = await dropSegment(this.ctx.storage, this.env.PAYLOADS);
    this.#stored = false;
    return dropped;
  }

  #receipt(changed: string[]): WriteReceipt {
    return { changed, bytes: this.ctx.storage.sql.databaseSize };
  }

  async #scheduleEvents(logged: readonly LoggedEvent[]): Promise<void> {
    if (logged.length === 0) return;
    await scheduleRetention(this.ctx.storage, Math.min(...logged.map((e) => Math.min(e.payloadExpiresAt, e.metadataExpiresAt))));
  }
}
