// Binding types, declared once. `Cloudflare.Env` is what `cloudflare:test` and `cloudflare:workers` see.
import type { ProjectLog } from './shared/eventlog/project-log';
import type { EventMessage } from './shared/queue/event-message';
import type { RunMessage } from './shared/queue/run-message';

declare global {
  namespace Cloudflare {
    interface Env {
      DB: D1Database;
      PAYLOADS: R2Bucket;
      /** Each project's event log, one Durable Object per project id (shared/eventlog). */
      PROJECT_LOG: DurableObjectNamespace<ProjectLog>;
      EVENTS: Queue<EventMessage>;
      /** The workflow runtime's queue: one message per run (consumed by workers/runtime-standin in dev and tests). */
      RUNS: Queue<RunMessage>;
      /** base64 of 32 random bytes; wraps every project's data key. A Worker secret. */
      MASTER_KEY: string;
      RUNTIME_DOMAIN: string;
      LOCAL_HOST_SUFFIX: string;
      CONFIG_TTL_SECONDS: string;
      /** "dns" (production: DNS-over-HTTPS TXT lookup) or "offline" (local dev and tests). */
      DOMAIN_VERIFICATION: string;
    }
  }
  type Env = Cloudflare.Env;
}

export {};
