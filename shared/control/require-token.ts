/**
 * Bearer project API token → the calling project. A wrong, unknown or missing token gets the same
 * 401, so nothing tells a guesser which part was wrong; too many wrong ones get 429.
 */
import { eq } from 'drizzle-orm';
import { createMiddleware } from 'hono/factory';
import { createDb } from '../db/client';
import { apiTokens, orgs, projects } from '../db/schema';
import { ProblemError } from '../http/problem';
import { hashApiToken } from './api-token';
import { clientKey, tooManyFailuresDetail, type AuthFailures } from './auth-failures';
import type { ControlEnv } from './context';

const DETAIL = 'Send `Authorization: Bearer <project API token>`.';

/**
 * Requests the console builds in-process, each bound to the API token id of a signed-in session.
 * Keyed by the Request object itself: a request from outside the isolate is never in it, so no
 * header or body can claim a principal; the entry goes when the console drops the request.
 */
const IN_PROCESS_PRINCIPALS = new WeakMap<Request, string>();

/** Marks a request the console made as acting with the API token `tokenId` (shared/console/api-client.ts). */
export function actAsToken(request: Request, tokenId: string): Request {
  IN_PROCESS_PRINCIPALS.set(request, tokenId);
  return request;
}

/**
 * The control API's token check, with wrong tokens counted per client (./auth-failures.ts): a client
 * past the threshold is refused with 429 before its token is read. The console's in-process calls
 * are neither refused nor counted: they carry a session's token id, not a guess.
 */
export function requireToken(failures: AuthFailures) {
  return createMiddleware<ControlEnv>(async (c, next) => {
    const inProcessTokenId = IN_PROCESS_PRINCIPALS.get(c.req.raw);
    const client = inProcessTokenId === undefined ? clientKey(c.req.raw) : null;
    if (client !== null) {
      const wait = failures.blocked(client);
      if (wait !== null) throw tooManyFailures(wait);
    }
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (inProcessTokenId === undefined && !match?.[1]) throw new ProblemError('unauthorized', DETAIL, {}, { 'www-authenticate': 'Bearer' });
    const db = createDb(c.env.DB);
    // The token must still exist either way: deleting it ends console sessions opened with it too.
    const which = inProcessTokenId !== undefined ? eq(apiTokens.id, inProcessTokenId) : eq(apiTokens.tokenHash, await hashApiToken(match?.[1] ?? ''));
    const caller = await db
      .select({ tokenId: apiTokens.id, projectId: projects.id, orgId: orgs.id, orgSlug: orgs.slug, plan: orgs.plan })
      .from(apiTokens)
      .innerJoin(projects, eq(projects.id, apiTokens.projectId))
      .innerJoin(orgs, eq(orgs.id, projects.orgId))
      .where(which)
      .get();
    if (!caller) {
      const wait = client === null ? null : await failures.countFailure(c.env.AUTH_FAILURES, client);
      if (wait !== null) throw tooManyFailures(wait);
      throw new ProblemError('unauthorized', DETAIL, {}, { 'www-authenticate': 'Bearer' });
    }
    c.set('caller', caller);
    c.set('db', db);
    await next();
  });
}

function tooManyFailures(retryAfterSeconds: number): ProblemError {
  return new ProblemError('rate-limited', tooManyFailuresDetail(retryAfterSeconds), {}, { 'retry-after': String(retryAfterSeconds) });
}
