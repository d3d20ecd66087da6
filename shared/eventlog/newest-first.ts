/**
 * A newest-first page of one of a segment's tables, by (time, id), as every list of the log pages:
 * `after` is the exclusive cursor of the previous page, and `next` appears exactly when more rows
 * exist (one row past the page is read to know).
 */
import { pageSize } from './page-size';
import type { LogSql } from './storage';
import type { LogCursor, LogPage } from './types';

export interface NewestFirst<R> {
  table: string;
  columns: string;
  /** The time column the table's list indexes end with, before `id`. */
  time: keyof R & string;
  /** Column = value filters; an undefined value filters nothing. */
  filters: Record<string, SqlStorageValue | undefined>;
}

export function newestFirstPage<R extends Record<string, SqlStorageValue> & { id: string }, T>(
  sql: LogSql,
  list: NewestFirst<R>,
  query: { after?: LogCursor | undefined; limit: number },
  toItems: (rows: R[]) => T[],
): LogPage<T> {
  const where: string[] = [];
  const params: SqlStorageValue[] = [];
  for (const [column, value] of Object.entries(list.filters)) {
    if (value === undefined) continue;
    where.push(`${column} = ?`);
    params.push(value);
  }
  if (query.after !== undefined) {
    where.push(`(${list.time}, id) < (?, ?)`);
    params.push(query.after.at, query.after.id);
  }
  const limit = pageSize(query.limit);
  const rows = sql.all<R>(
    `SELECT ${list.columns} FROM ${list.table} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY ${list.time} DESC, id DESC LIMIT ?`,
    ...params,
    limit + 1,
  );
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1];
  return { items: toItems(kept), next: rows.length > limit && last !== undefined ? { at: String(last[list.time]), id: last.id } : null };
}
