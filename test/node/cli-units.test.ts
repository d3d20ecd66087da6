/**
 * The CLI's own pieces without a dev server: time specs for bulk replays, `--auth` specs, the config
 * file's mode and precedence, the API URL as people paste it, error output (paths, dependents, the
 * fix), aligned tables, numeric options checked before any request, what `tail -n` shows, replaying
 * a kept refusal, a draft shown with its alternative slugs, and that every command takes --json and
 * --help. Answers the commands need come from a local server answering as the control API does. The
 * commands against a real `npm run dev` are in cli.test.ts.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { checkApiUrl, trimApiUrl } from '../../cli/api-url';
import { DEFAULT_API_URL, configPath, maskToken, resolveConfig, writeStoredConfig } from '../../cli/config';
import { CliError } from '../../cli/errors';
import { buildProgram, main } from '../../cli/main';
import { reportError, table } from '../../cli/output';
import { authSpec } from '../../cli/commands/input';
import { timeSpec } from '../../cli/commands/events-replay';
import { describeItem, recentItems, type FeedItem } from '../../cli/commands/events-tail';
import cliPackage from '../../cli/package.json' with { type: 'json' };
import { captured, startFakeApi, until, useFakeApi } from './helpers/cli-process';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hasp-cli-unit-'));
  dirs.push(dir);
  return dir;
}

const TOKEN = 'hasp_unit_token_0123456789abcdef';
const api = useFakeApi();

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** `hasp …` in-process against the fake API, with a config directory of its own. */
function hasp(args: string[], env: Record<string, string> = {}): Promise<number> {
  return main(['node', 'hasp', ...args], { HASP_API_URL: api.url, HASP_API_TOKEN: TOKEN, XDG_CONFIG_HOME: tempDir(), NO_COLOR: '1', ...env });
}

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
    expect(all.map((c) => c.name()).sort()).toEqual(['ack', 'add', 'check', 'completion', 'create', 'delete', 'drift', 'ignore', 'list', 'list', 'list', 'login', 'logout', 'remove', 'replay', 'resolve', 'rotate-secret', 'send', 'show', 'show', 'show', 'tail', 'whoami']);
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

/** The CliError `call` throws. */
function refusalOf(call: () => unknown): CliError {
  try {
    call();
  } catch (err) {
    if (err instanceof CliError) return err;
    throw err;
  }
  throw new Error('expected a CliError');
}

