/**
 * A project's log as its callers see it (./README.md): one API over the project's directory
 * (./project-log.ts), its segments (./segment.ts) and its id index (./index-partition.ts). It runs
 * in the calling Worker and holds no state between calls; which object holds what is decided by
 * the directory (time) and the index (ids).
 */
import { DEDUP_WINDOW_MS, LEGACY_SEGMENT, indexPartitionName, indexPartitionOf, logLayout, segmentName, type LogLayout } from './layout';
import { feedAcrossSegments, newestFirstAcrossSegments } from './across-segments';
import type { IdClaim, IdHome, LogIndex } from './index-partition';
import { pageSize } from './page-size';
import type { ProjectLog, Reservation } from './project-log';
import type { LogSegment } from './segment';
import type {
  AuditEntry,
  AuditQuery,
  EventHomes,
  EventPlacement,
  EventQuery,
  EventRecord,
  ExpungeOutcome,
  FeedPage,
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
  ProjectLogApi,
  RejectionQuery,
  RejectionRecord,
  StatsQuery,
  StatsRows,
  WriteReceipt,
} from './types';

export type LogEnv = Pick<Env, 'PROJECT_LOG' | 'LOG_SEGMENTS' | 'LOG_INDEX' | 'LOG_SEGMENT_WINDOW_SECONDS' | 'LOG_SEGMENT_BUDGET_BYTES' | 'LOG_INDEX_PARTITIONS'>;

/** Roughly what a row and its indexes take in a segment, besides sealed payloads (bench/service/log-probe.ts measures it: BENCHMARKS.md). */
export const EVENT_ROW_BYTES = 700;
export const RUN_ROW_BYTES = 300;
export const REFUSAL_ROW_BYTES = 500;
export const KEPT_ROW_BYTES = 700;

export function projectLog(env: LogEnv, projectId: string): ProjectLogClient {
  return new ProjectLogClient(env, projectId);
}

/** The project's own object: the directory, the audit trail and segment 0. */
export function projectDirectory(env: Pick<Env, 'PROJECT_LOG'>, projectId: string): DurableObjectStub<ProjectLog> {
  return env.PROJECT_LOG.get(env.PROJECT_LOG.idFromName(projectId));
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k) ?? [];
    list.push(item);
    groups.set(k, list);
  }
  return groups;
}


export class ProjectLogClient implements ProjectLogApi {
  readonly #env: LogEnv;
  readonly #project: string;
  readonly #layout: LogLayout;

  constructor(env: LogEnv, projectId: string) {
    this.#env = env;
    this.#project = projectId;
    this.#layout = logLayout(env);
  }

  get projectId(): string {
    return this.#project;
  }

  directory(): DurableObjectStub<ProjectLog> {
    return projectDirectory(this.#env, this.#project);
  }

  /** Segment `n`; segment 0 is the directory's own rows. */
  segment(n: number): DurableObjectStub<LogSegment> {
    if (n === LEGACY_SEGMENT) return this.directory() as unknown as DurableObjectStub<LogSegment>;
    return this.#env.LOG_SEGMENTS.get(this.#env.LOG_SEGMENTS.idFromName(segmentName(this.#project, n)));
  }

  indexPartition(id: string): DurableObjectStub<LogIndex> {
    return this.#indexPartitionNumbered(indexPartitionOf(id, this.#layout.indexPartitions));
  }

  #indexPartitionNumbered(p: number): DurableObjectStub<LogIndex> {
    return this.#env.LOG_INDEX.get(this.#env.LOG_INDEX.idFromName(indexPartitionName(this.#project, p)));
  }

  // --- writes ---------------------------------------------------------------------------------

