/**
 * `hasp` as a developer installs it, outside the clone: the bundle built (`npm run build:cli`),
 * packed (`npm pack` in cli/), the tarball installed into an empty directory with no registry to
 * ask, and the installed bin run against a real `npm run dev` — its --version is cli/package.json's,
 * and a test event to the seeded webhook is accepted (202).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHasp } from './helpers/cli-process';
import { startDevServer, type DevServer } from './helpers/dev-server';

const PORT = Number(process.env.HASP_TEST_CLI_PACKAGE_DEV_PORT ?? 8809);
const INSPECTOR_PORT = Number(process.env.HASP_TEST_CLI_PACKAGE_INSPECTOR_PORT ?? 9249);
const TOKEN = 'hasp_test_cli_package_token_0123456789';
const SECRET = 'whsec_Y2xpLXBhY2thZ2UtdGVzdC1zZWNyZXQtMDEyMzQ1Njc4OQ==';
const CLI_DIR = join(process.cwd(), 'cli');
const { version } = JSON.parse(readFileSync(join(CLI_DIR, 'package.json'), 'utf8')) as { version: string };

let server: DevServer;
let scratch: string;
let installed: string;

/** Runs `command` in `cwd`; rejects with its output when it fails. */
function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(command, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) =>
      err === null ? resolve(stdout) : reject(new Error(`${command} ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`)),
    ),
  );
}

interface Packed {
  filename: string;
  size: number;
  files: { path: string }[];
}

let packed: Packed;

beforeAll(async () => {
  scratch = realpathSync(mkdtempSync(join(tmpdir(), 'hasp-cli-package-')));
  server = await startDevServer({ port: PORT, token: TOKEN, secret: SECRET, args: ['--inspector-port', String(INSPECTOR_PORT)] });
  await run('npm', ['run', 'build:cli'], process.cwd());
  const [pack] = JSON.parse(await run('npm', ['pack', '--json', '--pack-destination', scratch], CLI_DIR)) as Packed[];
  if (pack === undefined) throw new Error('npm pack described no tarball');
  packed = pack;
  installed = join(scratch, 'app');
  mkdirSync(installed);
  // Offline, with an empty cache: the install succeeds only if the package needs nothing from a registry.
  await run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', join(scratch, packed.filename)], installed, {
    npm_config_offline: 'true',
    npm_config_cache: join(scratch, 'npm-cache'),
    npm_config_update_notifier: 'false',
  });
}, 240_000);

afterAll(async () => {
  await server?.stop();
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

describe('the hasp package', () => {
  it('holds the bundle and its licences only, and installs with no dependencies', () => {
    expect(packed.files.map((f) => f.path).sort()).toEqual(['dist/THIRD-PARTY-LICENSES.txt', 'dist/hasp.mjs', 'package.json']);
    expect(readdirSync(join(installed, 'node_modules')).filter((name) => !name.startsWith('.'))).toEqual(['@hasp']);
    const manifest = JSON.parse(readFileSync(join(installed, 'node_modules', '@hasp', 'cli', 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.engines).toEqual({ node: '>=20' });
    expect(JSON.stringify(manifest.scripts ?? {})).not.toMatch(/install/);
  });

  it('prints the package’s version', async () => {
    const shown = await runHasp(['--version'], {}, undefined, { command: [join(installed, 'node_modules', '.bin', 'hasp')], cwd: installed });
    expect(shown).toMatchObject({ code: 0, stdout: `${version}\n` });
  }, 30_000);

  it('sends a test event to the seeded webhook through npm run dev: 202', async () => {
    const config = mkdtempSync(join(scratch, 'config-'));
    // The API URL as the dev banner prints it, /v1 and all.
    const env = { HASP_API_URL: `http://api.localhost:${PORT}/v1`, HASP_API_TOKEN: TOKEN, XDG_CONFIG_HOME: config };
    const sent = await runHasp(['send', 'ehr-chart-updated'], env, undefined, { command: [join(installed, 'node_modules', '.bin', 'hasp')], cwd: installed });
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toMatch(/^202\s+evt_/);
  }, 60_000);
});