describe('the API URL', () => {
  it('accepts the URL the dev banner prints, with /v1 and trailing slashes', () => {
    expect(trimApiUrl('http://api.localhost:8787/v1')).toBe('http://api.localhost:8787');
    expect(trimApiUrl('http://api.localhost:8787/v1/')).toBe('http://api.localhost:8787');
    expect(trimApiUrl('https://api.usehasp.run/')).toBe('https://api.usehasp.run');
    expect(resolveConfig({ XDG_CONFIG_HOME: tempDir(), HASP_API_URL: 'http://api.localhost:8787/v1' }).apiUrl).toBe('http://api.localhost:8787');
    expect(checkApiUrl('http://api.localhost:8787', 'HASP_API_URL')).toBe('http://api.localhost:8787');
    expect(checkApiUrl('https://api.usehasp.run', 'HASP_API_URL')).toBe('https://api.usehasp.run');
  });

  it('sends every request under one /v1 when HASP_API_URL ends in /v1', async () => {
    captured('stdout');
    api.answers.push({ status: 200, body: { data: [], has_more: false, next_cursor: null } });
    expect(await hasp(['webhooks', 'list'], { HASP_API_URL: `${api.url}/v1` })).toBe(0);
    expect(api.asked.map((r) => r.url)).toEqual(['/v1/webhooks?limit=100']);
  });

  it('refuses an org host, saying it is a webhook host and what the API URL is', async () => {
    const err = captured('stderr');
    expect(await hasp(['webhooks', 'list'], { HASP_API_URL: 'http://acme.localhost:8787' })).toBe(1);
    expect(err.text()).toContain('http://acme.localhost:8787 (from HASP_API_URL) is a webhook host');
    expect(err.text()).toContain('The API is http://api.localhost:8787/v1');
    const production = refusalOf(() => checkApiUrl('https://acme.usehasp.run', '--api-url'));
    expect(production.message).toBe('https://acme.usehasp.run (from --api-url) is a webhook host (where senders post events), not the control API.');
    expect(production.hint).toContain('The API is https://api.usehasp.run/v1');
    expect(() => checkApiUrl('http://console.localhost:8787', 'HASP_API_URL')).toThrow(/is the console, not the control API/);
  });

  it('says a string that is not a URL is not a URL, instead of asking whether npm run dev runs', async () => {
    const err = captured('stderr');
    expect(await hasp(['webhooks', 'list'], { HASP_API_URL: 'notaurl' })).toBe(1);
    expect(err.text()).toContain('The API URL "notaurl" (from HASP_API_URL) is not a URL.');
    expect(err.text()).not.toContain('npm run dev` running');
    expect(() => checkApiUrl('api.localhost:8787', 'HASP_API_URL')).toThrow(/not an http\(s\) URL/);
    expect(() => checkApiUrl('http://api.localhost:8787/v1/webhooks', 'HASP_API_URL')).toThrow(/has a path the API does not have/);
    expect(api.asked).toEqual([]);
  });

  it('blames a token refused at login on --token, stores nothing, and names neither the config file nor HASP_API_TOKEN', async () => {
    const err = captured('stderr');
    const home = tempDir();
    api.answers.push({ status: 401, body: { code: 'unauthorized', status: 401, detail: 'The API token is not valid.' } });
    expect(await hasp(['login', '--token', 'hasp_wrong_token_000000000000', '--api-url', `${api.url}/v1`], { XDG_CONFIG_HOME: home, HASP_API_TOKEN: '' })).toBe(1);
    expect(err.text()).toContain(`The token given with --token was refused by ${api.url}.`);
    expect(err.text()).toContain('Nothing was stored.');
    expect(err.text()).not.toContain('config file');
    expect(err.text()).not.toContain('config.json');
    expect(() => statSync(configPath({ XDG_CONFIG_HOME: home }))).toThrow();
  });
});

describe('numeric options', () => {
  it.each([
    [['events', 'tail', '--interval', 'abc'], '--interval'],
    [['events', 'tail', '--interval', '0'], '--interval'],
    [['events', 'tail', '--interval', '-5'], '--interval'],
    [['events', 'replay', '--since', '2h', '--interval', 'abc'], '--interval'],
    [['events', 'tail', '-n', '-5'], '--lines'],
    [['events', 'tail', '-n', 'abc'], '--lines'],
    [['events', 'tail', '-n', '1e3'], '--lines'],
    [['webhooks', 'rotate-secret', 'ehr-chart-updated', '--overlap', 'abc'], '--overlap'],
    [['webhooks', 'rotate-secret', 'ehr-chart-updated', '--overlap', '-1'], '--overlap'],
  ])('refuses %j as a usage error naming %s, before any request', async (args, flag) => {
    const err = captured('stderr');
    expect(await hasp(args)).toBe(2);
    expect(err.text()).toContain(flag);
    expect(err.text()).toMatch(/Give a whole number/);
    expect(api.asked).toEqual([]);
  });
});

function eventItem(cursor: number, id: string): FeedItem {
  return { cursor: String(cursor), kind: 'event', event: { kind: 'event', id, webhook_id: 'wh_1', status: 'dispatched', received_at: '2026-12-01T12:00:00.000Z', delivery_id: null, error: null, payload_state: 'kept', runs: [] } };
}
function refusalItem(cursor: number, id: string): FeedItem {
  return { cursor: String(cursor), kind: 'refusal', refusal: { id, webhook_id: 'wh_1', reason: 'bad-signature', http_status: 401, count: 1, detail: 'x', at: '2026-12-01T12:00:00.000Z', request_id: null } };
}

