/**
 * Console sessions: a sign-in with a project API token opens one; the browser keeps only a random
 * session id in an HttpOnly, SameSite=Strict cookie; D1 keeps its SHA-256, the token's id (never the
 * token), the CSRF token and two clocks. Every request re-checks that the session is within both
 * clocks and that its API token still exists, so deleting a token ends its sessions at once.
 *
 * Cookie name: `__Host-hasp_console` wherever the console is served over https. The `__Host-`
 * prefix makes browsers refuse the cookie unless it is Secure, host-only and Path=/, so no sibling
 * host (an org's runtime host) can plant or shadow it. On `console.localhost` (plain http under
 * `npm run dev`) a Secure cookie would not be kept, so the plain name `hasp_console` is used there.
 */
import { and, eq, gt, lt, or } from 'drizzle-orm';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { hashApiToken } from '../control/api-token';
import { createDb } from '../db/client';
import { apiTokens, consoleSessions, orgs, projects } from '../db/schema';
import { bytesToBase64Url } from '../encoding/base64';
import { bytesToHex } from '../encoding/hex';
import { apiOriginFor, consoleApi } from './api-client';
import type { ConsoleDeps, ConsoleEnv, ConsoleSession } from './context';
import { signInReturningTo } from './return-to';

/** A session ends after this long without a request… */
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
/** …and after this long in any case: a working day, then the token is asked for again. */
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
/** `last_seen_at` is written at most this often: a page view is not a D1 write each time. */
const TOUCH_EVERY_MS = 5 * 60 * 1000;

const SECURE_NAME = '__Host-hasp_console';
const LOCAL_NAME = 'hasp_console';

export function sessionCookieName(local: boolean): string {
  return local ? LOCAL_NAME : SECURE_NAME;
}

async function sha256Hex(text: string): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))));
}

/** 32 random bytes as base64url: session ids and CSRF tokens. */
export function randomToken(): string {
  return bytesToBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

export type SignInResult = { ok: true; sessionId: string } | { ok: false };

/**
 * Opens a session for the project whose API token this is. The token is hashed as the API does and
 * then forgotten; an unknown token opens nothing (and the page says only that it was not accepted).
 * `replacing` is the session id the browser's cookie held, if any: a sign-in ends it, so a browser
 * never leaves a live session behind it (a copied cookie would keep opening it for hours).
 */
export async function signIn(d1: D1Database, token: string, now: number, replacing: string | null = null): Promise<SignInResult> {
  const db = createDb(d1);
  const found = await db
    .select({ tokenId: apiTokens.id, projectId: apiTokens.projectId })
    .from(apiTokens)
    .where(eq(apiTokens.tokenHash, await hashApiToken(token.trim())))
    .get();
  if (!found) return { ok: false };
  const sessionId = randomToken();
  const replacedHash = replacing === null ? null : await sha256Hex(replacing);
  await db.batch([
    // Sign-ins sweep ended sessions, so the table holds roughly the live ones without a cron, and
    // with them the one this sign-in replaces, in the same transaction as the new one.
    db
      .delete(consoleSessions)
      .where(
        or(
          lt(consoleSessions.expiresAt, now),
          lt(consoleSessions.lastSeenAt, now - SESSION_IDLE_MS),
          replacedHash === null ? undefined : eq(consoleSessions.idHash, replacedHash),
        ),
      ),
    db.insert(consoleSessions).values({
      idHash: await sha256Hex(sessionId),
      tokenId: found.tokenId,
      projectId: found.projectId,
      csrfToken: randomToken(),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + SESSION_ABSOLUTE_MS,
    }),
  ]);
  return { ok: true, sessionId };
}

/** The live session a cookie value names, with its token re-checked; null when there is none. */
export async function findSession(d1: D1Database, sessionId: string, now: number): Promise<ConsoleSession | null> {
  const db = createDb(d1);
  const idHash = await sha256Hex(sessionId);
  const row = await db
    .select({
      idHash: consoleSessions.idHash,
      tokenId: consoleSessions.tokenId,
      projectId: consoleSessions.projectId,
      orgSlug: orgs.slug,
      csrfToken: consoleSessions.csrfToken,
      lastSeenAt: consoleSessions.lastSeenAt,
      expiresAt: consoleSessions.expiresAt,
    })
    .from(consoleSessions)
    // The inner join is the per-request check that the API token still exists, for this project.
    .innerJoin(apiTokens, and(eq(apiTokens.id, consoleSessions.tokenId), eq(apiTokens.projectId, consoleSessions.projectId)))
    .innerJoin(projects, eq(projects.id, consoleSessions.projectId))
    .innerJoin(orgs, eq(orgs.id, projects.orgId))
    .where(and(eq(consoleSessions.idHash, idHash), gt(consoleSessions.expiresAt, now), gt(consoleSessions.lastSeenAt, now - SESSION_IDLE_MS)))
    .get();
  if (!row) return null;
  if (now - row.lastSeenAt > TOUCH_EVERY_MS) {
    await db.update(consoleSessions).set({ lastSeenAt: now }).where(eq(consoleSessions.idHash, idHash));
  }
  const { lastSeenAt: _seen, ...session } = row;
  return session;
}

/** Ends a session: its row goes, so the old cookie opens nothing even if a browser kept it. */
export async function endSession(d1: D1Database, idHash: string): Promise<void> {
  await createDb(d1).delete(consoleSessions).where(eq(consoleSessions.idHash, idHash));
}

export function setSessionCookie(c: Context<ConsoleEnv>, sessionId: string): void {
  const local = c.var.local;
  setCookie(c, sessionCookieName(local), sessionId, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: !local,
    path: '/',
    // The browser drops it at the absolute end; the server enforces both clocks regardless.
    maxAge: Math.floor(SESSION_ABSOLUTE_MS / 1000),
  });
}

export function clearSessionCookie(c: Context<ConsoleEnv>): void {
  const local = c.var.local;
  deleteCookie(c, sessionCookieName(local), { path: '/', secure: !local, httpOnly: true, sameSite: 'Strict' });
}

/**
 * Pages behind sign-in: sets `c.var.session` and `c.var.api` (the control API as the session's
 * token). Without a live session, a page redirects to the sign-in form and a JSON route gets 401.
 */
export function requireSession(deps: ConsoleDeps) {
  return createMiddleware<ConsoleEnv>(async (c, next) => {
    const sessionId = getCookie(c, sessionCookieName(c.var.local));
    const session = sessionId ? await findSession(c.env.DB, sessionId, (deps.now ?? Date.now)()) : null;
    if (session === null) {
      if (sessionId) clearSessionCookie(c);
      if (c.req.path.endsWith('.json')) return c.json({ error: 'signed-out', detail: 'Sign in again.' }, 401);
      // A page asked for by address (a link, a bookmark) is where sign-in returns; a form's POST is not repeated.
      const url = new URL(c.req.url);
      return c.redirect(c.req.method === 'GET' ? signInReturningTo(url.pathname + url.search) : '/sign-in', 303);
    }
    c.set('session', session);
    const apiOrigin = apiOriginFor(c.req.raw, c.env, c.var.local);
    c.set('api', consoleApi({ control: deps.control, env: c.env, ctx: c.executionCtx, tokenId: session.tokenId, apiOrigin }));
    await next();
  });
}
