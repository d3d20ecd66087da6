/**
 * Secrets are AES-256-GCM encrypted under a per-project data key wrapped by MASTER_KEY, bound to
 * the owning row; nothing in D1 holds a plaintext secret.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, importMasterKey, newWrappedDataKey, unwrapDataKey } from '../shared/secrets/keyring';
import { masterKeyFor } from '../shared/secrets/master-key';
import { createProject, createWebhook, newStandardSecret } from './helpers/fixtures';

describe('secrets at rest', () => {
  it('leaves no plaintext secret or API token in any D1 table', async () => {
    const project = await createProject();
    const secret = newStandardSecret();
    await createWebhook(project, { secrets: [{ value: secret }] });
    const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf%' ESCAPE '\\'").all<{ name: string }>();
    expect(tables.results.length).toBeGreaterThan(5);
    let dump = '';
    for (const { name } of tables.results) {
      const rows = await env.DB.prepare(`SELECT * FROM "${name}"`).all();
      dump += JSON.stringify(rows.results);
    }
    expect(dump).toContain(project.projectId);
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(secret.slice('whsec_'.length));
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