  async placeEvents(events: EventPlacement[], at: number): Promise<EventHomes> {
    if (events.length === 0) return { open: LEGACY_SEGMENT, home: new Map(), settled: new Set() };
    const times = events.map((e) => e.receivedAt).sort();
    const reserved = await this.#reserve({
      at,
      minAt: times[0] ?? new Date(at).toISOString(),
      maxAt: times[times.length - 1] ?? new Date(at).toISOString(),
      bytes: events.reduce((sum, e) => sum + e.bytes, 0),
      payloadUntil: Math.max(...events.map((e) => Math.min(e.payloadExpiresAt, e.metadataExpiresAt))),
      metadataUntil: Math.max(...events.map((e) => e.metadataExpiresAt)),
      eventIds: events.map((e) => e.id),
    });
    const legacy = new Set(reserved.legacy);
    const claims: IdClaim[] = events.map((e) => ({
      id: e.id,
      segment: legacy.has(e.id) ? LEGACY_SEGMENT : reserved.open,
      metadataExpiresAt: e.metadataExpiresAt,
      expiresAt: Math.max(e.metadataExpiresAt, (Date.parse(e.receivedAt) || at) + DEDUP_WINDOW_MS),
    }));
    const homes = await this.#claim(claims);
    const home = new Map<string, number>();
    const settled = new Set<string>();
    for (const e of events) {
      const found = homes[e.id];
      if (found === undefined) throw new Error(`the id index did not answer for ${e.id}`);
      // Its first copy's metadata is gone, and the index still remembers it: a redelivery in the
      // dedup window of an event already handled. Nothing to write, nothing to start.
      if (found.metadataExpiresAt <= at && found.segment !== reserved.open) settled.add(e.id);
      else home.set(e.id, found.segment);
    }
    return { open: reserved.open, home, settled };
  }

  async dispatchedRuns(homes: EventHomes, runs: { id: string; eventId: string }[]): Promise<string[]> {
    const bySegment = groupBy(runs, (r) => this.#homeOf(homes, r.eventId));
    const answers = await Promise.all([...bySegment].map(([n, list]) => this.segment(n).dispatchedRuns(list.map((r) => r.id))));
    return answers.flat();
  }

  async recordDispatch(homes: EventHomes, events: LoggedEvent[], runs: LoggedRun[], at: string): Promise<void> {
    const eventsBy = groupBy(events, (e) => this.#homeOf(homes, e.id));
    const runsBy = groupBy(runs, (r) => this.#homeOf(homes, r.eventId));
    const segments = new Set([...eventsBy.keys(), ...runsBy.keys()]);
    const receipts = await Promise.all(
      [...segments].map(async (n) => ({ n, receipt: await this.segment(n).recordDispatch(eventsBy.get(n) ?? [], runsBy.get(n) ?? [], at) })),
    );
    await this.#afterWrites(homes.open, receipts, events, Date.parse(at));
  }

  async recordFailedAttempt(event: LoggedEvent, error: string, at: string): Promise<void> {
    await this.#recordOne(event, at, (segment) => segment.recordFailedAttempt(event, error, at));
  }

  async recordDead(event: LoggedEvent, error: string, at: string): Promise<void> {
    await this.#recordOne(event, at, (segment) => segment.recordDead(event, error, at));
  }

  async recordRejections(rows: LoggedRejection[]): Promise<void> {
    if (rows.length === 0) return;
    const times = rows.map((r) => r.lastAt).sort();
    const { open } = await this.#reserve({
      at: Date.now(),
      minAt: times[0] ?? '',
      maxAt: times[times.length - 1] ?? '',
      bytes: rows.length * REFUSAL_ROW_BYTES,
      payloadUntil: 0,
      metadataUntil: Math.max(...rows.map((r) => r.expiresAt)),
    });
    const receipt = await this.segment(open).recordRejections(rows);
    await this.#closeIfFull(open, receipt, Date.now());
  }

  async keepRequests(requests: KeptRequestInput[]): Promise<void> {
    if (requests.length === 0) return;
    const times = requests.map((r) => r.receivedAt).sort();
    const now = Date.now();
    const { open } = await this.#reserve({
      at: now,
      minAt: times[0] ?? '',
      maxAt: times[times.length - 1] ?? '',
      bytes: requests.reduce((sum, r) => sum + KEPT_ROW_BYTES + (r.sealedBody?.length ?? 0), 0),
      payloadUntil: Math.max(...requests.map((r) => Math.min(r.bodyExpiresAt, r.expiresAt))),
      metadataUntil: Math.max(...requests.map((r) => r.expiresAt)),
    });
    // The index first: a row the index cannot name could not be found again.
    const partitionOf = (id: string) => indexPartitionOf(id, this.#layout.indexPartitions);
    const claims = groupBy(requests, (r) => partitionOf(r.id));
    const events = groupBy(requests, (r) => partitionOf(r.eventId));
    await Promise.all(
      [...new Set([...claims.keys(), ...events.keys()])].map((p) =>
        this.#indexPartitionNumbered(p).indexKept(
          (claims.get(p) ?? []).map((r) => ({ id: r.id, segment: open, metadataExpiresAt: r.expiresAt, expiresAt: r.expiresAt })),
          (events.get(p) ?? []).map((r) => ({ eventId: r.eventId, segment: open, expiresAt: r.expiresAt })),
        ),
      ),
    );
    const receipt = await this.segment(open).keepRequests(requests);
    await this.#closeIfFull(open, receipt, now);
  }

  // --- lookups by id: the index partition, then the segment it names ---------------------------

  async getEvent(id: string): Promise<EventRecord | null> {
    return this.segment(await this.#segmentOf(id)).getEvent(id);
  }

  async expungePayload(id: string, at: string): Promise<ExpungeOutcome> {
    const location = await this.indexPartition(id).locate(id);
    const home = location.home?.segment ?? LEGACY_SEGMENT;
    const [outcome] = await Promise.all([
      this.segment(home).expungePayload(id, at),
      // The refused requests this event was replayed from hold its payload too, wherever they were kept.
      ...location.keptIn.filter((n) => n !== home).map((n) => this.segment(n).expungeRequestsOf(id, at)),
    ]);
    return outcome;
  }

  async getRequest(id: string): Promise<KeptRequestRecord | null> {
    return this.segment(await this.#segmentOf(id)).getRequest(id);
  }

  async markReplayed(id: string, at: string): Promise<MarkReplayedOutcome> {
    return this.segment(await this.#segmentOf(id)).markReplayed(id, at);
  }

  async expungeRequest(id: string, at: string): Promise<ExpungeOutcome> {
    return this.segment(await this.#segmentOf(id)).expungeRequest(id, at);
  }

  // --- lists across segments ------------------------------------------------------------------

  async listEvents(query: EventQuery): Promise<LogPage<EventRecord>> {
    return newestFirstAcrossSegments(this, query.after, pageSize(query.limit), (segment, limit) => segment.listEvents({ ...query, limit }), (e) => e.receivedAt);
  }

  async listRejections(query: RejectionQuery): Promise<LogPage<RejectionRecord>> {
    return newestFirstAcrossSegments(this, query.after, pageSize(query.limit), (segment, limit) => segment.listRejections({ ...query, limit }), (r) => r.lastAt);
  }

  async listRequests(query: KeptRequestQuery): Promise<LogPage<KeptRequestRecord>> {
    return newestFirstAcrossSegments(this, query.after, pageSize(query.limit), (segment, limit) => segment.listRequests({ ...query, limit }), (r) => r.receivedAt);
  }

  async stats(query: StatsQuery): Promise<StatsRows> {
    const segments = await this.directory().segmentsOverlapping(query.from, query.to);
    const parts = await Promise.all(segments.map((s) => this.segment(s.n).stats(query)));
    const accepted = new Map<string, { hour: string; webhookId: string; count: number }>();
    const refused = new Map<string, { hour: string; webhookId: string; reason: string; count: number }>();
    for (const part of parts) {
      for (const a of part.accepted) {
        const key = `${a.hour}\n${a.webhookId}`;
        const row = accepted.get(key) ?? { ...a, count: 0 };
        row.count += a.count;
        accepted.set(key, row);
      }
      for (const r of part.refused) {
        const key = `${r.hour}\n${r.webhookId}\n${r.reason}`;
        const row = refused.get(key) ?? { ...r, count: 0 };
        row.count += r.count;
        refused.set(key, row);
      }
    }
    return { accepted: [...accepted.values()], refused: [...refused.values()] };
  }

  /** Changes after a change number, oldest first, across segments (./across-segments.ts). */
  async feed(query: FeedQuery): Promise<FeedPage> {
    return feedAcrossSegments(this, query);
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.directory().appendAudit(entry);
  }

  async listAudit(query: AuditQuery): Promise<LogPage<AuditEntry>> {
    return this.directory().listAudit(query);
  }

  // --- inside ---------------------------------------------------------------------------------

  async #reserve(r: Omit<Reservation, 'projectId'>) {
    return this.directory().reserve({ ...r, projectId: this.#project });
  }

  /** Claims ids in their partitions, one call per partition touched. */
  async #claim(claims: IdClaim[]): Promise<Record<string, IdHome>> {
    const byPartition = groupBy(claims, (c) => indexPartitionOf(c.id, this.#layout.indexPartitions));
    const answers = await Promise.all([...byPartition.values()].map((list) => this.indexPartition(list[0]?.id ?? '').claim(list)));
    return Object.assign({}, ...answers) as Record<string, IdHome>;
  }

  async #segmentOf(id: string): Promise<number> {
    const location = await this.indexPartition(id).locate(id);
    return location.home?.segment ?? LEGACY_SEGMENT;
  }

  #homeOf(homes: EventHomes, eventId: string): number {
    const n = homes.home.get(eventId);
    if (n === undefined) throw new Error(`event ${eventId} was not placed in a segment`);
    return n;
  }

  async #recordOne(event: LoggedEvent, at: string, write: (segment: DurableObjectStub<LogSegment>) => Promise<WriteReceipt>): Promise<void> {
    const now = Date.parse(at);
    const homes = await this.placeEvents([placementOf(event, 0)], now);
    if (homes.settled.has(event.id)) return;
    const n = this.#homeOf(homes, event.id);
    const receipt = await write(this.segment(n));
    await this.#afterWrites(homes.open, [{ n, receipt }], [event], now);
  }

  /** After a write: the open segment closed if it reached its share, late changes noted for the feed. */
  async #afterWrites(open: number, receipts: { n: number; receipt: WriteReceipt }[], events: readonly LoggedEvent[], now: number): Promise<void> {
    const webhookOf = new Map(events.map((e) => [e.id, e.webhookId]));
    const late: LateChange[] = receipts
      .filter(({ n }) => n !== open)
      .flatMap(({ n, receipt }) => receipt.changed.map((id) => ({ id, home: n, webhookId: webhookOf.get(id) ?? '' })));
    const openReceipt = receipts.find((r) => r.n === open)?.receipt;
    await Promise.all([
      openReceipt === undefined ? undefined : this.#closeIfFull(open, openReceipt, now),
      late.length === 0 ? undefined : this.segment(open).noteLateChanges(late),
    ]);
  }

  async #closeIfFull(n: number, receipt: WriteReceipt, now: number): Promise<void> {
    if (n !== LEGACY_SEGMENT && receipt.bytes >= this.#layout.closeAtBytes) await this.directory().closeSegment(n, now);
  }
}

/** What placing an event needs to know, with the runs it will have. */
export function placementOf(event: LoggedEvent, runs: number): EventPlacement {
  return {
    id: event.id,
    webhookId: event.webhookId,
    receivedAt: event.receivedAt,
    payloadExpiresAt: event.payloadExpiresAt,
    metadataExpiresAt: event.metadataExpiresAt,
    bytes: EVENT_ROW_BYTES + (event.sealedPayload?.length ?? 0) + runs * RUN_ROW_BYTES,
  };
}
