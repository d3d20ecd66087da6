/**
 * `/v1/domains`: custom hostnames of enterprise orgs, provisioned on Cloudflare for SaaS
 * (shared/domains). A hostname routes at the edge only once Cloudflare has it active, with its
 * certificate (the ingress reads `status` and the org's plan), so adding one never exposes webhooks on
 * a host whose DNS does not point here.
 */
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { createFactory } from 'hono/factory';
import * as v from 'valibot';
import { customHostnames } from '../db/schema';
import { HOSTNAME_REFUSALS, QUOTA_REFUSALS } from '../domains/cloudflare-api';
import { CloudflareRefused, CloudflareUnavailable } from '../domains/cloudflare-errors';
import { checkHostname } from '../domains/hostname';
import { configuredDomains, isExpired, newClaim, refresh, release, type DomainRow, type Domains } from '../domains/provisioning';
import { checkProof, dohLookup, proofMode, takeoverRecord } from '../domains/takeover-proof';
import { domainView } from '../domains/view';
import { ProblemError } from '../http/problem';
import { clockOf, edgeInvalidator, pathParam, type Caller, type ControlDeps, type ControlEnv } from './context';
import { DOMAIN, findOwned } from './owned';
import { ControlRoutes } from './route-doc';
import { invalidRequest, jsonBody } from './validation';

export const CreateDomainBody = v.strictObject({
  hostname: v.string('hostname must be a string'),
});

/** Cloudflare's failures as the API's problems; everything else is rethrown as it is. */
function asProblem(error: unknown): unknown {
  if (error instanceof CloudflareUnavailable) {
    const detail = error.rateLimited
      ? `Cloudflare's API asks HASP to slow down; nothing was changed. Retry in ${error.retryAfterSeconds} seconds.`
      : `Cloudflare's API did not answer; nothing was changed. Retry in ${error.retryAfterSeconds} seconds.`;
    return new ProblemError('cloudflare-unavailable', detail, {}, { 'retry-after': String(error.retryAfterSeconds) });
  }
  if (error instanceof CloudflareRefused && error.codes.some((code) => HOSTNAME_REFUSALS.includes(code))) {
    return invalidRequest([{ path: '/hostname', message: `Cloudflare refused the hostname: ${error.message}` }]);
  }
  if (error instanceof CloudflareRefused && error.codes.some((code) => QUOTA_REFUSALS.includes(code))) {
    return new ProblemError('hostname-quota-exhausted', `The service's custom hostname quota at Cloudflare is used up; nothing was created. Ask HASP to raise it. (${error.message})`);
  }
  if (error instanceof CloudflareRefused) {
    return new ProblemError('cloudflare-refused', `Cloudflare refused the request (${error.status}): ${error.message}`, { cloudflare_errors: error.codes });
  }
  return error;
}

async function withCloudflare<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asProblem(error);
  }
}

const factory = createFactory<ControlEnv>();

