#!/usr/bin/env node
// `npm run provision -- --env production [--dry-run] [--config wrangler.toml]`: makes the Cloudflare
// account wrangler is logged in to hold everything the environment binds, so `npm run deploy` can
// succeed (README, "Deploy to your Cloudflare account"). What it runs and why: scripts/provision/run.mjs.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { provision } from './provision/run.mjs';
import { createWrangler, wranglerProgram } from './provision/wrangler.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `Usage: npm run provision -- --env <environment> [--dry-run] [--config <wrangler.toml>]

Creates what the environment of the wrangler config binds and the account lacks (D1, R2, queues),
writes the ids back into the config, applies the D1 migrations and checks the secrets.
  --env       the environment to provision (production)
  --dry-run   print the plan; run only wrangler's listing commands
  --config    the wrangler config (default: wrangler.toml of this repository)`;

function parse(argv) {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        env: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    return values;
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

const args = parse(process.argv.slice(2));
if ('error' in args) {
  console.error(`${args.error}\n\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
if (args.env === undefined || args.env === '') {
  // The top level is the local config (fake ids, the Cloudflare fake): nothing to create for it.
  console.error(`Say which environment to provision: npm run provision -- --env production\n\n${USAGE}`);
  process.exit(2);
}

const configPath = path.resolve(args.config ?? path.join(REPO_ROOT, 'wrangler.toml'));
const wrangler = createWrangler({ program: wranglerProgram(REPO_ROOT), cwd: path.dirname(configPath) });
process.exitCode = await provision({ configPath, env: args.env, dryRun: args['dry-run'] === true, wrangler });
