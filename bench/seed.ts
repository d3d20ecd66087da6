/**
 * The seed of `npm run bench` (bench/run.mjs), applied to the bench's own persisted state
 * (bench/.tmp/state), never to `npm run dev`'s. Org `acme` (enterprise), project `default`, and:
 *
 * - `bench-hmac`: default HMAC (Standard Webhooks), schema inferred from the 1 KB chart payload;
 *   the accept, 401 (bad signature) and 400 (schema mismatch) scenarios use it. No workflow
 *   listens to it, so the queue consumer's work per accepted event stays small and constant.
 * - `bench-bundle`: default HMAC, schema inferred from a FHIR-like Bundle (64 KB and 512 KB).
 * - `bench-large`: default HMAC, the bundle's schema, and a body limit of 10 MiB, above the 5 MiB the
 *   control API lets a webhook be given (MAX_BODY_LIMIT_BYTES), so it is written here directly: the
 *   isolate's memory with 1, 5 and 10 MiB bodies (BENCH_LARGE_BODIES).
 * - `bench-bearer`: bearer token, schema of the 1 KB chart payload.
 * - `bench-fanout-{1,10,100,1000}`: default HMAC, each with that many workflows listening.
 *
 * Prints SQL for `wrangler d1 execute`. Reuses the service's crypto and inference, as
 * scripts/seed.ts does, so the seed cannot drift from what the Worker reads.
 *
 * Usage: MASTER_KEY=… tsx bench/seed.ts <api-token> <whsec-secret> <bearer-token>
 */
import { hashApiToken } from '../shared/control/api-token';
import { inferSchema } from '../shared/schema/infer';
import { encryptSecret, importMasterKey, newWrappedDataKey, unwrapDataKey } from '../shared/secrets/keyring';
import type { StoredSecret } from '../shared/secrets/stored-secret';
// @ts-expect-error: plain ESM shared with the bench runner, which Node runs without a build step.
import { chartPayload, fhirBundle } from './lib/payloads.mjs';

export const BENCH_SEED = {
  orgId: 'org_acme0000000000000000000',
  projectId: 'prj_default000000000000000',
  tokenId: 'tok_bench00000000000000000',
  fanOutSizes: [1, 10, 100, 1000],
  /** bench-large's body limit: 10 MiB, twice what the control API accepts. */
  largeBodyLimitBytes: 10 * 1_048_576,
};

const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;
const pad = (prefix: string, name: string) => `${prefix}_${name.replace(/[^a-z0-9]/g, '').padEnd(26, 'z').slice(0, 26)}`;

interface BenchWebhook {
  slug: string;
  auth: object;
  secret: string;
  schema: string;
  workflows: number;
  /** body_limit_bytes; the column's default when absent. */
  bodyLimitBytes?: number;
}

