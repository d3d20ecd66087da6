import type { D1Migration } from 'cloudflare:test';

// Bindings of the test runner only (vitest.config.mts), beside the service's own (../env.d.ts).
declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** The stand-in runtime's migrations (workers/runtime-standin/migrations). */
      RUNTIME_MIGRATIONS: D1Migration[];
      /** The stand-in runtime's own database: what it received from the runs queue. */
      RUNTIME_RECEIPTS: D1Database;
    }
  }
}
