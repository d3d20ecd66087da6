/**
 * `npm run provision -- --env production` (scripts/provision.mjs) against a stand-in for wrangler's
 * commands (test/node/fixtures/wrangler-standin.mjs), which records each command line and answers
 * from an account kept in a state file, on a copy of wrangler.toml in a temp dir. Last, the dry run
 * against the repository's own wrangler.toml with the real wrangler, which has no credentials here.
 */
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unstable_readConfig } from 'wrangler';

const PROVISION = join(process.cwd(), 'scripts', 'provision.mjs');
const STANDIN = join(process.cwd(), 'test', 'node', 'fixtures', 'wrangler-standin.mjs');
const MIGRATIONS = readdirSync(join(process.cwd(), 'd1-migrations'))
  .filter((name) => name.endsWith('.sql'))
  .sort();
const WORKER = 'hasp-webhooks-production';

/** Every queue [env.production] names: the events shards and their dead letters, the runs shards, replays, notifications, and the legacy pair still consumed. */
const QUEUES = ['hasp-events-0', 'hasp-events-0-dlq', 'hasp-events-1', 'hasp-events-1-dlq', 'hasp-runs-0', 'hasp-runs-1', 'hasp-replays', 'hasp-notifications', 'hasp-events', 'hasp-events-dlq'];

/** Commands that change the account. */
const MUTATING = /^(d1 create|d1 migrations apply|d1 delete|r2 bucket (create|delete)|queues (create|delete|update)|secret (put|delete|bulk)|deploy|delete)\b/;
/** The only commands a dry run may run. */
const LISTING = /^(d1 list|d1 migrations list|r2 bucket list|queues list|secret list)\b/;

interface Account {
  d1?: { uuid: string; name: string; applied: string[] }[];
  buckets?: string[];
  queues?: string[];
  workers?: Record<string, { secrets: Record<string, string> }>;
  /** Queues per page of `queues list`: small, so provision must read every page. */
  queuePageSize?: number;
  loggedOut?: boolean;
}

interface Sandbox {
  dir: string;
  config: string;
  state: string;
  log: string;
}

interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
}

interface ProvisionRun extends ScriptRun {
  /** The wrangler commands the run ran, without the --config and --env every one carries. */
  commands: string[];
}

/** Runs scripts/provision.mjs with `env` over this process's (an undefined value unsets a variable), stdin closed as in CI. */
function runProvision(args: string[], env: Record<string, string | undefined>, cwd?: string): Promise<ScriptRun> {
  const merged: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...env };
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [PROVISION, ...args], { env: merged as NodeJS.ProcessEnv, cwd, encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
    child.stdin?.end();
  });
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** A temp dir holding a copy of wrangler.toml and its D1 migrations, and an account in a state file. */
function sandbox(account: Account): Sandbox {
  const dir = tempDir('hasp-provision-');
  const box = { dir, config: join(dir, 'wrangler.toml'), state: join(dir, 'account.json'), log: join(dir, 'commands.log') };
  copyFileSync('wrangler.toml', box.config);
  cpSync('d1-migrations', join(dir, 'd1-migrations'), { recursive: true });
  writeFileSync(box.state, JSON.stringify({ queuePageSize: 4, ...account }));
  return box;
}

async function provision(box: Sandbox, ...args: string[]): Promise<ProvisionRun> {
  writeFileSync(box.log, '');
  const run = await runProvision(['--env', 'production', '--config', box.config, ...args], { HASP_WRANGLER: STANDIN, HASP_WRANGLER_STATE: box.state, HASP_WRANGLER_LOG: box.log }, box.dir);
  const commands = readFileSync(box.log, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/ --config \S+/, '').replace(/ --env production/, ''));
  return { ...run, commands };
}

function accountOf(box: Sandbox): Required<Pick<Account, 'd1' | 'buckets' | 'queues' | 'workers'>> {
  return JSON.parse(readFileSync(box.state, 'utf8')) as Required<Pick<Account, 'd1' | 'buckets' | 'queues' | 'workers'>>;
}

interface ReadIds {
  d1: (string | undefined)[];
  namespaceIds: string[];
}

/** The ids of an environment of the config (the top level without one), as wrangler reads them. */
function idsIn(config: string, env?: string): ReadIds {
  const previous = process.env.WRANGLER_LOG;
  // Reading the production env warns about the dev-only vars it leaves out on purpose.
  process.env.WRANGLER_LOG = 'error';
  try {
    const read = unstable_readConfig({ config, env });
    const databases = read.d1_databases as { database_id?: string }[];
    const limits = read.ratelimits as { namespace_id: string }[];
    return { d1: databases.map((db) => db.database_id), namespaceIds: limits.map((r) => r.namespace_id) };
  } finally {
    if (previous === undefined) delete process.env.WRANGLER_LOG;
    else process.env.WRANGLER_LOG = previous;
  }
}