async function main(): Promise<void> {
  const [token, whsec, bearer] = process.argv.slice(2);
  const master = process.env.MASTER_KEY;
  if (!token || !whsec || !bearer || !master) throw new Error('usage: MASTER_KEY=… tsx bench/seed.ts <token> <whsec> <bearer>');
  const masterKey = await importMasterKey(master);
  const wrapped = await newWrappedDataKey(masterKey, BENCH_SEED.projectId);
  const dataKey = await unwrapDataKey(masterKey, BENCH_SEED.projectId, wrapped);

  const chartSchema = JSON.stringify(inferSchema([chartPayload(1024)]));
  const bundleSchema = JSON.stringify(inferSchema([fhirBundle(4096)]));
  const hooks: BenchWebhook[] = [
    { slug: 'bench-hmac', auth: { method: 'hmac' }, secret: whsec, schema: chartSchema, workflows: 0 },
    { slug: 'bench-bundle', auth: { method: 'hmac' }, secret: whsec, schema: bundleSchema, workflows: 0 },
    { slug: 'bench-large', auth: { method: 'hmac' }, secret: whsec, schema: bundleSchema, workflows: 0, bodyLimitBytes: BENCH_SEED.largeBodyLimitBytes },
    { slug: 'bench-bearer', auth: { method: 'bearer' }, secret: bearer, schema: chartSchema, workflows: 0 },
    ...BENCH_SEED.fanOutSizes.map((n) => ({ slug: `bench-fanout-${n}`, auth: { method: 'hmac' }, secret: whsec, schema: chartSchema, workflows: n })),
  ];

  const sql = [
    `INSERT INTO orgs (id, slug, plan) VALUES (${quote(BENCH_SEED.orgId)}, 'acme', 'enterprise') ON CONFLICT(id) DO UPDATE SET plan = 'enterprise';`,
    `INSERT INTO projects (id, org_id, slug, name, wrapped_data_key) VALUES (${quote(BENCH_SEED.projectId)}, ${quote(BENCH_SEED.orgId)}, 'default', 'Default', ${quote(wrapped)}) ON CONFLICT(id) DO UPDATE SET wrapped_data_key = excluded.wrapped_data_key;`,
    `INSERT INTO api_tokens (id, project_id, token_hash, name) VALUES (${quote(BENCH_SEED.tokenId)}, ${quote(BENCH_SEED.projectId)}, ${quote(await hashApiToken(token))}, 'bench') ON CONFLICT(id) DO UPDATE SET token_hash = excluded.token_hash;`,
  ];
  for (const hook of hooks) {
    const webhookId = pad('wh', hook.slug);
    const secretId = pad('sec', hook.slug);
    const stored: StoredSecret[] = [
      { id: secretId, ciphertext: await encryptSecret(dataKey, webhookId, secretId, hook.secret), created_at: new Date().toISOString(), expires_at: null },
    ];
    sql.push(
      hook.bodyLimitBytes === undefined
        ? `INSERT INTO webhooks (id, org_id, project_id, slug, name, auth, secrets, schema) VALUES (${quote(webhookId)}, ${quote(BENCH_SEED.orgId)}, ${quote(BENCH_SEED.projectId)}, ${quote(hook.slug)}, ${quote(hook.slug)}, ${quote(JSON.stringify(hook.auth))}, ${quote(JSON.stringify(stored))}, ${quote(hook.schema)}) ON CONFLICT(id) DO UPDATE SET secrets = excluded.secrets, auth = excluded.auth, schema = excluded.schema;`
        : `INSERT INTO webhooks (id, org_id, project_id, slug, name, auth, secrets, schema, body_limit_bytes) VALUES (${quote(webhookId)}, ${quote(BENCH_SEED.orgId)}, ${quote(BENCH_SEED.projectId)}, ${quote(hook.slug)}, ${quote(hook.slug)}, ${quote(JSON.stringify(hook.auth))}, ${quote(JSON.stringify(stored))}, ${quote(hook.schema)}, ${hook.bodyLimitBytes}) ON CONFLICT(id) DO UPDATE SET secrets = excluded.secrets, auth = excluded.auth, schema = excluded.schema, body_limit_bytes = excluded.body_limit_bytes;`,
    );
    const workflowIds = Array.from({ length: hook.workflows }, (_, i) => pad('wf', `${hook.slug.replace('bench-fanout-', 'bfo')}x${String(i).padStart(4, '0')}`));
    // Forty rows per statement keeps each one under D1's 100 KB statement limit.
    for (let i = 0; i < workflowIds.length; i += 40) {
      const part = workflowIds.slice(i, i + 40);
      sql.push(
        `INSERT INTO workflows (id, project_id, name, input_schema) VALUES ${part.map((id) => `(${quote(id)}, ${quote(BENCH_SEED.projectId)}, ${quote(`bench ${id}`)}, ${quote(hook.schema)})`).join(', ')} ON CONFLICT(id) DO NOTHING;`,
        `INSERT INTO triggers (workflow_id, webhook_id, class, mapping, position) VALUES ${part.map((id) => `(${quote(id)}, ${quote(webhookId)}, 'A', NULL, 0)`).join(', ')} ON CONFLICT DO NOTHING;`,
      );
    }
  }
  process.stdout.write(sql.join('\n') + '\n');
}

await main();
