/**
 * What one environment of the wrangler config binds, read as wrangler reads it
 * (`unstable_readConfig`, as vitest.config.mts does): the resources that must exist in the account
 * before `wrangler deploy`, the ids still to be filled in, and the secrets the Worker needs.
 */
import path from 'node:path';
import { unstable_readConfig } from 'wrangler';

/** wrangler.toml marks an id the account has not given yet with a value starting so. */
const PLACEHOLDER = 'replace-with-';

/** An id wrangler.toml does not hold yet. */
export function isPlaceholder(value) {
  return value === undefined || value === null || String(value) === '' || String(value).startsWith(PLACEHOLDER);
}

/**
 * @typedef {{ binding: string; name: string; id: string | undefined; migrationsDir: string }} D1Target
 * @typedef {{ name: string; namespaceId: string | undefined }} RateLimitTarget
 * @typedef {{
 *   workerName: string;
 *   env: string;
 *   d1: D1Target[];
 *   buckets: string[];
 *   queues: string[];
 *   rateLimits: RateLimitTarget[];
 *   durableObjects: { classes: string[]; migrationTags: string[] };
 *   vars: Record<string, unknown>;
 * }} Targets
 */

/**
 * Reads `env` of the config at `configPath`; throws wrangler's own message when the config or the
 * environment is invalid.
 * @returns {Targets}
 */
export function readTargets(configPath, env) {
  const config = quietly(() => unstable_readConfig({ config: configPath, env }));
  const dir = path.dirname(configPath);
  const queues = config.queues ?? {};
  const named = [
    ...(queues.producers ?? []).map((p) => p.queue),
    ...(queues.consumers ?? []).flatMap((c) => [c.queue, c.dead_letter_queue]),
  ];
  return {
    workerName: config.name ?? '',
    env,
    d1: (config.d1_databases ?? []).map((db) => ({
      binding: db.binding,
      name: db.database_name ?? db.binding,
      id: db.database_id,
      migrationsDir: path.resolve(dir, db.migrations_dir ?? 'migrations'),
    })),
    buckets: unique((config.r2_buckets ?? []).map((b) => b.bucket_name)),
    // Producers, consumers and every consumer's dead-letter queue: wrangler deploy fails on a
    // producer or consumer whose queue is missing.
    queues: unique(named),
    rateLimits: (config.ratelimits ?? []).map((r) => ({ name: r.name, namespaceId: r.namespace_id })),
    durableObjects: {
      classes: unique((config.durable_objects?.bindings ?? []).map((b) => b.class_name)),
      migrationTags: (config.migrations ?? []).map((m) => m.tag),
    },
    vars: config.vars ?? {},
  };
}

/**
 * The secrets the Worker refuses to work without: MASTER_KEY always, and the custom-hostnames API
 * token once SAAS_ZONE_ID names a zone (shared/domains/cloudflare-api.ts).
 */
export function requiredSecrets(targets) {
  return zoneIdOf(targets).state === 'set' ? ['MASTER_KEY', 'CLOUDFLARE_API_TOKEN'] : ['MASTER_KEY'];
}

/** SAAS_ZONE_ID: the operator's zone, still the placeholder, or empty (custom domains off). */
export function zoneIdOf(targets) {
  const value = targets.vars.SAAS_ZONE_ID;
  if (value === undefined || value === '') return { state: 'off', value: '' };
  if (isPlaceholder(value)) return { state: 'placeholder', value: String(value) };
  return { state: 'set', value: String(value) };
}

function unique(values) {
  return [...new Set(values.filter((v) => typeof v === 'string' && v !== ''))];
}

/** Reading a config warns about the dev-only vars production leaves out on purpose; only errors matter here. */
function quietly(read) {
  const level = process.env.WRANGLER_LOG;
  process.env.WRANGLER_LOG = 'error';
  try {
    return read();
  } finally {
    if (level === undefined) delete process.env.WRANGLER_LOG;
    else process.env.WRANGLER_LOG = level;
  }
}
