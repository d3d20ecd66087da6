/**
 * The CLI's own pieces without a server: time specs for bulk replays, `--auth` specs, the config
 * file's mode and precedence, error output (paths, dependents, the fix), aligned tables, and that
 * every command takes --json and --help. The commands against a real `npm run dev` are in
 * cli.test.ts.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_API_URL, configPath, maskToken, resolveConfig, writeStoredConfig } from '../../cli/config';
import { CliError } from '../../cli/errors';
import { buildProgram, main } from '../../cli/main';
import { reportError, table } from '../../cli/output';
import { authSpec } from '../../cli/commands/input';
import { timeSpec } from '../../cli/commands/events-replay';
import { captured } from './helpers/cli-process';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hasp-cli-unit-'));
  dirs.push(dir);
  return dir;
}


afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('timeSpec', () => {
  const now = Date.parse('2026-12-01T12:00:00.000Z');
  it('reads durations before now and ISO times', () => {
    expect(timeSpec('2h', now)).toBe('2026-12-01T10:00:00.000Z');
    expect(timeSpec('30m', now)).toBe('2026-12-01T11:30:00.000Z');
    expect(timeSpec('7d', now)).toBe('2026-11-24T12:00:00.000Z');
    expect(timeSpec('45s', now)).toBe('2026-12-01T11:59:15.000Z');
    expect(timeSpec('2026-11-30T09:00:00Z', now)).toBe('2026-11-30T09:00:00.000Z');
  });
  it('refuses anything else, saying what it takes', () => {
    expect(() => timeSpec('yesterday', now)).toThrow(CliError);
    expect(() => timeSpec('2 hours', now)).toThrow(/not a time/);
  });
});

describe('authSpec', () => {
  it('maps the short forms to the API’s auth objects', () => {
    expect(authSpec('hmac')).toEqual({ method: 'hmac' });
    expect(authSpec('standard-webhooks')).toEqual({ method: 'hmac' });
    expect(authSpec('stripe')).toEqual({ method: 'hmac', preset: 'stripe' });
    expect(authSpec('header:X-Api-Key')).toEqual({ method: 'header', header: 'X-Api-Key' });
    expect(authSpec('bearer')).toEqual({ method: 'bearer' });
    expect(authSpec('none')).toEqual({ method: 'none' });
    expect(authSpec('{"method":"hmac","header":"X-Sig","prefix":"","algorithm":"sha256","encoding":"hex","signed_content":"body"}')).toMatchObject({ header: 'X-Sig' });
    expect(() => authSpec('{not json')).toThrow(CliError);
  });
});

describe('config', () => {
  it('writes the token file 0600 in a 0700 directory, even over a file that was readable by others', () => {
    const home = tempDir();
    const file = configPath({ XDG_CONFIG_HOME: home });
    expect(file).toBe(join(home, 'hasp', 'config.json'));
    mkdirSync(join(home, 'hasp'), { recursive: true });
    writeFileSync(file, '{}');
    chmodSync(file, 0o644);
    writeStoredConfig(file, { api_url: 'http://api.localhost:9999', api_token: 'hasp_unit_token_0123456789' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ api_url: 'http://api.localhost:9999', api_token: 'hasp_unit_token_0123456789' });

    const fresh = join(tempDir(), 'nested');
    writeStoredConfig(configPath({ XDG_CONFIG_HOME: fresh }), { api_token: 't' });
    expect(statSync(join(fresh, 'hasp')).mode & 0o777).toBe(0o700);
  });

  it('takes HASP_API_URL / HASP_API_TOKEN over the file, the file over the default', () => {
    const home = tempDir();
    writeStoredConfig(configPath({ XDG_CONFIG_HOME: home }), { api_url: 'https://api.example.test/', api_token: 'from_file_token_0123456789' });
    expect(resolveConfig({ XDG_CONFIG_HOME: home })).toMatchObject({ apiUrl: 'https://api.example.test', token: 'from_file_token_0123456789', tokenSource: 'config file' });
    expect(resolveConfig({ XDG_CONFIG_HOME: home, HASP_API_URL: 'http://api.localhost:8787/', HASP_API_TOKEN: 'from_env_token_0123456789' })).toMatchObject({
      apiUrl: 'http://api.localhost:8787',
      token: 'from_env_token_0123456789',
      tokenSource: 'HASP_API_TOKEN',
    });
    expect(resolveConfig({ XDG_CONFIG_HOME: tempDir() })).toMatchObject({ apiUrl: DEFAULT_API_URL, token: null, tokenSource: null });
  });

  it('masks a token to its prefix and last four characters', () => {
    const token = 'hasp_live_abcdefghijklmnop1234';
    expect(maskToken(token)).toBe('hasp_l…1234');
    expect(maskToken(token)).not.toContain('abcdefghijklmnop');
    expect(maskToken('short')).toBe('****');
  });
});

describe('output', () => {
  it('aligns table columns to their widest cell', () => {
    const out = captured('stdout');
    table(['SLUG', 'AUTH'], [['ehr-chart-updated', 'standard-webhooks'], ['gh', 'github']]);
    expect(out.text().split('\n')).toEqual(['SLUG               AUTH', 'ehr-chart-updated  standard-webhooks', 'gh                 github', '']);
  });

  it('reports a problem with every failing path, the dependents and the fix, and its exit code', () => {
    const err = captured('stderr');
    const code = reportError(
      new CliError('This webhook has dependents.', 'Detach it from the workflows first.', {
        status: 409,
        errors: [{ path: '/patient_id', message: 'must be string' }, { path: '', message: 'must have updated_fields' }],
        dependents: [{ id: 'wf_1', name: 'Chart sync', class: 'A' }],
      }),
      false,
    );
    expect(code).toBe(1);
    expect(err.text()).toContain('Error: This webhook has dependents.');
    expect(err.text()).toContain('/patient_id  must be string');
    expect(err.text()).toContain('(body)  must have updated_fields');
    expect(err.text()).toContain('wf_1  Chart sync  class A');
    expect(err.text()).toContain('Detach it from the workflows first.');
  });

  it('with --json also writes the problem to stdout as JSON', () => {
    const out = captured('stdout');
    captured('stderr');
    reportError(new CliError('Refused.', 'Run `hasp login`.', { status: 401, code: 'unauthorized' }), true);
    expect(JSON.parse(out.text())).toEqual({ error: { message: 'Refused.', hint: 'Run `hasp login`.', problem: { status: 401, code: 'unauthorized' } } });
  });
});

describe('the command tree', () => {
  const leaves = (command: Command): Command[] => (command.commands.length === 0 ? [command] : command.commands.flatMap(leaves));

  it('gives every command --json and a description', () => {
    const all = leaves(buildProgram({}));
    expect(all.map((c) => c.name()).sort()).toEqual(['add', 'check', 'completion', 'create', 'delete', 'list', 'list', 'login', 'logout', 'remove', 'replay', 'rotate-secret', 'send', 'show', 'show', 'tail', 'whoami']);
    for (const command of all) {
      expect(command.options.some((o) => o.long === '--json'), command.name()).toBe(true);
      expect(command.description().length, command.name()).toBeGreaterThan(10);
    }
  });

  it('exits 0 for --help, 2 for a usage error, and non-zero with the fix when no token is configured', async () => {
    captured('stdout');
    const err = captured('stderr');
    expect(await main(['node', 'hasp', 'webhooks', '--help'], {})).toBe(0);
    expect(await main(['node', 'hasp', 'webhooks', 'frobnicate'], {})).toBe(2);
    expect(await main(['node', 'hasp', 'webhooks', 'list'], { XDG_CONFIG_HOME: tempDir() })).toBe(1);
    expect(err.text()).toContain('No API token is configured.');
    expect(err.text()).toContain('hasp login --token');
  });
});