/** What `wrangler secret put MASTER_KEY --env production` leaves in the account. */
function putMasterKey(box: Sandbox, value: string): void {
  const account = accountOf(box);
  account.workers = { ...account.workers, [WORKER]: { secrets: { MASTER_KEY: value } } };
  writeFileSync(box.state, JSON.stringify(account));
}

// Each run starts wrangler, or its stand-in, a score of times, and those that read the config load
// wrangler's reader: on a machine busy with the rest of `npm test`, two runs take tens of seconds.
describe('npm run provision -- --env production', { timeout: 180_000 }, () => {
  it('creates everything on a fresh account, writes the ids into the config, applies the migrations, and reports the missing MASTER_KEY', async () => {
    const box = sandbox({});
    const original = readFileSync(box.config, 'utf8');
    const run = await provision(box);

    expect(run.code, run.stdout + run.stderr).toBe(1);
    const mutating = run.commands.filter((c) => MUTATING.test(c));
    expect([...mutating].sort()).toEqual(
      ['d1 create hasp', 'r2 bucket create hasp-payloads', ...QUEUES.map((q) => `queues create ${q}`), 'd1 migrations apply hasp --remote'].sort(),
    );
    // Applied once the database exists and its id is written where wrangler reads it.
    expect(mutating.indexOf('d1 migrations apply hasp --remote')).toBeGreaterThan(mutating.indexOf('d1 create hasp'));

    const account = accountOf(box);
    expect(account.d1.map((db) => db.name)).toEqual(['hasp']);
    expect(account.d1[0]?.applied).toEqual(MIGRATIONS);
    expect([...account.queues].sort()).toEqual([...QUEUES].sort());
    expect(account.buckets).toEqual(['hasp-payloads']);

    const production = idsIn(box.config, 'production');
    expect(production.d1).toEqual([account.d1[0]?.uuid]);
    expect(production.namespaceIds).toHaveLength(12);
    for (const id of production.namespaceIds) expect(id).toMatch(/^\d+$/);
    // Unique in the file: none repeats another of production's or the local config's.
    const local = idsIn(box.config).namespaceIds;
    expect(new Set([...production.namespaceIds, ...local]).size).toBe(production.namespaceIds.length + local.length);
    // Edited as text: every comment and line stays, only the ids' lines changed.
    const lines = readFileSync(box.config, 'utf8').split('\n');
    const before = original.split('\n');
    expect(lines).toHaveLength(before.length);
    const changed = lines.filter((line, i) => line !== before[i]);
    expect(changed).toHaveLength(13);
    for (const line of changed) expect(line).toMatch(/^(database_id|namespace_id) = "[0-9a-f-]+"$/);

    expect(run.stdout).toContain('✗ secret MASTER_KEY is not set');
    expect(run.stdout).toContain('openssl rand -base64 32 | npx wrangler secret put MASTER_KEY --env production');
    expect(run.stdout).toContain('applied by the deploy itself');
    expect(run.stdout).toContain('SAAS_ZONE_ID');
  });

  it('a second run creates nothing, changes nothing and says there is nothing to do, printing no secret', async () => {
    const box = sandbox({});
    expect((await provision(box)).code).toBe(1);
    const secret = 'bXktbWFzdGVyLWtleS1tdXN0LW5ldmVyLWJlLXByaW50ZWQ=';
    putMasterKey(box, secret);
    const config = readFileSync(box.config, 'utf8');
    const account = readFileSync(box.state, 'utf8');

    const again = await provision(box);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.commands.filter((c) => MUTATING.test(c))).toEqual([]);
    expect(again.stdout).toContain('Nothing to do');
    expect(again.stdout).toContain('✓ secret MASTER_KEY is set');
    expect(again.stdout + again.stderr).not.toContain(secret);
    expect(readFileSync(box.config, 'utf8')).toBe(config);
    expect(readFileSync(box.state, 'utf8')).toBe(account);
  });

  it('--dry-run prints the plan and runs only listing commands', async () => {
    const box = sandbox({});
    const config = readFileSync(box.config, 'utf8');
    const account = readFileSync(box.state, 'utf8');
    const run = await provision(box, '--dry-run');

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.commands.length).toBeGreaterThan(0);
    for (const command of run.commands) expect(command).toMatch(LISTING);
    expect(run.stdout).toContain('+ would create D1 database hasp');
    expect(run.stdout).toContain('+ would create R2 bucket hasp-payloads');
    for (const queue of QUEUES) expect(run.stdout).toContain(`+ would create queue ${queue} (wrangler queues create ${queue} --env production`);
    expect(run.stdout).toContain(`would apply the ${MIGRATIONS.length} D1 migrations`);
    expect(run.stdout).toContain('✗ secret MASTER_KEY is not set');
    expect(run.stdout).toContain('nothing was changed');
    expect(readFileSync(box.config, 'utf8')).toBe(config);
    expect(readFileSync(box.state, 'utf8')).toBe(account);
  });

  it('--dry-run of a partly provisioned account plans only what is missing', async () => {
    const uuid = randomUUID();
    const box = sandbox({
      d1: [{ uuid, name: 'hasp', applied: MIGRATIONS.slice(0, 2) }],
      buckets: ['hasp-payloads'],
      queues: QUEUES.filter((q) => q !== 'hasp-events-1-dlq'),
    });
    writeFileSync(box.config, readFileSync(box.config, 'utf8').replace('database_id = "replace-with-production-d1-id"', `database_id = "${uuid}"`));

    const run = await provision(box, '--dry-run');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    for (const command of run.commands) expect(command).toMatch(LISTING);
    expect(run.stdout).toContain(`✓ D1 database hasp exists (${uuid})`);
    expect(run.stdout).toContain('✓ R2 bucket hasp-payloads exists');
    expect(run.stdout).toContain('+ would create queue hasp-events-1-dlq');
    expect(run.stdout).toContain('✓ queue hasp-events-0-dlq exists');
    expect(run.stdout).toContain(`would apply ${MIGRATIONS.length - 2} D1 migrations to hasp: ${MIGRATIONS.slice(2).join(', ')}`);
    expect(run.stdout).toContain(`Dry run: would create 1 resource, write 12 ids and apply ${MIGRATIONS.length - 2} D1 migrations; nothing was changed.`);
  });

  it('stops before any change when wrangler cannot list the account, saying how to log in', async () => {
    const box = sandbox({ loggedOut: true });
    const config = readFileSync(box.config, 'utf8');
    const run = await provision(box);
    expect(run.code).toBe(1);
    expect(run.commands.filter((c) => MUTATING.test(c))).toEqual([]);
    expect(run.stdout).toContain('Could not list');
    expect(run.stdout).toContain('npx wrangler login');
    expect(readFileSync(box.config, 'utf8')).toBe(config);
  });

  it('stops before any change when the config names a D1 id the account does not have', async () => {
    const box = sandbox({});
    const config = readFileSync(box.config, 'utf8').replace('database_id = "replace-with-production-d1-id"', 'database_id = "4b1a5a8e-0000-4000-8000-00000000dead"');
    writeFileSync(box.config, config);
    const run = await provision(box);
    expect(run.code).toBe(1);
    expect(run.commands.filter((c) => MUTATING.test(c))).toEqual([]);
    expect(run.stdout).toContain('the account has no database of that name');
    expect(readFileSync(box.config, 'utf8')).toBe(config);
  });

  it("--dry-run against the repository's wrangler.toml, with the real wrangler and no credentials, prints the plan and exits 0", async () => {
    const config = readFileSync('wrangler.toml', 'utf8');
    const home = tempDir('hasp-provision-home-');
    const run = await runProvision(['--env', 'production', '--dry-run'], {
      HASP_WRANGLER: undefined,
      CLOUDFLARE_API_TOKEN: undefined,
      CLOUDFLARE_API_KEY: undefined,
      CLOUDFLARE_EMAIL: undefined,
      CLOUDFLARE_ACCOUNT_ID: undefined,
      // No login of this machine's user either: wrangler keeps its OAuth token under the config home.
      XDG_CONFIG_HOME: home,
      WRANGLER_SEND_METRICS: 'false',
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('? could not list D1 databases');
    expect(run.stdout).toContain('+ would create D1 database hasp');
    for (const queue of QUEUES) expect(run.stdout).toContain(`+ would create queue ${queue}`);
    expect(run.stdout).toContain('would apply the');
    expect(run.stdout).toContain('MASTER_KEY');
    expect(run.stdout).toContain('Dry run: would create 12 resources');
    expect(readFileSync('wrangler.toml', 'utf8')).toBe(config);
  });
});
