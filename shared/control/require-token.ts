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

export const requireToken = createMiddleware<ControlEnv>(async (c, next) => {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw new ProblemError('unauthorized', DETAIL, {}, { 'www-authenticate': 'Bearer' });
  const db = createDb(c.env.DB);
  const caller = await db
    .select({ tokenId: apiTokens.id, projectId: projects.id, orgId: orgs.id, orgSlug: orgs.slug, plan: orgs.plan })
    .from(apiTokens)
    .innerJoin(projects, eq(projects.id, apiTokens.projectId))
    .innerJoin(orgs, eq(orgs.id, projects.orgId))
    .where(eq(apiTokens.tokenHash, await hashApiToken(match[1])))
    .get();
  if (!caller) throw new ProblemError('unauthorized', DETAIL, {}, { 'www-authenticate': 'Bearer' });
  c.set('caller', caller);
  c.set('db', db);
  await next();
});
