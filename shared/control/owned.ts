/**
 * Rows a caller owns in D1. Every lookup by id is scoped to the caller's project, so another
 * project's row answers exactly like an absent one: ids cannot be probed across projects. (Events,
 * rejections and audit entries live in the project's own log, which holds nothing else.)
 */
import { and, eq, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/client';
import { customHostnames, webhooks, workflows } from '../db/schema';
import { ProblemError } from '../http/problem';
import type { Caller } from './context';
import { readPage, type Cursor, type Page, type PageQuery } from './pagination';

/** A kind of resource a project owns: its table, the column callers name it by, and its 404. */
export interface OwnedKind<T extends SQLiteTable> {
  table: T;
  key: SQLiteColumn;
  project: SQLiteColumn;
  missing: string;
}

/** A kind listed newest first by when each was created. */
export interface ListedKind<T extends SQLiteTable> extends OwnedKind<T> {
  createdAt: SQLiteColumn;
}

export const WEBHOOK = {
  table: webhooks,
  key: webhooks.id,
  project: webhooks.projectId,
  createdAt: webhooks.createdAt,
  missing: 'No webhook with this id in your project.',
} satisfies ListedKind<typeof webhooks>;
export const WORKFLOW = {
  table: workflows,
  key: workflows.id,
  project: workflows.projectId,
  createdAt: workflows.createdAt,
  missing: 'No workflow with this id in your project.',
} satisfies ListedKind<typeof workflows>;
export const DOMAIN = {
  table: customHostnames,
  key: customHostnames.hostname,
  project: customHostnames.projectId,
  missing: 'No custom hostname with this name in your project.',
} satisfies OwnedKind<typeof customHostnames>;

/**
 * A page of the caller's resources of `kind`, newest first; `keyOf` names a row's creation time
 * and id, which the next page's cursor carries.
 */
export function pageOwned<T extends SQLiteTable>(db: Db, caller: Caller, kind: ListedKind<T>, query: PageQuery, keyOf: (row: T['$inferSelect']) => Cursor): Promise<Page<T['$inferSelect']>> {
  return readPage(
    query,
    async (keyset): Promise<T['$inferSelect'][]> =>
      db
        .select()
        .from(kind.table)
        .where(and(eq(kind.project, caller.projectId), keyset.after(kind.createdAt, kind.key)))
        .orderBy(...keyset.order(kind.createdAt, kind.key))
        .limit(keyset.take)
        .all(),
    keyOf,
  );
}

/** The condition that picks the caller's row named `value`: for reads, updates and deletes alike. */
export function ownedBy<T extends SQLiteTable>(kind: OwnedKind<T>, caller: Caller, value: string): SQL | undefined {
  return and(eq(kind.key, value), eq(kind.project, caller.projectId));
}

/** The caller's row named `value`, or the 404 that an absent row and another project's row share. */
export async function findOwned<T extends SQLiteTable>(db: Db, caller: Caller, kind: OwnedKind<T>, value: string): Promise<T['$inferSelect']> {
  const row: T['$inferSelect'] | undefined = await db.select().from(kind.table).where(ownedBy(kind, caller, value)).get();
  if (row === undefined) throw new ProblemError('not-found', kind.missing);
  return row;
}
