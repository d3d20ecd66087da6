import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// A fixed test master key: tests must never depend on .dev.vars, which a fresh clone lacks.
const TEST_MASTER_KEY = 'dGVzdC1tYXN0ZXIta2V5LTMyLWJ5dGVzLWxvbmchISE=';

export default defineConfig({
  test: {
    projects: [
      {
        // Everything that touches bindings runs in workerd against real D1, R2, Queues, Workflows.
        plugins: [
          cloudflareTest(async () => ({
            main: './workers/hasp/index.ts',
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                MASTER_KEY: TEST_MASTER_KEY,
                // Every request revalidates in the background, so tests see their own writes at once.
                CONFIG_TTL_SECONDS: '0',
                TEST_MIGRATIONS: await readD1Migrations(path.join(import.meta.dirname, 'd1-migrations')),
              },
            },
          })),
        ],
        test: {
          name: 'workers',
          include: ['test/**/*.test.ts'],
          exclude: ['test/node/**'],
          setupFiles: ['./test/helpers/apply-migrations.ts'],
          // Queue batches wait up to max_batch_timeout (1 s) and workflows start asynchronously.
          testTimeout: 20_000,
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