describe('a tail line', () => {
  it('says an event no workflow listened to was accepted, not dispatched, and names the runs of one that had them', () => {
    const unheard = describeItem(eventItem(1, 'evt_a'), new Map([['wh_1', 'lab-results']]));
    expect(unheard).toContain('evt_a  lab-results  accepted — no workflow listens');
    expect(unheard).not.toContain('dispatched');
    const heard = eventItem(2, 'evt_b');
    if (heard.kind === 'event') heard.event.runs = [{ id: 'run_1', workflow_id: 'wf_1', status: 'dispatched', created_at: '2026-12-01T12:00:00.000Z', dispatched_at: null }];
    expect(describeItem(heard, new Map())).toMatch(/evt_b {2}wh_1 {2}dispatched {2}run_1 dispatched$/);
  });
});

describe('tail -n', () => {
  const feed = [eventItem(1, 'evt_a'), eventItem(2, 'evt_b'), eventItem(3, 'evt_c'), eventItem(4, 'evt_b'), refusalItem(5, 'rej_1'), refusalItem(6, 'rej_2')];
  const ids = (items: FeedItem[]) => items.map((i) => (i.kind === 'event' ? i.event.id : i.refusal.id));

  it('counts what it shows: refusals at the end of the feed leave room for n events without --rejections', () => {
    expect(ids(recentItems(feed, 2, false))).toEqual(['evt_c', 'evt_b']);
    expect(ids(recentItems(feed, 2, true))).toEqual(['rej_1', 'rej_2']);
    expect(ids(recentItems(feed, 10, false))).toEqual(['evt_a', 'evt_c', 'evt_b']);
    expect(recentItems(feed, 0, true)).toEqual([]);
  });

  it('shows an event that changed several times once, as its latest change shows it', () => {
    const shown = recentItems(feed, 3, false);
    expect(shown.map((i) => i.cursor)).toEqual(['1', '3', '4']);
  });
});

describe('hasp events replay', () => {
  it('replays a kept refusal (req_…) through POST /v1/rejections/{id}/replay', async () => {
    const out = captured('stdout');
    api.answers.push({ status: 202, body: { event_id: 'evt_0123', status: 'accepted' } });
    expect(await hasp(['events', 'replay', 'req_0123'])).toBe(0);
    expect(api.asked).toEqual([{ method: 'POST', url: '/v1/rejections/req_0123/replay', body: '' }]);
    expect(out.text()).toContain('req_0123 passed the checks now and was accepted as evt_0123.');
  });

  it('says a kept refusal is still refused, with each failing path, when the schema still refuses it', async () => {
    captured('stdout');
    const err = captured('stderr');
    api.answers.push({ status: 400, body: { code: 'schema-mismatch', status: 400, detail: 'The payload does not match the schema.', errors: [{ path: '/patient_id', message: 'must be string' }] } });
    expect(await hasp(['events', 'replay', 'req_0123'])).toBe(1);
    expect(err.text()).toContain('req_0123 is still refused: The payload does not match the schema.');
    expect(err.text()).toContain('/patient_id  must be string');
    expect(err.text()).toContain('Change the schema');
  });

  it('refuses an id that is neither an event nor a kept request as a usage error, before any request', async () => {
    const err = captured('stderr');
    expect(await hasp(['events', 'replay', 'rej_0123'])).toBe(2);
    expect(err.text()).toContain('req_');
    expect(await hasp(['events', 'replay', 'chart'])).toBe(2);
    expect(err.text()).toContain('neither an event id (evt_…) nor a kept request id (req_…)');
    expect(api.asked).toEqual([]);
  });

  it('prints Started rpl_… on stderr at once when stdout is not a terminal, while the job still runs', async () => {
    captured('stdout');
    const err = captured('stderr');
    let finished = false;
    const job = (status: string) => ({ id: 'rpl_0123', status, filter: {}, scanned: 3, replayed: 3, skipped: 0, failed: 0, finished_at: null });
    const fake = await startFakeApi((request) => (request.method === 'POST' ? { status: 202, body: job('running') } : { status: 200, body: job(finished ? 'done' : 'running') }));
    try {
      const exit = main(['node', 'hasp', 'events', 'replay', '--since', '2h', '--interval', '100'], { HASP_API_URL: fake.url, HASP_API_TOKEN: TOKEN, XDG_CONFIG_HOME: tempDir() });
      await until(() => err.text().includes('Started rpl_0123'), 'Started on stderr');
      // Still following: the job has not finished, and the CLI has polled it.
      await until(() => fake.asked.some((r) => r.method === 'GET'), 'a poll of the job');
      finished = true;
      expect(await exit).toBe(0);
    } finally {
      await fake.close();
    }
  });
});

