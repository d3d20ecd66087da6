/**
 * Bearer project API token → the calling project. A wrong, unknown or missing token gets the same
 * 401, so nothing tells a guesser which part was wrong.
 */
import { eq } from 'drizzle-orm';
import { createMiddleware } from 'hono/factory';
import { createDb } from '../db/client';
import { apiTokens, orgs, projects } from '../db/schema';
import { ProblemError } from '../http/problem';
import { hashApiToken } from './api-token';
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

export const requireToken = createMiddleware<ControlEnv>(async (c, next) => {
  const inProcessTokenId = IN_PROCESS_PRINCIPALS.get(c.req.raw);
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
  if (!caller) throw new ProblemError('unauthorized', DETAIL, {}, { 'www-authenticate': 'Bearer' });
  c.set('caller', caller);
  c.set('db', db);
  await next();
});
