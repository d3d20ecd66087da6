/**
 * Statements that bind one parameter however many values they carry. D1 binds at most 100
 * parameters per statement, so ten-column rows would take a statement per nine rows, and a list
 * of 100 event ids would not fit one `IN (…)` beside another value. Building such statements
 * with drizzle was also the largest part of the consumer's own JS in the bench's CPU profile.
 * The values travel as one JSON array and SQLite's json_each unpacks them.
 */
import { getTableName, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { chunkByWeight } from './batching';

/** Row values in the order of the columns they fill; null for SQL NULL. */
export type JsonRow = readonly (string | number | null)[];

/**
 * JSON text per statement. D1 caps a bound string at 2 MB; UTF-8 takes at most three bytes per
 * UTF-16 unit, so this many units stay under it whatever the text.
 */
export const JSON_ROWS_MAX_UNITS = 600_000;
/** Rows per statement: a bound on top of the size cap, which small rows never reach. */
export const JSON_ROWS_MAX_COUNT = 1000;

/**
 * `INSERT INTO table (columns) SELECT … FROM json_each(?) WHERE true <tail>`, one statement per
 * group of rows within the caps; `tail` is an ON CONFLICT clause (the WHERE lets SQLite parse one
 * after a SELECT). Plain D1 statements: drizzle's batch cannot run its own raw SQL.
 */
export function insertJsonRows(d1: D1Database, table: SQLiteTable, columns: readonly SQLiteColumn[], rows: readonly JsonRow[], tail: string): D1PreparedStatement[] {
  const names = columns.map((c) => quoted(c.name)).join(', ');
  const picks = columns.map((_, i) => `value ->> ${i}`).join(', ');
  const text = `INSERT INTO ${quoted(getTableName(table))} (${names}) SELECT ${picks} FROM json_each(?) WHERE true ${tail}`;
  const encoded = rows.map((row) => JSON.stringify(row));
  return chunkByWeight(encoded, JSON_ROWS_MAX_COUNT, JSON_ROWS_MAX_UNITS, (row) => row.length + 1).map((part) => d1.prepare(text).bind(`[${part.join(',')}]`));
}

/** `column IN (the values)`, the values bound as one JSON array. */
export function inJsonArray(column: SQLiteColumn, values: readonly (string | number)[]): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;
}

function quoted(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
