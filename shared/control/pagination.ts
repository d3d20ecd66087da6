/**
 * Cursor pagination for lists ordered newest first by (timestamp, id). The cursor is opaque to
 * callers: base64url of `[timestamp, id]` of the last item returned. Keyset, not offset, so items
 * arriving while a caller pages never shift a page or repeat an item. D1 lists page here
 * (`readPage`); the project log pages itself by the same keyset (`readLogPage` maps its position).
 */
import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import * as v from 'valibot';
import { base64UrlToBytes, bytesToBase64Url } from '../encoding/base64';
import { decodeUtf8, utf8 } from '../encoding/utf8';
import type { LogCursor, LogPage } from '../eventlog/types';
import { invalidRequest } from './validation';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface Cursor {
  at: string;
  id: string;
}

const CursorSchema = v.tuple([v.string(), v.string()]);

export const LimitParam = v.optional(
  v.pipe(
    v.string(),
    v.regex(/^\d{1,3}$/, `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`),
    v.transform(Number),
    v.minValue(1, 'limit must be at least 1'),
    v.maxValue(MAX_PAGE_SIZE, `limit must be at most ${MAX_PAGE_SIZE}`),
  ),
);

export const CursorParam = v.optional(v.pipe(v.string(), v.maxLength(512, 'cursor is not one this API returned')));

export function encodeCursor(cursor: Cursor): string {
  return bytesToBase64Url(utf8(JSON.stringify([cursor.at, cursor.id])));
}

/** The cursor a previous page returned; a 400 naming `/cursor` for anything else. */
export function decodeCursor(text: string): Cursor {
  try {
    const bytes = base64UrlToBytes(text);
    const parsed = v.parse(CursorSchema, bytes === null ? null : JSON.parse(decodeUtf8(bytes)));
    return { at: parsed[0], id: parsed[1] };
  } catch {
    throw invalidRequest([{ path: '/cursor', message: 'cursor is not one this API returned; pass next_cursor from the previous page' }]);
  }
}

/** The query parameters of every list: `?limit=…&cursor=…`. */
export const PAGE_PARAMS = { limit: LimitParam, cursor: CursorParam };

export interface PageQuery {
  limit?: number | undefined;
  cursor?: string | undefined;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A page from `limit + 1` fetched rows: the extra row only says there is more. */
export function toPage<T>(rows: readonly T[], limit: number, keyOf: (row: T) => Cursor): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

/** Where a newest-first keyset list on (timestamp, id) continues, and how many rows to fetch. */
export interface Keyset {
  /** The condition for rows after the cursor; undefined on the first page. */
  after: (at: SQLiteColumn, id: SQLiteColumn) => SQL | undefined;
  /** Newest first, the id breaking ties. */
  order: (at: SQLiteColumn, id: SQLiteColumn) => SQL[];
  /** One row more than the page, to tell whether there is a next one. */
  take: number;
}

/**
 * One page of a newest-first list: `read` fetches rows with the keyset it is given, `keyOf` names
 * the (timestamp, id) of a row, which the next page's cursor carries.
 */
export async function readPage<T>(query: PageQuery, read: (keyset: Keyset) => Promise<T[]>, keyOf: (row: T) => Cursor): Promise<Page<T>> {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const rows = await read({
    after: (at, id) => (cursor === undefined ? undefined : or(lt(at, cursor.at), and(eq(at, cursor.at), lt(id, cursor.id)))),
    order: (at, id) => [desc(at), desc(id)],
    take: limit + 1,
  });
  return toPage(rows, limit, keyOf);
}

/**
 * One page of a list the project's log keeps: the log pages by the same (timestamp, id) keyset, so
 * the opaque cursor carries its position (`LogCursor`) both ways.
 */
export async function readLogPage<T>(query: PageQuery, read: (after: LogCursor | undefined, limit: number) => Promise<LogPage<T>>): Promise<Page<T>> {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const page = await read(after, query.limit ?? DEFAULT_PAGE_SIZE);
  return { items: page.items, nextCursor: page.next === null ? null : encodeCursor(page.next) };
}

/** The wire shape of every list: `{ data, has_more, next_cursor }`. */
export function pageBody<T, V>(page: Page<T>, view: (row: T) => V): { data: V[]; has_more: boolean; next_cursor: string | null } {
  return { data: page.items.map(view), has_more: page.nextCursor !== null, next_cursor: page.nextCursor };
}
