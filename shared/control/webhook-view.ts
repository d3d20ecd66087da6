/**
 * The one resource view of a webhook, shared by every webhook response: URLs (runtime host and the
 * org's verified custom hostnames), the public auth view (never a secret; `none` carries its
 * warning), the schema, the active secrets' ids and expiry, and `dependents`, the workflows that
 * handle its requests (its reverse dependencies, read from the triggers index).
 */
import { parseStoredThresholds, thresholdsOf, thresholdsView } from '../health/thresholds';
import { senderHealth } from '../health/watch';
import { safeErrorText } from '../http/safe-error';
import { and, eq } from 'drizzle-orm';
import * as v from 'valibot';
import type { Db } from '../db/client';
import { inJsonArray } from '../db/json-rows';
import { customHostnames, triggers, webhooks, workflows } from '../db/schema';
import { AuthConfigSchema, type AuthConfig } from '../signatures/auth-config';
import { describeAuth } from '../signatures/public-auth';
import type { Caller } from './context';
import type { Dependent, RateLimit, WebhookView } from './responses';
import { activeSecretsView } from './webhook-secrets';

export type { Dependent, WebhookView } from './responses';

export type WebhookRow = typeof webhooks.$inferSelect;

/** Where this caller reaches org hosts: `http://acme.localhost:8787` in dev, else the runtime domain. */
export interface HostBase {
  runtimeOrigin: string;
  customHosts: readonly string[];
  /** Open and acknowledged issues per webhook id; null when sender health could not be read. */
  openIssues: Readonly<Record<string, number>> | null;
}

/** The project's open issues per webhook, or null (logged) when its health object does not answer: a view shows "unknown", not 0. */
export async function openIssueCounts(env: Pick<Env, 'SENDER_HEALTH'>, projectId: string): Promise<Record<string, number> | null> {
  try {
    return await senderHealth(env, projectId).openIssueCounts();
  } catch (error) {
    console.error('open issue counts unavailable', safeErrorText(error));
    return null;
  }
}

export function parseAuth(row: Pick<WebhookRow, 'auth'>): AuthConfig {
  return v.parse(AuthConfigSchema, JSON.parse(row.auth));
}

/**
 * The org host origin as the caller addresses it. A control request to `api.localhost:8787` gets
 * `http://{org}.localhost:8787`, so URLs in dev responses work when pasted.
 */
export function runtimeOrigin(requestUrl: string, env: Pick<Env, 'RUNTIME_DOMAIN' | 'LOCAL_HOST_SUFFIX'>, orgSlug: string): string {
  const url = new URL(requestUrl);
  if (env.LOCAL_HOST_SUFFIX && url.hostname === `api.${env.LOCAL_HOST_SUFFIX}`) {
    return `${url.protocol}//${orgSlug}.${env.LOCAL_HOST_SUFFIX}${url.port ? `:${url.port}` : ''}`;
  }
  return `https://${orgSlug}.${env.RUNTIME_DOMAIN}`;
}

/** The org's custom hostnames that route at the edge: active at Cloudflare, of an enterprise org. */
export async function activeHostnames(db: Db, caller: Caller): Promise<string[]> {
  if (caller.plan !== 'enterprise') return [];
  const rows = await db
    .select({ hostname: customHostnames.hostname })
    .from(customHostnames)
    .where(and(eq(customHostnames.orgId, caller.orgId), eq(customHostnames.status, 'active')))
    .orderBy(customHostnames.hostname)
    .all();
  return rows.map((r) => r.hostname);
}

/** The workflows listening to each of `webhookIds`, by webhook id. */
export async function dependentsOf(db: Db, webhookIds: readonly string[]): Promise<Map<string, Dependent[]>> {
  const byWebhook = new Map<string, Dependent[]>(webhookIds.map((id) => [id, []]));
  const rows = await db
    .select({ webhookId: triggers.webhookId, id: workflows.id, name: workflows.name, enabled: workflows.enabled, class: triggers.class })
    .from(triggers)
    .innerJoin(workflows, eq(workflows.id, triggers.workflowId))
    .where(inJsonArray(triggers.webhookId, webhookIds))
    .orderBy(workflows.createdAt, workflows.id)
    .all();
  for (const { webhookId, ...dependent } of rows) byWebhook.get(webhookId)?.push(dependent);
  return byWebhook;
}

/** Typed by the shape its clients import (./responses.ts): a field added here must be added there. */
export function webhookView(row: WebhookRow, base: HostBase, dependents: Dependent[], now: number): WebhookView {
  const path = `/webhooks/${row.slug}`;
  const secrets = activeSecretsView(row.secrets, now);
  const auth = parseAuth(row);
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    url: `${base.runtimeOrigin}${path}`,
    urls: base.customHosts.map((host) => `https://${host}${path}`),
    enabled: row.enabled,
    auth: describeAuth(auth),
    /** True when requests cannot verify yet: the sender-issued secret was never added. */
    awaiting_secret: auth.method !== 'none' && secrets.length === 0,
    secrets,
    schema: JSON.parse(row.schema) as unknown,
    body_limit_bytes: row.bodyLimitBytes,
    payload_retention_days: row.payloadRetentionDays,
    metadata_retention_days: row.metadataRetentionDays,
    rate_limit: rateLimitView(row),
    ip_allowlist: v.parse(v.array(v.string()), JSON.parse(row.ipAllowlist)),
    health_thresholds: thresholdsView(thresholdsOf(parseStoredThresholds(row.healthThresholds))),
    open_issues: base.openIssues === null ? null : (base.openIssues[row.id] ?? 0),
    dependents,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

/** `{ requests, period_seconds }`, or null when the webhook has no limit (both columns null). */
function rateLimitView(row: Pick<WebhookRow, 'rateLimitRequests' | 'rateLimitPeriodSeconds'>): RateLimit | null {
  if (row.rateLimitRequests === null || row.rateLimitPeriodSeconds === null) return null;
  return { requests: row.rateLimitRequests, period_seconds: row.rateLimitPeriodSeconds };
}
