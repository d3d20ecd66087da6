/**
 * How a project's log is laid out over Durable Objects (./README.md): which object holds what, how
 * they are named, and the budgets that close a segment. The numbers behind the defaults are in the
 * README; every budget can be set per deployment in wrangler vars.
 */
/** The wrangler vars that set the budgets; each may be absent (the production default applies). */
export interface LogLayoutVars {
  LOG_SEGMENT_WINDOW_SECONDS?: string | undefined;
  LOG_SEGMENT_BUDGET_BYTES?: string | undefined;
  LOG_INDEX_PARTITIONS?: string | undefined;
}

export interface LogLayout {
  /** A segment takes new rows for at most this long after it opens. */
  windowMs: number;
  /** No segment's SQLite database grows past this (./README.md, "Budgets"). */
  budgetBytes: number;
  /** A segment closes once what it holds, or is promised, reaches this: the rest is headroom for late writes. */
  closeAtBytes: number;
  /** Hash partitions of the id index. Fixed for a deployment: changing it would lose every id. */
  indexPartitions: number;
}

/** Production: 1-hour windows, 2 GiB segments, 16,384 index partitions (./README.md gives the arithmetic). */
export const DEFAULT_LAYOUT_VARS = { windowSeconds: 3_600, budgetBytes: 2 * 1024 ** 3, indexPartitions: 16_384 } as const;

/**
 * Of a segment's budget, the share it may be filled to before it closes. The rest takes what
 * arrives after it closed: runs added by a replay, status changes, batches already under way.
 */
export const CLOSE_AT_SHARE = 0.75;

/**
 * What a segment's database takes before its first row: a page or more for each table and index
 * (measured in workerd; test/eventlog/segments.test.ts checks it still holds). The directory counts
 * it against the budget, with what each write promises.
 */
export const EMPTY_SEGMENT_BYTES = 151_552;

/**
 * A redelivery within this long of its first copy is recognised even when the first copy's
 * metadata has expired meanwhile (metadata_retention_days may be 1). Stripe retries for 3 days;
 * Svix and Standard Webhooks senders about 5 days.
 */
export const DEDUP_WINDOW_MS = 7 * 86_400_000;

export class LogLayoutMisconfigured extends Error {
  override name = 'LogLayoutMisconfigured';
}

function positiveInteger(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new LogLayoutMisconfigured(`${name} must be a whole number of at least 1, not ${JSON.stringify(value)}`);
  return n;
}

export function logLayout(vars: LogLayoutVars): LogLayout {
  const budgetBytes = positiveInteger(vars.LOG_SEGMENT_BUDGET_BYTES, 'LOG_SEGMENT_BUDGET_BYTES', DEFAULT_LAYOUT_VARS.budgetBytes);
  return {
    windowMs: positiveInteger(vars.LOG_SEGMENT_WINDOW_SECONDS, 'LOG_SEGMENT_WINDOW_SECONDS', DEFAULT_LAYOUT_VARS.windowSeconds) * 1000,
    budgetBytes,
    closeAtBytes: Math.floor(budgetBytes * CLOSE_AT_SHARE),
    indexPartitions: positiveInteger(vars.LOG_INDEX_PARTITIONS, 'LOG_INDEX_PARTITIONS', DEFAULT_LAYOUT_VARS.indexPartitions),
  };
}

/** Segment 0 is the project's own object (the log from before segments); new segments count from 1. */
export const LEGACY_SEGMENT = 0;

export function segmentName(projectId: string, segment: number): string {
  return `${projectId}/segment/${segment}`;
}

export function indexPartitionName(projectId: string, partition: number): string {
  return `${projectId}/index/${partition}`;
}

/** FNV-1a (32-bit) of the UTF-8 bytes: stable across isolates and deploys. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The index partition that holds `id`. */
export function indexPartitionOf(id: string, partitions: number): number {
  return fnv1a(id) % partitions;
}

/**
 * Change numbers across segments: segment n's local number s is n × 2^32 + s, so every number a
 * later segment hands out is above every one an earlier segment did, and segment 0's numbers (the
 * log from before segments) are unchanged. Exact in a double up to segment 2^21.
 */
const SEQ_SPAN = 2 ** 32;

export function globalSeq(segment: number, local: number): number {
  return segment * SEQ_SPAN + local;
}

export function splitSeq(seq: number): { segment: number; local: number } {
  const segment = Math.floor(seq / SEQ_SPAN);
  return { segment, local: seq - segment * SEQ_SPAN };
}
