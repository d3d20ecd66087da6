/**
 * Reading a project's log across its segments (./README.md, "Reading"): newest-first pages merged
 * from the segments that may hold them, and the change feed, whose numbers run on from one segment
 * to the next. Both ask the directory which segments to read, then the segments.
 */
import { LEGACY_SEGMENT, globalSeq, splitSeq } from './layout';
import type { ProjectLog, SegmentEntry } from './project-log';
import type { LogSegment } from './segment';
import type { EventRecord, FeedPage, FeedQuery, FeedRecord, LogCursor, LogPage, SegmentFeedItem } from './types';
import { pageSize } from './page-size';

/** What reading across segments needs of the log client. */
export interface SegmentsOf {
  directory(): DurableObjectStub<ProjectLog>;
  segment(n: number): DurableObjectStub<LogSegment>;
}

/** Segments asked at once while a page is merged. */
const SEGMENTS_IN_PARALLEL = 4;

/** The most segments one directory answer lists (./project-log.ts): fewer means the list is complete. */
const SEGMENTS_PER_DIRECTORY_ANSWER = 64;

/** Newest first by (time, id). */
function newerFirst(a: { at: string; id: string }, b: { at: string; id: string }): number {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * A newest-first page across segments: segments in order of their newest row, each asked for a
 * page, merged, until no segment left can hold a row newer than the page's last.
 */
export async function newestFirstAcrossSegments<T extends { id: string }>(
  log: SegmentsOf,
  after: LogCursor | undefined,
  limit: number,
  read: (segment: DurableObjectStub<LogSegment>, limit: number) => Promise<LogPage<T>>,
  timeOf: (item: T) => string,
): Promise<LogPage<T>> {
  let rows: T[] = [];
  // A segment that had more rows than it was asked for: the page surely has a next one.
  let truncated = false;
  let position: { maxAt: string; n: number } | null = null;
  const directory = log.directory();
  for (;;) {
    const segments = await directory.segmentsByTime(after?.at ?? null, position);
    if (segments.length === 0) break;
    let done = false;
    for (let i = 0; i < segments.length; i += SEGMENTS_IN_PARALLEL) {
      const group = segments.slice(i, i + SEGMENTS_IN_PARALLEL);
      // Enough rows, and no segment left holds a row newer than the one after the page's last.
      const boundary = rows[limit];
      const first = group[0];
      if (boundary !== undefined && first !== undefined && first.maxAt < timeOf(boundary)) {
        done = true;
        break;
      }
      const pages = await Promise.all(group.map((s) => read(log.segment(s.n), limit + 1)));
      truncated ||= pages.some((p) => p.next !== null);
      rows = [...rows, ...pages.flatMap((p) => p.items)].sort((a, b) => newerFirst({ at: timeOf(a), id: a.id }, { at: timeOf(b), id: b.id })).slice(0, limit + 1);
      const last = group[group.length - 1];
      if (last !== undefined) position = { maxAt: last.maxAt, n: last.n };
    }
    if (done || segments.length < SEGMENTS_PER_DIRECTORY_ANSWER) break;
  }
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1];
  const more = rows.length > limit || truncated;
  return { items: kept, next: more && last !== undefined ? { at: timeOf(last), id: last.id } : null };
}

type Collected = { seq: number; item: SegmentFeedItem };

/**
 * Changes after a change number, oldest first, across segments: each segment's numbers are above
 * every earlier segment's (./layout.ts `globalSeq`), so the poller's number says where to go on.
 */
export async function feedAcrossSegments(log: SegmentsOf, query: FeedQuery): Promise<FeedPage> {
  const limit = pageSize(query.limit);
  const { collected, more, latest } = query.after === undefined ? await lastChanges(log, query, limit) : await changesAfter(log, query, query.after, limit);
  // A change to an event of an older segment shows twice: in its segment and as the open one's
  // reference. The page keeps its latest.
  const page = collected.slice(0, limit);
  const lastSeen = new Map(page.map(({ item }, i) => [feedKey(item), i]));
  const items = await resolveLate(log, page.filter(({ item }, i) => lastSeen.get(feedKey(item)) === i));
  const last = items[items.length - 1];
  return { items, next: last !== undefined ? last.seq : (query.after ?? latest), more };
}

/** The last `limit` changes, where a tail starts: newest segments first, until enough. */
async function lastChanges(log: SegmentsOf, query: FeedQuery, limit: number) {
  const collected: Collected[] = [];
  let latest = 0;
  let from: number | null = null;
  for (;;) {
    const segments = await log.directory().segmentsByNumber(from, 'desc');
    if (segments.length === 0) break;
    for (const s of segments) {
      const page = await log.segment(s.n).feed({ webhookId: query.webhookId, limit: limit - collected.length });
      latest = Math.max(latest, globalSeq(s.n, page.current));
      collected.unshift(...page.items.map((item) => ({ seq: globalSeq(s.n, item.seq), item })));
      if (collected.length >= limit || s.n === LEGACY_SEGMENT) return { collected, more: false, latest };
      from = s.n - 1;
    }
  }
  return { collected, more: false, latest };
}

async function changesAfter(log: SegmentsOf, query: FeedQuery, after: number, limit: number) {
  const collected: Collected[] = [];
  let latest = after;
  const start = splitSeq(after);
  let from: number = start.segment;
  for (;;) {
    const segments: SegmentEntry[] = await log.directory().segmentsByNumber(from, 'asc');
    for (const s of segments) {
      const page = await log.segment(s.n).feed({ after: s.n === start.segment ? start.local : 0, webhookId: query.webhookId, limit: limit - collected.length });
      latest = Math.max(latest, globalSeq(s.n, page.current));
      collected.push(...page.items.map((item) => ({ seq: globalSeq(s.n, item.seq), item })));
      if (page.more || collected.length >= limit) {
        // A later segment may hold changes too: the poller asks again at once and learns.
        const more = page.more || s !== segments[segments.length - 1] || segments.length === SEGMENTS_PER_DIRECTORY_ANSWER;
        return { collected, more, latest };
      }
      from = s.n + 1;
    }
    if (segments.length < SEGMENTS_PER_DIRECTORY_ANSWER) return { collected, more: false, latest };
  }
}

function feedKey(item: SegmentFeedItem): string {
  switch (item.kind) {
    case 'event':
      return `event:${item.event.id}`;
    case 'late':
      return `event:${item.id}`;
    case 'refusal':
      return `refusal:${item.refusal.id}`;
  }
}

/** A late change shows the event as it is now, read from the segment that holds it. */
async function resolveLate(log: SegmentsOf, collected: Collected[]): Promise<FeedRecord[]> {
  const byHome = new Map<number, string[]>();
  for (const { item } of collected) if (item.kind === 'late') byHome.set(item.home, [...(byHome.get(item.home) ?? []), item.id]);
  const found = new Map<string, EventRecord>();
  await Promise.all(
    [...byHome].map(async ([home, ids]) => {
      for (const e of await log.segment(home).getEvents(ids)) found.set(e.id, e);
    }),
  );
  return collected.flatMap(({ seq, item }): FeedRecord[] => {
    if (item.kind !== 'late') return [{ ...item, seq }];
    const event = found.get(item.id);
    return event === undefined ? [] : [{ seq, kind: 'event', event }];
  });
}
