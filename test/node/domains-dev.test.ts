/**
 * Enterprise custom hostnames through `npm run dev`, driven by `hasp domains` as a customer would:
 * add `api.acme-health.com` (the seeded org `acme` is enterprise) and read the DNS records to create,
 * see the seeded webhook refuse a signed event on that host while it is not active, check it until
 * Cloudflare (here the local fake, in which a hostname is active after two reads) has it active,
 * then see the same event accepted there and its run recorded by the stand-in runtime; remove it and
 * see the host refuse again. The CLI runs as a child process (`node cli/bin.mjs`, what `npx hasp` runs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainView } from '../../shared/domains/view';
import { runHasp, type CliRun } from './helpers/cli-process';
import { http, runsRecordedByStandin, signedHeaders, startDevServer, type DevServer } from './helpers/dev-server';

const PORT = Number(process.env.HASP_TEST_DOMAINS_DEV_PORT ?? 8808);
const INSPECTOR_PORT = Number(process.env.HASP_TEST_DOMAINS_INSPECTOR_PORT ?? 9248);
const TOKEN = 'hasp_test_domains_dev_token_0123456789ab';
const SECRET = 'whsec_ZG9tYWlucy1kZXYtdGVzdC1zZWNyZXQtMDEyMzQ1';
const HOSTNAME = 'api.acme-health.com';
const SEEDED = 'ehr-chart-updated';
const CHART = JSON.stringify({ patient_id: 'p1', event: 'chart_updated', updated_fields: ['allergies'] });

let server: DevServer;
let config: string;

function hasp(...args: string[]): Promise<CliRun> {
  return runHasp(args, { HASP_API_URL: `http://api.localhost:${PORT}`, HASP_API_TOKEN: TOKEN, XDG_CONFIG_HOME: config });
}

async function domainJson(...args: string[]): Promise<DomainView> {
  const run = await hasp('domains', ...args, '--json');
  if (run.code !== 0) throw new Error(`hasp domains ${args.join(' ')} exited ${run.code}: ${run.stdout} ${run.stderr}`);
  return JSON.parse(run.stdout) as DomainView;
}

/** The seeded webhook's event, signed with its secret, sent to the custom hostname. */
function sendToCustomHost() {
  return http(PORT, HOSTNAME, 'POST', `/webhooks/${SEEDED}`, signedHeaders(SECRET, 'msg_domains_dev_1', CHART), CHART);
}

beforeAll(async () => {
  config = mkdtempSync(join(tmpdir(), 'hasp-domains-config-'));
  server = await startDevServer({ port: PORT, token: TOKEN, secret: SECRET, args: ['--inspector-port', String(INSPECTOR_PORT)] });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (config) rmSync(config, { recursive: true, force: true });
});

describe('hasp domains, through npm run dev', () => {
  it('adds a hostname, routes webhooks there once active, and stops when it is removed', { timeout: 180_000 }, async () => {
    const added = await hasp('domains', 'add', HOSTNAME);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(new RegExp(`CNAME\\s+${HOSTNAME.replaceAll('.', '\\.')}\\s+customers\\.usehasp\\.run\\s+routing`));
    expect(added.stdout).toMatch(new RegExp(`TXT\\s+_cf-custom-hostname\\.${HOSTNAME.replaceAll('.', '\\.')}\\s+\\S+\\s+ownership`));
    expect(added.stdout).toMatch(new RegExp(`TXT\\s+_acme-challenge\\.${HOSTNAME.replaceAll('.', '\\.')}\\s+\\S+\\s+certificate`));
    expect(added.stdout).toContain('Waiting for DNS');

    const refused = await sendToCustomHost();
    expect(refused.status, refused.text).toBe(404);

    const seen: string[] = [];
    for (let i = 0; i < 5 && !seen.includes('active'); i++) {
      const checked = await hasp('domains', 'check', HOSTNAME);
      expect(checked.code, checked.stderr).toBe(0);
      seen.push(/^Status\s+(\S+)/m.exec(checked.stdout)?.[1] ?? checked.stdout);
    }
    expect(seen.at(-1)).toBe('active');
    expect(seen).toContain('validating_certificate');

    const list = await hasp('domains', 'list');
    expect(list.stdout).toMatch(new RegExp(`^${HOSTNAME.replaceAll('.', '\\.')}\\s+active\\s`, 'm'));
    const shown = await domainJson('show', HOSTNAME);
    expect(shown).toMatchObject({ hostname: HOSTNAME, status: 'active', reasons: [] });
    expect(shown.activated_at).not.toBeNull();
    expect((await hasp('domains', 'show', HOSTNAME)).stdout).toContain(`Active: webhooks are served at https://${HOSTNAME}/webhooks/`);

    const accepted = await sendToCustomHost();
    expect(accepted.status, accepted.text).toBe(202);
    const eventId = (JSON.parse(accepted.text) as { event_id: string }).event_id;
    expect(await runsRecordedByStandin(server.state, eventId, 1)).toHaveLength(1);

    const removed = await hasp('domains', 'remove', HOSTNAME, '--yes');
    expect(removed.code, removed.stderr).toBe(0);
    const gone = await sendToCustomHost();
    expect(gone.status, gone.text).toBe(404);
    const missing = await hasp('domains', 'show', HOSTNAME);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`No custom hostname ${HOSTNAME} in this project.`);
  });

  it('refuses an address as a hostname with the server’s reason', async () => {
    const run = await hasp('domains', 'add', '10.0.0.1');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('"10.0.0.1" cannot be a custom hostname.');
    expect(run.stderr).toMatch(/\/hostname\s+10\.0\.0\.1 is an IP address/);
    expect((await hasp('domains', 'list', '--json')).stdout.trim()).toBe('[]');
  });
});