describe('hasp webhooks create --describe --dry-run', () => {
  const EHR = "Create a webhook so our EHR system can notify us when a patient's chart is updated.";
  const DRAFT = {
    name: 'EHR chart updated',
    slug: 'ehr-patient-chart-updated',
    alternatives: ['chart-updated', 'ehr-chart-events'],
    description: EHR,
    auth: { method: 'hmac' },
    sample_payload: null,
    schema: null,
    notes: ['"ehr-chart-updated" is taken in this org: "ehr-patient-chart-updated", the first free alternative, is proposed instead.'],
    warnings: [],
  };

  it('shows the draft with the other slugs that would fit, and creates nothing', async () => {
    const out = captured('stdout');
    api.answers.push({ status: 200, body: DRAFT });
    expect(await hasp(['webhooks', 'create', '--describe', EHR, '--dry-run'])).toBe(0);
    expect(api.asked.map((r) => [r.method, r.url])).toEqual([['POST', '/v1/webhooks/draft']]);
    expect(JSON.parse(api.asked[0]?.body ?? '')).toEqual({ description: EHR });
    expect(out.text()).toContain('Draft ehr-patient-chart-updated (nothing created)');
    expect(out.text()).toMatch(/Alternatives\s+chart-updated, ehr-chart-events/);
    expect(out.text()).toMatch(/Auth\s+standard-webhooks \(the default HMAC\)/);
    expect(out.text()).toContain('note: "ehr-chart-updated" is taken in this org');
    expect(out.text()).toContain('--slug chart-updated');
  });

  it('prints the draft as the API answered it with --json', async () => {
    const out = captured('stdout');
    api.answers.push({ status: 200, body: DRAFT });
    expect(await hasp(['webhooks', 'create', '--describe', EHR, '--dry-run', '--json'])).toBe(0);
    expect(JSON.parse(out.text())).toEqual(DRAFT);
  });

  it('refuses --dry-run without --describe as a usage error, before any request', async () => {
    const err = captured('stderr');
    expect(await hasp(['webhooks', 'create', '--name', 'Chart', '--dry-run'])).toBe(2);
    expect(err.text()).toContain('give --describe');
    expect(api.asked).toEqual([]);
  });
});

describe('help and version', () => {
  it('prints the version of the package it was installed from (cli/package.json)', async () => {
    const out = captured('stdout');
    expect(await hasp(['--version'])).toBe(0);
    expect(out.text().trim()).toBe(cliPackage.version);
  });

  it('names the seeded webhook (ehr-chart-updated) in its examples, never a bare chart-updated or npx hasp', async () => {
    const out = captured('stdout');
    const paths: string[][] = [];
    const walk = (command: Command, path: string[]) => {
      paths.push(path);
      for (const sub of command.commands) walk(sub, [...path, sub.name()]);
    };
    walk(buildProgram({}), []);
    for (const path of paths) expect(await hasp([...path, '--help']), path.join(' ')).toBe(0);
    expect(out.text()).toContain('hasp send ehr-chart-updated');
    expect(out.text()).toContain('--webhook ehr-chart-updated');
    expect(out.text()).not.toMatch(/(?<!ehr-)chart-updated/);
    expect(out.text()).not.toContain('npx hasp');
  });
});
