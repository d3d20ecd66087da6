/**
 * What the ingress needs to answer a request for one webhook, loaded from D1 once and compiled:
 * secrets decrypted and imported as keys, the JSON Schema compiled to a validator, the project's
 * data key kept (it seals a claim-checked payload). Instances live in the isolate cache keyed by
 * org and webhook slug; plaintext secrets and data keys never leave this isolate.
 */
import { and, eq, sql } from 'drizzle-orm';
import * as v from 'valibot';
import type { Db } from '../db/client';
import { asPrefixedId, type PrefixedId } from '../ids';
import { customHostnames, orgs, projects, webhooks } from '../db/schema';
import { compileValidator, type Validator } from '../schema';
import { checkEnforceable } from '../schema/json-schema';
import { decryptSecret, unwrapDataKey } from '../secrets/keyring';
import { parseStoredSecrets } from '../secrets/stored-secret';
import { AuthConfigSchema, type AuthConfig } from '../signatures/auth-config';
import { createVerifier } from '../signatures';
import type { ActiveSecret, Verifier } from '../signatures/types';
import type { HostTarget } from './host';
import { IpAllowlist } from './ip-allowlist';
import { rungOf, type RateLimitPeriod, type RateLimitRung } from './rate-limit';

/** An org as one host sees it, with the slugs of its webhooks so unknown slugs cost no query. */
export interface OrgDirectory {
  orgId: string;
  orgSlug: string;
  slugs: ReadonlySet<string>;
}

export interface WebhookRuntime {
  id: PrefixedId<'wh'>;
  slug: string;
  orgSlug: string;
  projectId: string;
  enabled: boolean;
  bodyLimitBytes: number;
  /** Days a refusal's row is kept in the project's log (the webhook's metadata_retention_days). */
  metadataRetentionDays: number;
  /** Days a payload is kept (the webhook's payload_retention_days); bounds a kept refused request too. */
  payloadRetentionDays: number;
  /** The project's data key, non-extractable: seals payloads too large to travel inline. */
  dataKey: CryptoKey;
  authMethod: AuthConfig['method'];
  verifier: Verifier;
  validator: Validator;
  /** Checked before the body is read; null allows any address. */
  ipAllowlist: IpAllowlist | null;
  /** Counted after authentication; null: no limit. */
  rateLimit: RateLimitRung | null;
}

/** The org behind a runtime host or a custom hostname of an enterprise org that Cloudflare has active. */
export async function loadOrgDirectory(db: Db, target: HostTarget): Promise<OrgDirectory | null> {
  // Spelled out: drizzle leaves columns of a single-table select unqualified, which inside this
  // subquery would bind `id` to webhooks instead of orgs.
  const slugs = sql<string>`(select json_group_array(w.slug) from webhooks w where w.org_id = "orgs"."id")`;
  let row: { orgId: string; orgSlug: string; slugs: string } | undefined;
  if (target.kind === 'org') {
    row = await db
      .select({ orgId: orgs.id, orgSlug: orgs.slug, slugs })
      .from(orgs)
      .where(eq(orgs.slug, target.orgSlug))
      .get();
  } else if (target.kind === 'custom') {
    row = await db
      .select({ orgId: orgs.id, orgSlug: orgs.slug, slugs })
      .from(customHostnames)
      .innerJoin(orgs, eq(orgs.id, customHostnames.orgId))
      .where(and(eq(customHostnames.hostname, target.hostname), eq(customHostnames.status, 'active'), eq(orgs.plan, 'enterprise')))
      .get();
  }
  if (!row) return null;
  return { orgId: row.orgId, orgSlug: row.orgSlug, slugs: new Set(v.parse(v.array(v.string()), JSON.parse(row.slugs))) };
}

/** Loads and compiles one webhook; null when the org has no webhook with this slug. */
export async function loadWebhookRuntime(
  db: Db,
  masterKey: CryptoKey,
  org: OrgDirectory,
  slug: string,
): Promise<WebhookRuntime | null> {
  const row = await db
    .select({
      id: webhooks.id,
      slug: webhooks.slug,
      projectId: webhooks.projectId,
      auth: webhooks.auth,
      secrets: webhooks.secrets,
      schema: webhooks.schema,
      enabled: webhooks.enabled,
      bodyLimitBytes: webhooks.bodyLimitBytes,
      metadataRetentionDays: webhooks.metadataRetentionDays,
      payloadRetentionDays: webhooks.payloadRetentionDays,
      rateLimitRequests: webhooks.rateLimitRequests,
      rateLimitPeriodSeconds: webhooks.rateLimitPeriodSeconds,
      ipAllowlist: webhooks.ipAllowlist,
      wrappedDataKey: projects.wrappedDataKey,
    })
    .from(webhooks)
    .innerJoin(projects, eq(projects.id, webhooks.projectId))
    .where(and(eq(webhooks.orgId, org.orgId), eq(webhooks.slug, slug)))
    .get();
  if (!row) return null;

  const auth = v.parse(AuthConfigSchema, JSON.parse(row.auth));
  const dataKey = await unwrapDataKey(masterKey, row.projectId, row.wrappedDataKey);
  const secrets: ActiveSecret[] = await Promise.all(
    parseStoredSecrets(row.secrets).map(async (stored) => ({
      value: await decryptSecret(dataKey, row.id, stored.id, stored.ciphertext),
      expiresAt: stored.expires_at === null ? null : Date.parse(stored.expires_at),
    })),
  );
  const schema = checkEnforceable(JSON.parse(row.schema));
  if (!schema.ok) throw new Error(`stored schema of ${row.id} is not enforceable`);

  return {
    id: asPrefixedId('wh', row.id),
    slug: row.slug,
    orgSlug: org.orgSlug,
    projectId: row.projectId,
    enabled: row.enabled,
    bodyLimitBytes: row.bodyLimitBytes,
    metadataRetentionDays: row.metadataRetentionDays,
    payloadRetentionDays: row.payloadRetentionDays,
    dataKey,
    authMethod: auth.method,
    verifier: await createVerifier(auth, secrets),
    validator: compileValidator(schema.schema),
    ipAllowlist: IpAllowlist.compile(v.parse(v.array(v.string()), JSON.parse(row.ipAllowlist))),
    rateLimit: storedRateLimit(row.id, row.rateLimitRequests, row.rateLimitPeriodSeconds),
  };
}

/**
 * The rung a stored limit names. Every stored limit was an offered rung when it was written; one
 * no longer offered is logged and not enforced rather than made to fail every request.
 */
function storedRateLimit(webhookId: string, requests: number | null, periodSeconds: number | null): RateLimitRung | null {
  if (requests === null || periodSeconds === null) return null;
  const rung = rungOf({ requests, period_seconds: periodSeconds as RateLimitPeriod });
  if (rung === null) console.error('stored rate limit is not offered', webhookId, requests, periodSeconds);
  return rung;
}
