/**
 * `/v1/domains`: custom hostnames of enterprise orgs. A hostname is created pending with a DNS TXT
 * challenge and routes at the edge only once verified (the ingress reads `verified_at` and the
 * org's plan), so creating one never exposes webhooks on a host nobody proved they own.
 */
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import * as v from 'valibot';
import type { Db } from '../db/client';
import { customHostnames } from '../db/schema';
import { bytesToHex } from '../encoding/hex';
import { ProblemError } from '../http/problem';
import { clockOf, edgeInvalidator, type Caller, type ControlDeps, type ControlEnv } from './context';
import { challengeName, challengeValue, dohLookup, verificationMode, verifyOwnership } from './domain-verification';
import { DOMAIN, findOwned, ownedBy } from './owned';
import type { RouteDoc } from './route-doc';
import { invalidRequest, jsonBody } from './validation';

const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export const CreateDomainBody = v.strictObject({
  hostname: v.pipe(
    v.string('hostname must be a string'),
    v.trim(),
    v.toLowerCase(),
    v.regex(HOSTNAME, 'hostname must be a fully qualified domain name such as "api.acme-health.com" (no scheme, port or path)'),
  ),
});

export const DOMAIN_ROUTES: RouteDoc[] = [
  { method: 'post', path: '/v1/domains', summary: 'Add a custom hostname (enterprise orgs); publish the returned TXT record, then verify', body: CreateDomainBody, responses: { 201: 'The pending hostname with its TXT challenge', 400: 'Invalid hostname', 403: 'The org is not on the enterprise plan', 409: 'The hostname is already registered' }, audit: { action: 'domain.create', resource: { created: 'hostname' } } },
  { method: 'get', path: '/v1/domains', summary: 'List the project’s custom hostnames', responses: { 200: '`{ data }`' } },
  { method: 'get', path: '/v1/domains/:hostname', summary: 'Get a custom hostname', responses: { 200: 'The hostname', 404: 'No such hostname in this project' } },
  { method: 'post', path: '/v1/domains/:hostname/verify', summary: 'Check the TXT record (DNS-over-HTTPS; DOMAIN_VERIFICATION=offline skips the lookup in dev and tests)', responses: { 200: 'Verified; the hostname now routes at the edge', 404: 'No such hostname in this project', 422: 'The TXT record was not found (or DNS failed)' }, audit: { action: 'domain.verify', resource: { param: 'hostname' } } },
  { method: 'delete', path: '/v1/domains/:hostname', summary: 'Remove a custom hostname; it stops routing at the edge', responses: { 204: 'Removed', 404: 'No such hostname in this project' }, audit: { action: 'domain.delete', resource: { param: 'hostname' } } },
];

type DomainRow = typeof customHostnames.$inferSelect;

function domainView(row: DomainRow) {
  return {
    hostname: row.hostname,
    status: row.verifiedAt === null ? ('pending' as const) : ('verified' as const),
    verified_at: row.verifiedAt,
    verification: { type: 'TXT' as const, name: challengeName(row.hostname), value: challengeValue(row.verificationToken) },
    created_at: row.createdAt,
  };
}

function findDomain(db: Db, caller: Caller, hostname: string): Promise<DomainRow> {
  return findOwned(db, caller, DOMAIN, hostname.toLowerCase());
}

export function domainsRoutes(deps: ControlDeps) {
  const clock = clockOf(deps);
  const lookup = deps.lookupTxt ?? dohLookup();
  const invalidateEdge = edgeInvalidator(deps);
  const app = new Hono<ControlEnv>();

  app.post('/', jsonBody(CreateDomainBody), async (c) => {
    const { hostname } = c.req.valid('json');
    const { db, caller } = c.var;
    if (caller.plan !== 'enterprise') {
      throw new ProblemError('forbidden', `Custom hostnames are for enterprise orgs; this org is on the ${caller.plan} plan.`);
    }
    const own = [c.env.RUNTIME_DOMAIN, c.env.LOCAL_HOST_SUFFIX, 'localhost'].filter((d) => d !== '');
    if (own.some((d) => hostname === d || hostname.endsWith(`.${d}`))) {
      throw invalidRequest([{ path: '/hostname', message: `${hostname} is under a HASP domain; give a hostname your org owns` }]);
    }
    const existing = await db.select({ hostname: customHostnames.hostname }).from(customHostnames).where(eq(customHostnames.hostname, hostname)).get();
    if (existing) {
      throw new ProblemError('conflict', 'This hostname is already registered.', { errors: [{ path: '/hostname', message: `${hostname} is already registered` }] });
    }
    const token = bytesToHex(crypto.getRandomValues(new Uint8Array(20)));
    const row = await db
      .insert(customHostnames)
      .values({ hostname, orgId: caller.orgId, projectId: caller.projectId, verificationToken: token, verifiedAt: null, createdAt: new Date(clock()).toISOString() })
      .returning()
      .get();
    return c.json(domainView(row), 201);
  });

  app.get('/', async (c) => {
    const rows = await c.var.db
      .select()
      .from(customHostnames)
      .where(eq(customHostnames.projectId, c.var.caller.projectId))
      .orderBy(customHostnames.hostname)
      .all();
    return c.json({ data: rows.map(domainView) });
  });

  app.get('/:hostname', async (c) => c.json(domainView(await findDomain(c.var.db, c.var.caller, c.req.param('hostname')))));

  app.post('/:hostname/verify', async (c) => {
    const { db, caller } = c.var;
    const row = await findDomain(db, caller, c.req.param('hostname'));
    if (row.verifiedAt !== null) return c.json(domainView(row));
    const outcome = await verifyOwnership(verificationMode(c.env), lookup, row.hostname, row.verificationToken);
    if (!outcome.ok) {
      switch (outcome.reason) {
        case 'record-missing':
          throw new ProblemError('verification-failed', `No TXT record ${outcome.name} with the value ${outcome.expected} was found. Publish it, wait for DNS to propagate, and verify again.`, {
            verification: { type: 'TXT', name: outcome.name, value: outcome.expected },
          });
        case 'lookup-failed':
          throw new ProblemError('verification-failed', `The DNS lookup of ${outcome.name} failed; verify again in a minute.`);
      }
    }
    const updated = await db
      .update(customHostnames)
      .set({ verifiedAt: new Date(clock()).toISOString() })
      .where(ownedBy(DOMAIN, caller, row.hostname))
      .returning()
      .get();
    invalidateEdge(caller);
    return c.json({ ...domainView(updated ?? row), method: outcome.method });
  });

  app.delete('/:hostname', async (c) => {
    const { db, caller } = c.var;
    const row = await findDomain(db, caller, c.req.param('hostname'));
    await db.delete(customHostnames).where(ownedBy(DOMAIN, caller, row.hostname));
    invalidateEdge(caller);
    return c.body(null, 204);
  });

  return app;
}
