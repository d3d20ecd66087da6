/**
 * The change numbers of one log object (`log_meta.change_seq`, ./storage.ts): each new event, each
 * move of an event's status or runs, each refusal row and each late change takes the next one, so
 * the feed (./segment-feed.ts) can be polled "after n" and miss nothing.
 */
import type { LogSql } from './storage';

/** The next change number: call it inside the transaction of the change it marks. */
export function nextChangeSeq(sql: LogSql): number {
  const row = sql.first<{ seq: number }>(
    `UPDATE log_meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'change_seq' RETURNING CAST(value AS INTEGER) AS seq`,
  );
  if (row === null) throw new Error('the project log has no change_seq: its storage was not migrated');
  return row.seq;
}

/** The last change number handed out (0: none yet). */
export function currentChangeSeq(sql: LogSql): number {
  return sql.first<{ seq: number }>(`SELECT CAST(value AS INTEGER) AS seq FROM log_meta WHERE key = 'change_seq'`)?.seq ?? 0;
}
