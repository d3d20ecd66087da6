import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { build } from 'esbuild';
import { defineConfig } from 'vitest/config';
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from 'wrangler';

// A fixed test master key: tests must never depend on .dev.vars, which a fresh clone lacks.
const TEST_MASTER_KEY = 'dGVzdC1tYXN0ZXIta2V5LTMyLWJ5dGVzLWxvbmchISE=';

const STANDIN_CONFIG = path.join(import.meta.dirname, 'workers/runtime-standin/wrangler.toml');
/** The soak's stand-in: the same recorder, with every hand-over noted (test/soak/counting-standin.ts). */
const SOAK_STANDIN_CONFIG = path.join(import.meta.dirname, 'test/soak/standin.wrangler.toml');
/** The fake of Cloudflare's custom-hostnames API, which the service's CLOUDFLARE_API binding names. */
const CLOUDFLARE_FAKE_CONFIG = path.join(import.meta.dirname, 'workers/cloudflare-fake/wrangler.toml');

/**
 * A Worker of its own wrangler config as an auxiliary Worker, as `npm run dev` runs it beside the
 * service: its bindings (queue consumers, Durable Objects) come from that config, and it is named
 * as the config names it, so the service's bindings to it resolve by that name. The pool bundles
 * only the main Worker, so esbuild bundles this one.
 */
async function auxiliaryWorker(config: string) {
  const { workerOptions, main } = unstable_getMiniflareWorkerOptions(config);
  const { name } = unstable_readConfig({ config });
  if (main === undefined) throw new Error(`${config} names no main module`);
  if (name === undefined) throw new Error(`${config} names no Worker`);
  const bundle = await build({
    entryPoints: [main],
    bundle: true,
    format: 'esm',
    // As in workerd: no Node built-ins slip in. Neutral has no default mainFields, so they are named.
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    // The runtime's own modules stay imports; workerd provides them.
    external: ['cloudflare:*'],
    write: false,
    logLevel: 'warning',
  });
  const { modulesRules: _rules, ...options } = workerOptions;
  const contents = bundle.outputFiles[0]?.text;
  if (contents === undefined) throw new Error(`esbuild produced no bundle of ${config}`);
  return {
    ...options,
    name,
    modules: [{ type: 'ESModule' as const, path: path.join(path.dirname(main), 'index.mjs'), contents }],
  };
}

/**
 * The stand-in workflow runtime, whose queue consumers take the runs shards the service sends to,
 * as in dev.
 */
async function runtimeStandin(config = STANDIN_CONFIG) {
  const standin = await auxiliaryWorker(config);
  // The service's master key: the stand-in unwraps project data keys to seal what it records.
  return { ...standin, bindings: { ...standin.bindings, MASTER_KEY: TEST_MASTER_KEY } };
}

/** The stand-in's database id, so the test runner can read the receipts the stand-in writes. */
function standinDatabaseId(options: Awaited<ReturnType<typeof runtimeStandin>>): string {
  const binding = (options.d1Databases as Record<string, string | { id: string }> | undefined)?.RECEIPTS;
  const id = typeof binding === 'string' ? binding : binding?.id;
  if (id === undefined) throw new Error('the runtime stand-in binds no RECEIPTS database');
  return id;
}

export default defineConfig({
  test: {
    projects: [
      {
        // Everything that touches bindings runs in workerd against real D1, R2, Queues, Workflows.
        plugins: [
          cloudflareTest(async () => {
            const standin = await runtimeStandin();
            const cloudflareFake = await auxiliaryWorker(CLOUDFLARE_FAKE_CONFIG);
            return {
              main: './workers/hasp/index.ts',
              wrangler: { configPath: './wrangler.toml' },
              miniflare: {
                bindings: {
                  MASTER_KEY: TEST_MASTER_KEY,
                  // Every request revalidates in the background, so tests see their own writes at once.
                  CONFIG_TTL_SECONDS: '0',
                  // Production's: a JSON line per refusal (wrangler.toml turns it off for npm run dev).
                  REFUSAL_LOG_LINES: 'on',
                  TEST_MIGRATIONS: await readD1Migrations(path.join(import.meta.dirname, 'd1-migrations')),
                  RUNTIME_MIGRATIONS: await readD1Migrations(path.join(import.meta.dirname, 'workers/runtime-standin/migrations')),
                },
                // Test-only: the stand-in's own database, bound to the test runner too (same id, same
                // storage), so test/helpers/queue.ts reads what the stand-in received.
                d1Databases: { RUNTIME_RECEIPTS: standinDatabaseId(standin) },
                // The service's CLOUDFLARE_API (wrangler.toml) names the fake, which answers it here.
                workers: [standin, cloudflareFake],
              },
            };
          }),
        ],
        test: {
          name: 'workers',
          include: ['test/**/*.test.ts'],
          exclude: ['test/node/**', 'test/soak/**'],
          setupFiles: ['./test/helpers/apply-migrations.ts'],
          // Queue batches wait up to max_batch_timeout (1 s) and workflows start asynchronously.
          testTimeout: 20_000,
        },
      },
      {
        // The fault soak (test/soak): the service built from createHaspWorker with faulty bindings,
        // beside a stand-in runtime that notes every hand-over. Its own wrangler config gives the
        // consumers settings that reach the dead-letter queue in seconds.
        plugins: [
          cloudflareTest(async () => {
            const standin = await runtimeStandin(SOAK_STANDIN_CONFIG);
            return {
              main: './test/soak/faulty-worker.ts',
              wrangler: { configPath: './test/soak/wrangler.toml' },
              miniflare: {
                bindings: {
                  MASTER_KEY: TEST_MASTER_KEY,
                  TEST_MIGRATIONS: await readD1Migrations(path.join(import.meta.dirname, 'd1-migrations')),
                  RUNTIME_MIGRATIONS: await readD1Migrations(path.join(import.meta.dirname, 'workers/runtime-standin/migrations')),
                  // Overridable for a longer or a quicker soak; `npm test` and `npm run soak` run the 10,000.
                  SOAK_EVENTS: process.env.SOAK_EVENTS ?? '10000',
                  SOAK_BURST: process.env.SOAK_BURST ?? '1000',
                  SOAK_SEED: process.env.SOAK_SEED ?? 'hasp-soak-1',
                },
                d1Databases: { RUNTIME_RECEIPTS: standinDatabaseId(standin) },
                workers: [standin],
              },
            };
          }),
        ],
        test: {
          name: 'soak',
          include: ['test/soak/**/*.test.ts'],
          setupFiles: ['./test/helpers/apply-migrations.ts'],
          testTimeout: 600_000,
        },
      },
      {
        // Sender SDKs (stripe, twilio, …) load in Node; our schemes use only Web Crypto, so the
        // same modules are proven here against the senders' own code.
        test: {
          name: 'node',
          include: ['test/node/**/*.test.ts'],
          // dev-server.test.ts starts `npm run dev`; give it room on a busy machine.
          testTimeout: 60_000,
          hookTimeout: 120_000,
          environment: 'node',
        },
      },
    ],
  },
});
