// Bindings of the soak's test runner only (the `soak` project in vitest.config.mts).
declare global {
  namespace Cloudflare {
    interface Env {
      /** Events the fault soak sends (default 10000). */
      SOAK_EVENTS?: string;
      /** Requests in the queue-outage soak's burst (default 1000). */
      SOAK_BURST?: string;
      /** The seed of the fault draws (test/soak/faults.ts). */
      SOAK_SEED?: string;
    }
  }
}

export {};
