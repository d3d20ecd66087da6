/**
 * Secrets are AES-256-GCM encrypted under a per-project data key wrapped by MASTER_KEY, bound to
 * the owning row; nothing in D1 holds a plaintext secret.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, importMasterKey, newWrappedDataKey, unwrapDataKey } from '../shared/secrets/keyring';
import { masterKeyFor } from '../shared/secrets/master-key';
import { api, createWebhookViaApi } from './helpers/control-api';
import { CHART_SAMPLE, createProject, newStandardSecret } from './helpers/fixtures';
import { postSigned } from './helpers/send';

/** Every row of every table of ours in D1, as one text. */
async function dumpD1(): Promise<string> {
  const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf%' ESCAPE '\\'").all<{ name: string }>();
  expect(tables.results.length).toBeGreaterThan(5);
  let dump = '';
  for (const { name } of tables.results) {
    const rows = await env.DB.prepare(`SELECT * FROM "${name}"`).all();
    dump += JSON.stringify(rows.results);
  }
  return dump;
}

describe('secrets at rest', () => {
  it('leaves no plaintext secret or API token in D1 for secrets made through the control API', async () => {
    const project = await createProject();
    const supplied = newStandardSecret();
    const withSupplied = await createWebhookViaApi(project.token, { name: 'Supplied secret', secret: supplied, sample_payload: CHART_SAMPLE });
    const generated = await createWebhookViaApi(project.token, { name: 'Generated secret', sample_payload: CHART_SAMPLE });
    const rotated = newStandardSecret();
    const rotation = await api(project.token, 'POST', `/v1/webhooks/${generated.id}/rotate-secret`, { secret: rotated });
    expect(rotation.status).toBe(200);
    const header = await createWebhookViaApi(project.token, { name: 'Header token', auth: { method: 'header', header: 'X-Hasp-Token' } });
    const secrets = [supplied, generated.secret, rotated, header.secret].map((s) => s ?? '');
    for (const s of secrets) expect(s.length).toBeGreaterThan(15);

    // The stored secrets are the working ones, sealed: the edge decrypts them and verifies with them.
    expect((await postSigned(withSupplied.url, supplied, CHART_SAMPLE)).status).toBe(202);
    expect((await postSigned(generated.url, rotated, CHART_SAMPLE)).status).toBe(202);

    const dump = await dumpD1();
    expect(dump).toContain(project.projectId);
    expect(dump).toContain(withSupplied.id);
    for (const s of secrets) {
      expect(dump).not.toContain(s);
      if (s.startsWith('whsec_')) expect(dump).not.toContain(s.slice('whsec_'.length));
    }
    expect(dump).not.toContain(project.token);
  });

  it('refuses a ciphertext moved to another webhook row', async () => {
    const master = await masterKeyFor(env);
    const dataKey = await unwrapDataKey(master, 'prj_a', await newWrappedDataKey(master, 'prj_a'));
    const stored = await encryptSecret(dataKey, 'wh_a', 'sec_1', 'whsec_c2VjcmV0');
    expect(await decryptSecret(dataKey, 'wh_a', 'sec_1', stored)).toBe('whsec_c2VjcmV0');
    await expect(decryptSecret(dataKey, 'wh_b', 'sec_1', stored)).rejects.toThrow();
    await expect(decryptSecret(dataKey, 'wh_a', 'sec_2', stored)).rejects.toThrow();
  });

  it("refuses to unwrap a project's data key as another project's or under another master key", async () => {
    const master = await masterKeyFor(env);
    const wrapped = await newWrappedDataKey(master, 'prj_a');
    await expect(unwrapDataKey(master, 'prj_b', wrapped)).rejects.toThrow();
    const otherMaster = await importMasterKey(btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))));
    await expect(unwrapDataKey(otherMaster, 'prj_a', wrapped)).rejects.toThrow();
  });

  it('refuses a master key that is not 32 bytes', async () => {
    await expect(importMasterKey(btoa('short'))).rejects.toThrow(/32 bytes/);
    await expect(importMasterKey('')).rejects.toThrow(/MASTER_KEY/);
  });
});
