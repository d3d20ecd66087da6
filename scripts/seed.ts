/**
 * The local seed of the product contract (CONTRACT.md, "Local development"), applied on every `npm run dev`:
 * org `acme` (enterprise), project `default`, webhook `ehr-chart-updated` (default HMAC scheme,
 * schema inferred from the contract's sample) and one workflow listening to it.
 *
 * Prints SQL for `wrangler d1 execute`. Reuses the service's own crypto and inference so the seed
 * cannot drift from what the Worker reads. The project's data key is kept when it exists (other
 * webhooks' secrets are encrypted under it); the token and webhook secret are rewritten each start.
 *
 * Usage: tsx scripts/seed.ts <api-token> <webhook-secret> [existing wrapped data key]
 */
import { hashApiToken } from '../shared/control/api-token';
import { inferSchema } from '../shared/schema/infer';
import { encryptSecret, importMasterKey, newWrappedDataKey, unwrapDataKey } from '../shared/secrets/keyring';
import type { StoredSecret } from '../shared/secrets/stored-secret';

export const SEED = {
  orgId: 'org_acme0000000000000000000',
  projectId: 'prj_default000000000000000',
  webhookId: 'wh_ehrchartupdated000000000',
  workflowId: 'wf_ehrchartupdated000000000',
  tokenId: 'tok_devseed0000000000000000',
  secretId: 'sec_devseed0000000000000000',
  sample: { patient_id: 'p1', event: 'chart_updated', updated_fields: ['allergies'] },
};

const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;

async function main(): Promise<void> {
  const [token, secret, existingWrapped] = process.argv.slice(2);
  const master = process.env.MASTER_KEY;
  if (!token || !secret || !master) throw new Error('usage: MASTER_KEY=… tsx scripts/seed.ts <token> <secret> [wrapped key]');
  const masterKey = await importMasterKey(master);
  const wrapped = existingWrapped || (await newWrappedDataKey(masterKey, SEED.projectId));
  const dataKey = await unwrapDataKey(masterKey, SEED.projectId, wrapped);
  const stored: StoredSecret[] = [
    {
      id: SEED.secretId,
      ciphertext: await encryptSecret(dataKey, SEED.webhookId, SEED.secretId, secret),
      created_at: new Date().toISOString(),
      expires_at: null,
    },
  ];
  const schema = JSON.stringify(inferSchema([SEED.sample]));
  const auth = JSON.stringify({ method: 'hmac' });
  const sql = [
    `INSERT INTO orgs (id, slug, plan) VALUES (${quote(SEED.orgId)}, 'acme', 'enterprise') ON CONFLICT(id) DO UPDATE SET plan = 'enterprise';`,
    `INSERT INTO projects (id, org_id, slug, name, wrapped_data_key) VALUES (${quote(SEED.projectId)}, ${quote(SEED.orgId)}, 'default', 'Default', ${quote(wrapped)}) ON CONFLICT(id) DO NOTHING;`,
    `INSERT INTO api_tokens (id, project_id, token_hash, name) VALUES (${quote(SEED.tokenId)}, ${quote(SEED.projectId)}, ${quote(await hashApiToken(token))}, 'dev seed') ON CONFLICT(id) DO UPDATE SET token_hash = excluded.token_hash;`,
    `INSERT INTO webhooks (id, org_id, project_id, slug, name, auth, secrets, schema) VALUES (${quote(SEED.webhookId)}, ${quote(SEED.orgId)}, ${quote(SEED.projectId)}, 'ehr-chart-updated', 'EHR chart updated', ${quote(auth)}, ${quote(JSON.stringify(stored))}, ${quote(schema)}) ON CONFLICT(id) DO UPDATE SET secrets = excluded.secrets;`,
    `INSERT INTO workflows (id, project_id, name, input_schema) VALUES (${quote(SEED.workflowId)}, ${quote(SEED.projectId)}, 'Chart update follow-up', ${quote(schema)}) ON CONFLICT(id) DO NOTHING;`,
    `INSERT INTO triggers (workflow_id, webhook_id, class, mapping, position) VALUES (${quote(SEED.workflowId)}, ${quote(SEED.webhookId)}, 'A', NULL, 0) ON CONFLICT DO NOTHING;`,
  ];
  process.stdout.write(sql.join('\n') + '\n');
}

await main();
