/**
 * Builds tenants straight into D1 with the service's own crypto, for tests that exercise the edge
 * and the fan-out without going through the control API.
 */
import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { hashApiToken, newApiToken } from '../../shared/control/api-token';
import { createDb } from '../../shared/db/client';
import type { DomainStatus } from '../../shared/domains/state';
import { apiTokens, customHostnames, orgs, projects, triggers, webhooks, workflows } from '../../shared/db/schema';
import { randomId } from '../../shared/ids';
import { queueShardCount, shardOf } from '../../shared/queue/shards';
import { encryptSecret, newWrappedDataKey, unwrapDataKey } from '../../shared/secrets/keyring';
import { masterKeyFor } from '../../shared/secrets/master-key';
import type { StoredSecret } from '../../shared/secrets/stored-secret';

/** The contract's seed sample and the schema inferred from it. */
export const CHART_SAMPLE = { patient_id: 'p1', event: 'chart_updated', updated_fields: ['allergies'] };
export const CHART_SCHEMA = {
  type: 'object',
  properties: {
    patient_id: { type: 'string' },
    event: { type: 'string' },
    updated_fields: { type: 'array', items: { type: 'string' } },
  },
  required: ['patient_id', 'event', 'updated_fields'],
};

export interface TestProject {
  orgId: string;
  orgSlug: string;
  projectId: string;
  token: string;
}

let counter = 0;
/** A slug no other test in this file has used: storage is shared within a test file. */
export function uniqueSlug(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}-${crypto.randomUUID().slice(0, 6)}`;
}

/**
 * A project in an org of its own (or `orgSlug`'s). With `shard`, its id is drawn until it hashes to
 * that queue shard under the test env's QUEUE_SHARDS (shared/queue/shards.ts): a test can then put
 * projects on different shards, or a soak spread its tenants over them.
 */
export async function createProject(opts: { orgSlug?: string; plan?: 'free' | 'team' | 'enterprise'; shard?: number } = {}): Promise<TestProject> {
  const db = createDb(env.DB);
  const orgSlug = opts.orgSlug ?? uniqueSlug('org');
  const orgId = randomId('org');
  const projectId = projectIdOnShard(opts.shard);
  const token = newApiToken();
  await db.insert(orgs).values({ id: orgId, slug: orgSlug, plan: opts.plan ?? 'enterprise' });
  await db.insert(projects).values({
    id: projectId,
    orgId,
    slug: 'default',
    name: 'Default',
    wrappedDataKey: await newWrappedDataKey(await masterKeyFor(env), projectId),
  });
  await db.insert(apiTokens).values({ id: randomId('tok'), projectId, tokenHash: await hashApiToken(token), name: 'test' });
  return { orgId, orgSlug, projectId, token };
}

function projectIdOnShard(shard: number | undefined): string {
  const shards = queueShardCount(env);
  if (shard !== undefined && !(Number.isInteger(shard) && shard >= 0 && shard < shards)) throw new RangeError(`no shard ${shard} among ${shards}`);
  for (;;) {
    const id = randomId('prj');
    if (shard === undefined || shardOf(id, shards) === shard) return id;
  }
}

export interface WebhookSpec {
  slug?: string;
  auth?: Record<string, unknown>;
  secrets?: { value: string; expiresAt?: string | null }[];
  schema?: Record<string, unknown>;
  enabled?: boolean;
  bodyLimitBytes?: number;
  /** Default: the column defaults (30 and 90 days). */
  payloadRetentionDays?: number;
  metadataRetentionDays?: number;
}

export interface TestWebhook {
  id: string;
  slug: string;
  secret: string;
}

export async function createWebhook(project: TestProject, spec: WebhookSpec = {}): Promise<TestWebhook> {
  const db = createDb(env.DB);
  const id = randomId('wh');
  const slug = spec.slug ?? uniqueSlug('hook');
  const secrets = spec.secrets ?? [{ value: newStandardSecret() }];
  const dataKey = await dataKeyOf(project);
  const stored: StoredSecret[] = await Promise.all(
    secrets.map(async (s, i) => {
      const secretId = `sec_${i}`;
      return {
        id: secretId,
        ciphertext: await encryptSecret(dataKey, id, secretId, s.value),
        created_at: new Date().toISOString(),
        expires_at: s.expiresAt ?? null,
      };
    }),
  );
  await db.insert(webhooks).values({
    id,
    orgId: project.orgId,
    projectId: project.projectId,
    slug,
    name: slug,
    auth: JSON.stringify(spec.auth ?? { method: 'hmac' }),
    secrets: JSON.stringify(stored),
    schema: JSON.stringify(spec.schema ?? CHART_SCHEMA),
    enabled: spec.enabled ?? true,
    bodyLimitBytes: spec.bodyLimitBytes ?? 1_048_576,
    ...(spec.payloadRetentionDays === undefined ? {} : { payloadRetentionDays: spec.payloadRetentionDays }),
    ...(spec.metadataRetentionDays === undefined ? {} : { metadataRetentionDays: spec.metadataRetentionDays }),
  });
  return { id, slug, secret: secrets[0]?.value ?? '' };
}

/** The project's data key, unwrapped with the test MASTER_KEY: what seals its payloads at rest. */
export async function dataKeyOf(project: Pick<TestProject, 'projectId'>): Promise<CryptoKey> {
  const row = await createDb(env.DB).select({ wrapped: projects.wrappedDataKey }).from(projects).where(eq(projects.id, project.projectId)).get();
  if (!row) throw new Error(`project ${project.projectId} missing`);
  return unwrapDataKey(await masterKeyFor(env), project.projectId, row.wrapped);
}

/** A workflow listening to the given webhooks (Class A unless a mapping is given). */
export async function createWorkflow(
  project: TestProject,
  webhookIds: readonly string[],
  opts: { enabled?: boolean; mapping?: Record<string, string> } = {},
): Promise<string> {
  const db = createDb(env.DB);
  const id = randomId('wf');
  await db.insert(workflows).values({ id, projectId: project.projectId, name: id, inputSchema: JSON.stringify(CHART_SCHEMA), enabled: opts.enabled ?? true });
  for (const [position, webhookId] of webhookIds.entries()) {
    await db.insert(triggers).values({
      workflowId: id,
      webhookId,
      class: opts.mapping ? 'B' : 'A',
      mapping: opts.mapping ? JSON.stringify(opts.mapping) : null,
      position,
    });
  }
  return id;
}

/** Many Class A workflows on one webhook, inserted in D1-sized batches. */
export async function createWorkflows(project: TestProject, webhookId: string, count: number): Promise<string[]> {
  const db = createDb(env.DB);
  const ids = Array.from({ length: count }, () => randomId('wf'));
  const schema = JSON.stringify(CHART_SCHEMA);
  for (let i = 0; i < ids.length; i += 20) {
    const part = ids.slice(i, i + 20);
    await db.batch([
      db.insert(workflows).values(part.map((id) => ({ id, projectId: project.projectId, name: id, inputSchema: schema }))),
      db.insert(triggers).values(part.map((workflowId) => ({ workflowId, webhookId, class: 'A' as const, mapping: null, position: 0 }))),
    ]);
  }
  return ids;
}

/** A custom hostname row as a check at Cloudflare would leave it; only `active` routes at the edge. */
export async function addCustomHostname(project: TestProject, hostname: string, status: DomainStatus): Promise<void> {
  await createDb(env.DB).insert(customHostnames).values({ hostname, orgId: project.orgId, projectId: project.projectId, status });
}

/** A Standard Webhooks secret: whsec_ + base64 of 32 random bytes. */
export function newStandardSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}
