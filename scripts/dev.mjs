#!/usr/bin/env node
// `npm run dev`: everything on http://localhost:8787 with local D1, Queues and R2,
// migrations applied and the contract's seed in place. Safe to run again: state persists in
// .wrangler/state, the master key in .dev.vars, and generated dev credentials in .wrangler/dev-seed.json.
//
// One `wrangler dev` runs three Workers: the service (wrangler.toml, the primary, served on the port),
// the stand-in workflow runtime (workers/runtime-standin), which consumes every runs shard, and the
// fake of Cloudflare's custom-hostnames API (workers/cloudflare-fake), which the service's
// CLOUDFLARE_API binding reaches. They must share a process: a queue's messages do not cross from one
// `wrangler dev` to another, and a service binding finds its Worker by name in the same process.
// Only the service is served on the port; the fake's state (one Durable Object per zone) persists
// beside the rest.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

// `npm run dev -- --port 8790` (or `--port=8790`) wins over PORT: the port is ours to pass to
// wrangler, which refuses two `--port` values, and the printed addresses must name the one served.
const { port: portArg, rest: wranglerArgs } = takePortArg(process.argv.slice(2));
const PORT = portArg ?? process.env.PORT ?? '8787';
// HASP_DEV_STATE moves local D1/Queues/R2 state elsewhere (tests run beside a dev server).
const STATE = process.env.HASP_DEV_STATE;
// Always explicit: each config would otherwise default to a .wrangler/state beside itself, and the
// stand-in's database must be migrated where `wrangler dev` will read it.
const persist = ['--persist-to', STATE ?? '.wrangler/state'];
const SERVICE_CONFIG = 'wrangler.toml';
const STANDIN_CONFIG = 'workers/runtime-standin/wrangler.toml';
const CLOUDFLARE_FAKE_CONFIG = 'workers/cloudflare-fake/wrangler.toml';
const seedFile = STATE ? `${STATE}/dev-seed.json` : '.wrangler/dev-seed.json';
const wrangler = ['node_modules/.bin/wrangler'];
const quiet = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' };

/** Splits `--port N` / `--port=N` out of the arguments passed on to `wrangler dev`. */
function takePortArg(args) {
  const rest = [];
  let port;
  for (let i = 0; i < args.length; i++) {
    const inline = /^--port=(.*)$/.exec(args[i]);
    if (inline) port = inline[1];
    else if (args[i] === '--port' && i + 1 < args.length) port = args[++i];
    else rest.push(args[i]);
  }
  if (port !== undefined && !/^\d{1,5}$/.test(port)) {
    console.error(`--port takes a port number, not "${port}".`);
    process.exit(2);
  }
  return { port, rest };
}

function devVars() {
  if (!existsSync('.dev.vars')) {
    // A fresh master key per checkout; .dev.vars is git-ignored and never committed.
    writeFileSync('.dev.vars', `MASTER_KEY=${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    console.log('Created .dev.vars with a new MASTER_KEY.');
  }
  const match = /^MASTER_KEY=(.+)$/m.exec(readFileSync('.dev.vars', 'utf8'));
  if (!match) throw new Error('.dev.vars has no MASTER_KEY line');
  return match[1].trim();
}

/**
 * The stand-in runtime seals what it records under project data keys, so it needs the same
 * MASTER_KEY. `wrangler dev` gives a second config only the .dev.vars beside it (--var reaches the
 * first config alone), so the key is copied there, git-ignored like the first.
 */
function standinDevVars(masterKey) {
  const file = 'workers/runtime-standin/.dev.vars';
  const line = `MASTER_KEY=${masterKey}\n`;
  if (!existsSync(file) || readFileSync(file, 'utf8') !== line) writeFileSync(file, line, { mode: 0o600 });
}

function d1(args, config = SERVICE_CONFIG) {
  // Set-up output is parsed (--json): a WRANGLER_LOG=debug meant for `wrangler dev` would prefix it.
  const env = { ...quiet, WRANGLER_LOG: 'log' };
  return execFileSync(wrangler[0], ['d1', ...args, '--local', '--config', config, ...persist], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

function devCredentials() {
  mkdirSync(STATE ?? '.wrangler', { recursive: true });
  const file = seedFile;
  const kept = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const creds = {
    token: process.env.HASP_DEV_API_TOKEN || kept.token || `hasp_${randomBytes(24).toString('base64url')}`,
    secret: process.env.HASP_DEV_WEBHOOK_SECRET || kept.secret || `whsec_${randomBytes(32).toString('base64')}`,
  };
  if (!creds.secret.startsWith('whsec_')) throw new Error('HASP_DEV_WEBHOOK_SECRET must be a whsec_… secret');
  writeFileSync(file, JSON.stringify(creds, null, 2), { mode: 0o600 });
  return creds;
}

/** A value the developer chose is not echoed; a generated one is shown so it can be used. */
function shown(value, variable) {
  return process.env[variable] ? `(from ${variable})` : value;
}

const masterKey = devVars();
standinDevVars(masterKey);
d1(['migrations', 'apply', 'hasp']);
d1(['migrations', 'apply', 'hasp-runtime-standin'], STANDIN_CONFIG);
const existing = JSON.parse(d1(['execute', 'hasp', '--json', '--command', "SELECT wrapped_data_key FROM projects WHERE id = 'prj_default000000000000000'"]));
const wrapped = existing?.[0]?.results?.[0]?.wrapped_data_key ?? '';
const creds = devCredentials();
const sql = execFileSync('node_modules/.bin/tsx', ['scripts/seed.ts', creds.token, creds.secret, wrapped], {
  env: { ...process.env, MASTER_KEY: masterKey },
  encoding: 'utf8',
});
const sqlFile = `${STATE ?? '.wrangler'}/seed.sql`;
writeFileSync(sqlFile, sql);
d1(['execute', 'hasp', '--file', sqlFile]);

console.log(`
HASP webhooks, local:  http://localhost:${PORT}
  ingress:  http://acme.localhost:${PORT}/webhooks/ehr-chart-updated   (or Host: acme.usehasp.run)
  control:  http://api.localhost:${PORT}/v1                             (or Host: api.usehasp.run)
  console:  http://console.localhost:${PORT}                            (sign in with the API token below)
  runs:     recorded by the stand-in runtime (workers/runtime-standin) in its own local D1,
            wrangler d1 execute hasp-runtime-standin --local -c ${STANDIN_CONFIG}${STATE ? ` --persist-to ${STATE}` : ''} --command 'SELECT run_id, event_id FROM runtime_receipts'
  API token (project default):          ${shown(creds.token, 'HASP_DEV_API_TOKEN')}
  webhook secret (ehr-chart-updated):   ${shown(creds.secret, 'HASP_DEV_WEBHOOK_SECRET')}
`);

const configs = ['--config', SERVICE_CONFIG, '--config', STANDIN_CONFIG, '--config', CLOUDFLARE_FAKE_CONFIG];
const dev = spawn(wrangler[0], ['dev', ...configs, '--port', PORT, '--ip', '127.0.0.1', ...persist, ...wranglerArgs], { env: quiet, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => dev.kill(signal));
dev.on('exit', (code) => process.exit(code ?? 0));
