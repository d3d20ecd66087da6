// Binding types, declared once. `Cloudflare.Env` is what `cloudflare:test` and `cloudflare:workers` see.
import type { LogIndex } from './shared/eventlog/index-partition';
import type { ProjectLog } from './shared/eventlog/project-log';
import type { LogSegment } from './shared/eventlog/segment';
import type { SenderHealth } from './shared/health/sender-health';
import type { NotificationMessage } from './shared/notify/message';
import type { ReplayPageMessage } from './shared/replay/message';
import type { QueueShardBindings } from './shared/queue/shards';

declare global {
  namespace Cloudflare {
    /**
     * `QUEUE_SHARDS` and the shards' producer bindings, `EVENTS_{i}` (events shard i) and `RUNS_{i}`
     * (runs shard i, the workflow runtime's), come from QueueShardBindings (shared/queue/shards.ts).
     */
    interface Env extends QueueShardBindings {
      DB: D1Database;
      PAYLOADS: R2Bucket;
      /** Each project's log object: its segments' directory, its audit trail, segment 0 (shared/eventlog/README.md). */
      PROJECT_LOG: DurableObjectNamespace<ProjectLog>;
      /** The segments of every project's log, named `{project}/segment/{n}`. */
      LOG_SEGMENTS: DurableObjectNamespace<LogSegment>;
      /** The id index partitions of every project's log, named `{project}/index/{p}`. */
      LOG_INDEX: DurableObjectNamespace<LogIndex>;
      /** Each project's sender health, named by project id: issues, their evidence, schema drift (shared/health). */
      SENDER_HEALTH: DurableObjectNamespace<SenderHealth>;
      /** Segment window, size budget and index partitions (shared/eventlog/layout.ts); production defaults when absent. */
      LOG_SEGMENT_WINDOW_SECONDS?: string;
      LOG_SEGMENT_BUDGET_BYTES?: string;
      LOG_INDEX_PARTITIONS?: string;
      /** "off" leaves out the JSON line per refusal (shared/observability/log-lines.ts); absent or anything else writes it. */
      REFUSAL_LOG_LINES?: string;
      /** Bulk replay jobs: one message per page of a job (shared/replay), consumed by this Worker. */
      REPLAYS: Queue<ReplayPageMessage>;
      /** Issue notifications: one message per (transition, channel) (shared/notify), consumed by this Worker. */
      NOTIFICATIONS: Queue<NotificationMessage>;
      /** Webhook rate limits, one binding per offered (period, limit): shared/ingress/rate-limit.ts. */
      RATE_LIMIT_10S_10: RateLimit;
      RATE_LIMIT_10S_50: RateLimit;
      RATE_LIMIT_10S_100: RateLimit;
      RATE_LIMIT_10S_500: RateLimit;
      RATE_LIMIT_10S_1000: RateLimit;
      RATE_LIMIT_60S_60: RateLimit;
      RATE_LIMIT_60S_300: RateLimit;
      RATE_LIMIT_60S_600: RateLimit;
      RATE_LIMIT_60S_3000: RateLimit;
      RATE_LIMIT_60S_6000: RateLimit;
      /** Wrong API tokens per client address, at /v1 and the console's sign-in: shared/control/auth-failures.ts. */
      AUTH_FAILURES: RateLimit;
      /** base64 of 32 random bytes; wraps every project's data key. A Worker secret. */
      MASTER_KEY: string;
      RUNTIME_DOMAIN: string;
      LOCAL_HOST_SUFFIX: string;
      CONFIG_TTL_SECONDS: string;
      /** How a takeover of another org's custom-hostname claim is proven: "dns" (production) or "offline" (no lookup, no proof). */
      DOMAIN_VERIFICATION: string;
      /** Cloudflare for SaaS (shared/domains): the zone whose custom hostnames the service manages. */
      SAAS_ZONE_ID?: string;
      /** The CNAME target customers point their hostnames at (default `customers.{RUNTIME_DOMAIN}`). */
      CUSTOM_HOSTNAME_TARGET?: string;
      /** A Worker secret in production: Zone › SSL and Certificates › Edit on the SaaS zone. Absent locally. */
      CLOUDFLARE_API_TOKEN?: string;
      /** Dev and tests only: the local fake of Cloudflare's API (workers/cloudflare-fake). */
      CLOUDFLARE_API?: Fetcher;
      /** The service's share of the API token's rate limit (shared/domains/api-budget.ts). */
      CLOUDFLARE_API_CALLS: RateLimit;
    }
  }
  type Env = Cloudflare.Env;
}

export {};