export function domainsRoutes(deps: ControlDeps): ControlRoutes {
  const clock = clockOf(deps);
  const lookup = deps.lookupTxt ?? dohLookup();
  const invalidateEdge = edgeInvalidator(deps);

  function domainsOf(c: Context<ControlEnv>): Domains {
    const domains = configuredDomains(c.env, c.var.db, clock);
    if (domains === null) {
      throw new ProblemError('custom-domains-not-configured', 'Custom domains are not configured on this deployment: its operator sets CLOUDFLARE_API_TOKEN and SAAS_ZONE_ID (README, “Production routing”).');
    }
    return domains;
  }

  /** Frees `hostname` from another org's claim, or says why this org cannot have it. */
  async function takeOver(env: Env, domains: Domains, caller: Caller, held: DomainRow): Promise<void> {
    const hostname = held.hostname;
    if (held.orgId === caller.orgId) {
      throw new ProblemError('conflict', `${hostname} is already added to another project of this org; remove it there first.`, { errors: [{ path: '/hostname', message: `${hostname} is in another project of this org` }] });
    }
    if (held.status === 'active') {
      throw new ProblemError('conflict', `${hostname} is in use by another org.`, { errors: [{ path: '/hostname', message: `${hostname} is in use by another org` }] });
    }
    if (!isExpired(held, clock())) {
      const record = await takeoverRecord(caller.orgId, hostname);
      const proof = await checkProof(proofMode(env), lookup, record);
      if (proof !== 'proven') {
        const found = proof === 'lookup-failed' ? `The DNS lookup of ${record.name} failed` : `No TXT record ${record.name} with the value ${record.value} was found`;
        throw new ProblemError(
          'conflict',
          `${hostname} is claimed by another org but not active; the claim lapses at ${held.expiresAt ?? 'its next check'}. If your org controls this DNS name, publish a TXT record named ${record.name} with the value ${record.value}, then add the hostname again to take it over. (${found}.)`,
          { errors: [{ path: '/hostname', message: `${hostname} is claimed by another org` }], takeover: record, claim_expires_at: held.expiresAt },
        );
      }
    }
    await release(domains, held);
  }

  const addDomain = factory.createHandlers(jsonBody(CreateDomainBody), async (c) => {
    const { db, caller } = c.var;
    if (caller.plan !== 'enterprise') {
      throw new ProblemError('forbidden', `Custom hostnames are for enterprise orgs; this org is on the ${caller.plan} plan.`);
    }
    const own = [c.env.RUNTIME_DOMAIN, c.env.LOCAL_HOST_SUFFIX].filter((d) => d !== '');
    const checked = checkHostname(c.req.valid('json').hostname, own);
    if (!checked.ok) throw invalidRequest([{ path: '/hostname', message: checked.message }]);
    const hostname = checked.hostname;
    const domains = domainsOf(c);

    const held = await db.select().from(customHostnames).where(eq(customHostnames.hostname, hostname)).get();
    if (held?.projectId === caller.projectId) {
      // A retry of a POST whose answer was lost: the hostname as it is, linked at Cloudflare if it was not yet.
      const row = held.cloudflareId === null ? await withCloudflare(() => refresh(domains, held)) : held;
      return c.json(domainView(row), 200);
    }
    await withCloudflare(async () => {
      if (held) await takeOver(c.env, domains, caller, held);
      const quota = await domains.api.quota();
      if (quota.used >= quota.hardCap) {
        throw new ProblemError('hostname-quota-exhausted', `The service's custom hostname quota at Cloudflare is used up (${quota.used} of ${quota.hardCap}); nothing was created. Ask HASP to raise it.`);
      }
    });
    const claimed = await db.insert(customHostnames).values(newClaim(hostname, caller.orgId, caller.projectId, clock())).onConflictDoNothing().returning().get();
    if (!claimed) {
      throw new ProblemError('conflict', `${hostname} was added by someone else a moment ago.`, { errors: [{ path: '/hostname', message: `${hostname} is already registered` }] });
    }
    let row: DomainRow;
    try {
      row = await refresh(domains, claimed);
    } catch (error) {
      // Nothing half-created: the claim goes with the failed create (a create that did reach
      // Cloudflare is found, not duplicated, when the POST is retried).
      await db.delete(customHostnames).where(eq(customHostnames.hostname, hostname));
      throw asProblem(error);
    }
    if (row.status === 'active') invalidateEdge(caller);
    return c.json(domainView(row), 201);
  });

  const listDomains = factory.createHandlers(async (c) => {
    const rows = await c.var.db
      .select()
      .from(customHostnames)
      .where(eq(customHostnames.projectId, c.var.caller.projectId))
      .orderBy(customHostnames.hostname)
      .all();
    // Every hostname of the project in one page (a project has a handful), with the list shape of every other list.
    return c.json({ data: rows.map(domainView), has_more: false, next_cursor: null });
  });

  const getDomain = factory.createHandlers(async (c) => c.json(domainView(await findOwned(c.var.db, c.var.caller, DOMAIN, pathParam(c, 'hostname').toLowerCase()))));

  const verifyDomain = factory.createHandlers(async (c) => {
    const { db, caller } = c.var;
    const row = await findOwned(db, caller, DOMAIN, pathParam(c, 'hostname').toLowerCase());
    const checked = await withCloudflare(() => refresh(domainsOf(c), row));
    if ((checked.status === 'active') !== (row.status === 'active')) invalidateEdge(caller);
    return c.json(domainView(checked));
  });

  const removeDomain = factory.createHandlers(async (c) => {
    const { db, caller } = c.var;
    const hostname = pathParam(c, 'hostname').toLowerCase();
    const held = await db.select({ orgId: customHostnames.orgId, projectId: customHostnames.projectId }).from(customHostnames).where(eq(customHostnames.hostname, hostname)).get();
    if (held && held.orgId !== caller.orgId) {
      throw new ProblemError('conflict', `${hostname} is another org's custom hostname; only that org can remove it.`);
    }
    const row = await findOwned(db, caller, DOMAIN, hostname);
    await withCloudflare(() => release(domainsOf(c), row));
    invalidateEdge(caller);
    return c.body(null, 204);
  });

  return new ControlRoutes()
    .route(
      { method: 'post', path: '/v1/domains', summary: 'Add a custom hostname (enterprise orgs): it is created on Cloudflare for SaaS, and the answer lists the DNS records to create', body: CreateDomainBody, responses: { 201: 'The hostname, its state and its DNS records', 200: 'Already added to this project (a retried request): the hostname as it is', 400: 'Invalid hostname', 403: 'The org is not on the enterprise plan', 409: 'The hostname is held by another org or project (with the TXT record that takes over a claim that is not active), or the quota is exhausted', 503: 'Cloudflare unavailable or rate-limited (Retry-After); nothing was created' }, audit: { action: 'domain.create', resource: { created: 'hostname' } } },
      ...addDomain,
    )
    .route(
      { method: 'get', path: '/v1/domains', summary: 'List the project’s custom hostnames with their state', responses: { 200: '`{ data }`' } },
      ...listDomains,
    )
    .route(
      { method: 'get', path: '/v1/domains/:hostname', summary: 'Get a custom hostname: its state, the reasons Cloudflare gives, its DNS records, when it was last checked', responses: { 200: 'The hostname', 404: 'No such hostname in this project' } },
      ...getDomain,
    )
    .route(
      { method: 'post', path: '/v1/domains/:hostname/verify', summary: 'Check the hostname at Cloudflare now', responses: { 200: 'The hostname as Cloudflare now has it', 404: 'No such hostname in this project', 503: 'Cloudflare unavailable or rate-limited (Retry-After)' }, audit: { action: 'domain.verify', resource: { param: 'hostname' } } },
      ...verifyDomain,
    )
    .route(
      { method: 'delete', path: '/v1/domains/:hostname', summary: 'Remove a custom hostname, at Cloudflare too; it stops routing at the edge', responses: { 204: 'Removed', 404: 'No such hostname in this project', 409: 'The hostname is another org’s', 503: 'Cloudflare unavailable or rate-limited (Retry-After); nothing was removed' }, audit: { action: 'domain.delete', resource: { param: 'hostname' } } },
      ...removeDomain,
    );
}
