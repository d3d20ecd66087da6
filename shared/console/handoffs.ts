/**
 * Handoffs: what a console POST leaves for the page it redirects to (post/redirect/get), kept in D1
 * for the one session that made it, never in a cookie. Two kinds:
 *
 * - `secret`: a secret the POST made (a webhook created, a secret rotated). Its page shows it once:
 *   the read that shows it clears the sealed value in the same transaction, so two loads cannot both
 *   show it. The row stays, without the secret, until it expires, so a reload can say it was shown.
 * - `form`: a form's state to show again (a draft under review, a refusal with what was typed), read
 *   on every reload until it expires. It never holds a secret the person typed.
 *
 * Trust boundary: a value is sealed with the project's data key (shared/secrets) and bound by its
 * additional data to its row, session, kind and page, so a value copied elsewhere fails to open and a
 * read of the table shows neither a secret nor a payload. Rows go with their session (foreign key,
 * on delete cascade), and every write sweeps the expired ones: no cron.
 */
import { and, eq, gt, isNotNull, lte } from 'drizzle-orm';
import type { Context } from 'hono';
import * as v from 'valibot';
import { createDb } from '../db/client';
import { consoleHandoffs } from '../db/schema';
import { open, seal } from '../secrets/aead';
import { DataKeyCache } from '../secrets/data-keys';
import { masterKeyFor } from '../secrets/master-key';
import type { ApiProblem } from './api-client';
import type { ConsoleEnv } from './context';
import { randomToken } from './session';

export type HandoffKind = 'secret' | 'form';

/** How long a handoff can be read: a secret's page is opened at once; a form may be reviewed a while. */
export const HANDOFF_TTL_MS: Readonly<Record<HandoffKind, number>> = {
  secret: 10 * 60 * 1000,
  form: 60 * 60 * 1000,
};

/** The most JSON a handoff holds: D1 keeps a value to 2 MB, and the sealed text is base64. */
export const MAX_HANDOFF_BYTES = 1_200_000;

/** A ticket as `randomToken` makes it: 32 random bytes in base64url. */
const TICKET = /^[A-Za-z0-9_-]{43}$/;

export function isTicket(value: string): boolean {
  return TICKET.test(value);
}

/** Whose handoff, and for which page: every read names all three, so none opens another's. */
export interface HandoffAddress {
  /** The console session's `idHash`. */
  sessionHash: string;
  kind: HandoffKind;
  /** The page it is for: a webhook id, or a step of creating one (`new-webhook/review`). */
  subject: string;
}

export type TakenSecret = { state: 'shown'; value: unknown } | { state: 'already-shown' } | { state: 'missing' };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const aad = (id: string, a: HandoffAddress) => `console-handoff:${id}:${a.sessionHash}:${a.kind}:${a.subject}`;

function addressed(id: string, a: HandoffAddress, now: number) {
  return and(
    eq(consoleHandoffs.id, id),
    eq(consoleHandoffs.sessionHash, a.sessionHash),
    eq(consoleHandoffs.kind, a.kind),
    eq(consoleHandoffs.subject, a.subject),
    gt(consoleHandoffs.expiresAt, now),
  );
}

/** The value, or null when it does not open (altered, or sealed for another row): never shown then. */
async function openValue(dataKey: CryptoKey, id: string, a: HandoffAddress, sealed: string): Promise<unknown> {
  try {
    return JSON.parse(decoder.decode(await open(dataKey, sealed, aad(id, a)))) as unknown;
  } catch {
    console.error('console handoff did not open', a.kind);
    return null;
  }
}

const ProblemShape = v.looseObject({ code: v.string(), title: v.string(), status: v.number(), detail: v.string() });

/** An API problem as a handoff kept it; null when the value is not one. */
export function storedProblem(value: unknown): ApiProblem | null {
  return v.is(ProblemShape, value) ? (value as ApiProblem) : null;
}

/**
 * Seals `value` (as JSON) for the address and returns its ticket; null when it is larger than
 * MAX_HANDOFF_BYTES. Every expired handoff, of any session, is deleted in the same batch.
 */
