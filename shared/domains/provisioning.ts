/**
 * A custom hostname's row in D1 kept in step with Cloudflare: created (or found, for a retried or
 * interrupted create) there, re-read and recorded in words, and released there and here. The row is
 * written before Cloudflare is called, so two orgs racing for one name meet at D1's primary key, and
 * a row whose create never finished is linked on its next check instead of lost.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { customHostnames } from '../db/schema';
import { apiBudget } from './api-budget';
import { customHostnamesApi, DUPLICATE_HOSTNAME, type CustomHostnamesApi } from './cloudflare-api';
import { CloudflareRefused } from './cloudflare-errors';
import { CLAIM_LIFETIME_MS, recheckDelay } from './schedule';
import { domainState, type CustomHostname } from './state';

export type DomainRow = typeof customHostnames.$inferSelect;

export interface Domains {
  db: Db;
  api: CustomHostnamesApi;
  /** The CNAME target customers point their hostname at. */
  target: string;
  now: () => number;
}

/** The deployment's custom domains, or null when it has no Cloudflare for SaaS configured. */
export function configuredDomains(env: Env, db: Db, now: () => number): Domains | null {
  const api = customHostnamesApi(env, apiBudget(env, db, now));
  if (api === null) return null;
  return { db, api, target: env.CUSTOM_HOSTNAME_TARGET ?? `customers.${env.RUNTIME_DOMAIN}`, now };
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** What Cloudflare is told of the hostname's owner: an operator finds the org and project in its dashboard. */
function metadataOf(row: Pick<DomainRow, 'orgId' | 'projectId'>): Record<string, string> {
  return { org_id: row.orgId, project_id: row.projectId };
}

/** The row of a new claim, before Cloudflare has been called. */
export function newClaim(hostname: string, orgId: string, projectId: string, now: number): typeof customHostnames.$inferInsert {
  return { hostname, orgId, projectId, status: 'pending_dns', checks: 0, nextCheckAt: iso(now), expiresAt: iso(now + CLAIM_LIFETIME_MS), createdAt: iso(now) };
}

/** Creates the hostname at Cloudflare, or finds it there when an earlier try already created it. */
async function createOrFind(domains: Domains, row: DomainRow): Promise<CustomHostname> {
  try {
    return await domains.api.create(row.hostname, metadataOf(row));
  } catch (error) {
    if (error instanceof CloudflareRefused && error.codes.includes(DUPLICATE_HOSTNAME)) {
      const found = await domains.api.findByHostname(row.hostname);
      if (found !== null) return found;
    }
    throw error;
  }
}

/** Reads the hostname at Cloudflare (creating it there if the row is not linked yet) and records its state. */
export async function refresh(domains: Domains, row: DomainRow): Promise<DomainRow> {
  const upstream = row.cloudflareId === null ? await createOrFind(domains, row) : await domains.api.get(row.cloudflareId);
  return recordState(domains, row, upstream);
}

async function recordState(domains: Domains, row: DomainRow, upstream: CustomHostname | null): Promise<DomainRow> {
  const now = domains.now();
  const state = domainState(row.hostname, upstream, domains.target);
  const checks = state.status === row.status ? row.checks + 1 : 0;
  const values = {
    cloudflareId: upstream?.id ?? row.cloudflareId,
    status: state.status,
    reasons: JSON.stringify(state.reasons),
    records: JSON.stringify(state.records),
    checkedAt: iso(now),
    checks,
    nextCheckAt: iso(now + recheckDelay(state.status, checks)),
    activatedAt: state.status === 'active' ? (row.activatedAt ?? iso(now)) : null,
    expiresAt: state.status === 'active' ? null : (row.expiresAt ?? iso(now + CLAIM_LIFETIME_MS)),
  };
  const updated = await domains.db.update(customHostnames).set(values).where(sameRow(row)).returning().get();
  // Removed while Cloudflare was asked: what was learnt is still the answer to this request.
  return updated ?? { ...row, ...values };
}

/** A later backoff step after a check Cloudflare refused, so one bad row does not take every run's budget. */
export async function postpone(domains: Domains, row: DomainRow): Promise<void> {
  const now = domains.now();
  await domains.db
    .update(customHostnames)
    .set({ checks: row.checks + 1, nextCheckAt: iso(now + recheckDelay(row.status, row.checks + 1)) })
    .where(sameRow(row));
}

/** Removes the hostname at Cloudflare, then its row: a failure at Cloudflare leaves both in place. */
export async function release(domains: Domains, row: DomainRow): Promise<void> {
  if (row.cloudflareId !== null) {
    await domains.api.remove(row.cloudflareId);
  } else {
    // A create that died before its id was recorded may have reached Cloudflare: remove that one too,
    // but only if Cloudflare says it is this row's.
    const found = await domains.api.findByHostname(row.hostname);
    if (found !== null && found.custom_metadata?.org_id === row.orgId) await domains.api.remove(found.id);
  }
  await domains.db.delete(customHostnames).where(sameRow(row));
}

function sameRow(row: Pick<DomainRow, 'hostname' | 'projectId'>) {
  return and(eq(customHostnames.hostname, row.hostname), eq(customHostnames.projectId, row.projectId));
}

export function isExpired(row: Pick<DomainRow, 'status' | 'expiresAt'>, now: number): boolean {
  return row.status !== 'active' && row.expiresAt !== null && Date.parse(row.expiresAt) <= now;
}
