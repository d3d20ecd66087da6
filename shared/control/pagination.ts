/**
 * Cursor pagination for lists ordered newest first by (timestamp, id). The cursor is opaque to
 * callers: base64url of `[timestamp, id]` of the last item returned. Keyset, not offset, so items
 * arriving while a caller pages never shift a page or repeat an item.
 */
import { and, eq, lt, or, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import * as v from 'valibot';
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
  return btoa(JSON.stringify([cursor.at, cursor.id])).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The cursor a previous page returned; a 400 naming `/cursor` for anything else. */
export function decodeCursor(text: string): Cursor {
  try {
    const parsed = v.parse(CursorSchema, JSON.parse(atob(text.replace(/-/g, '+').replace(/_/g, '/'))));
    return { at: parsed[0], id: parsed[1] };
  } catch {
    throw invalidRequest([{ path: '/cursor', message: 'cursor is not one this API returned; pass next_cursor from the previous page' }]);
  }
}

/** A page from `limit + 1` fetched rows: the extra row only says there is more. */
export function toPage<T>(rows: readonly T[], limit: number, keyOf: (row: T) => Cursor): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

/** Rows after `cursor` in newest-first (timestamp, id) order; no condition on the first page. */
export function olderThan(at: SQLiteColumn, id: SQLiteColumn, cursor: Cursor | undefined): SQL | undefined {
  return cursor === undefined ? undefined : or(lt(at, cursor.at), and(eq(at, cursor.at), lt(id, cursor.id)));
}