export async function putHandoff(d1: D1Database, dataKey: CryptoKey, address: HandoffAddress, value: unknown, now: number): Promise<string | null> {
  const bytes = encoder.encode(JSON.stringify(value));
  if (bytes.length > MAX_HANDOFF_BYTES) return null;
  const id = randomToken();
  const db = createDb(d1);
  await db.batch([
    db.delete(consoleHandoffs).where(lte(consoleHandoffs.expiresAt, now)),
    db.insert(consoleHandoffs).values({
      id,
      sessionHash: address.sessionHash,
      kind: address.kind,
      subject: address.subject,
      sealed: await seal(dataKey, bytes, aad(id, address)),
      createdAt: now,
      expiresAt: now + HANDOFF_TTL_MS[address.kind],
    }),
  ]);
  return id;
}

/** A form handoff's value, as often as it is asked for until it expires; null when there is none. */
export async function readHandoff(d1: D1Database, dataKey: CryptoKey, id: string, address: HandoffAddress, now: number): Promise<unknown> {
  if (!isTicket(id)) return null;
  const row = await createDb(d1).select({ sealed: consoleHandoffs.sealed }).from(consoleHandoffs).where(addressed(id, address, now)).get();
  if (row?.sealed == null) return null;
  return openValue(dataKey, id, address, row.sealed);
}

/**
 * A secret handoff's value, once. The read and the clearing are one D1 batch (one transaction), and
 * the value counts as shown only when this batch cleared it, so of two loads at once one shows it.
 */
export async function takeHandoff(d1: D1Database, dataKey: CryptoKey, id: string, address: HandoffAddress, now: number): Promise<TakenSecret> {
  if (!isTicket(id)) return { state: 'missing' };
  const db = createDb(d1);
  const where = addressed(id, address, now);
  const [rows, cleared] = await db.batch([
    db.select({ sealed: consoleHandoffs.sealed }).from(consoleHandoffs).where(where),
    db
      .update(consoleHandoffs)
      .set({ sealed: null, takenAt: now })
      .where(and(where, isNotNull(consoleHandoffs.sealed)))
      .returning({ id: consoleHandoffs.id }),
  ]);
  const sealed = rows[0]?.sealed;
  if (rows.length === 0) return { state: 'missing' };
  if (cleared.length !== 1 || sealed == null) return { state: 'already-shown' };
  return { state: 'shown', value: await openValue(dataKey, id, address, sealed) };
}

/** Deletes a handoff of the session (a draft once its webhook is created). */
export async function dropHandoff(d1: D1Database, id: string, sessionHash: string): Promise<void> {
  if (!isTicket(id)) return;
  await createDb(d1)
    .delete(consoleHandoffs)
    .where(and(eq(consoleHandoffs.id, id), eq(consoleHandoffs.sessionHash, sessionHash)));
}

/** The project's data key, unwrapped for this request (handoffs are rare: no cache is kept). */
async function projectDataKey(env: Env, projectId: string): Promise<CryptoKey> {
  const key = (await new DataKeyCache().get(env.DB, await masterKeyFor(env), [projectId])).get(projectId);
  if (key === undefined) throw new Error(`project ${projectId} has no data key`);
  return key;
}

/** The signed-in session's handoffs, with the project's key unwrapped at most once per request. */
export interface SessionHandoffs {
  put(kind: HandoffKind, subject: string, value: unknown): Promise<string | null>;
  read(kind: HandoffKind, subject: string, id: string): Promise<unknown>;
  take(subject: string, id: string): Promise<TakenSecret>;
  drop(id: string): Promise<void>;
}

export function sessionHandoffs(c: Context<ConsoleEnv>, now: () => number = Date.now): SessionHandoffs {
  const { idHash: sessionHash, projectId } = c.var.session;
  let key: Promise<CryptoKey> | undefined;
  const dataKey = () => (key ??= projectDataKey(c.env, projectId));
  return {
    put: async (kind, subject, value) => putHandoff(c.env.DB, await dataKey(), { sessionHash, kind, subject }, value, now()),
    read: async (kind, subject, id) => (isTicket(id) ? readHandoff(c.env.DB, await dataKey(), id, { sessionHash, kind, subject }, now()) : null),
    take: async (subject, id) => (isTicket(id) ? takeHandoff(c.env.DB, await dataKey(), id, { sessionHash, kind: 'secret', subject }, now()) : { state: 'missing' }),
    drop: (id) => dropHandoff(c.env.DB, id, sessionHash),
  };
}
