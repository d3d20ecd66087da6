/**
 * What the table modules of a segment (./segment.ts) work with: the object's storage, one typed
 * face over its SQL (./storage.ts), and the bucket for what is too large for a row.
 */
import { LogSql } from './storage';

export interface SegmentStore {
  /** For transactions: a change and its change number are written together or not at all. */
  storage: DurableObjectStorage;
  sql: LogSql;
  /** Claim-checked payloads, their runs' envelopes, and kept bodies too large to keep inline. */
  payloads: R2Bucket;
}

export function segmentStore(storage: DurableObjectStorage, payloads: R2Bucket): SegmentStore {
  return { storage, sql: new LogSql(storage.sql), payloads };
}
