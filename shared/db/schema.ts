/**
 * The resource catalogue, every table D1 holds. Events, runs, refusals and the audit log live in
 * each project's own log (shared/eventlog), not here. Ids are prefixed (`org_`, `prj_`, `wh_`, `wf_`,
 * `tok_`) so one kind of id cannot pass for another. JSON columns hold text that
 * the owning module validates on the way in; timestamps are ISO-8601 strings in UTC.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const createdAt = () =>
  text('created_at')
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`);

export const orgs = sqliteTable('orgs', {
  id: text('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  plan: text('plan', { enum: ['free', 'team', 'enterprise'] }).notNull(),
  createdAt: createdAt(),
});

export const customHostnames = sqliteTable(
  'custom_hostnames',
  {
    hostname: text('hostname').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id),
    projectId: text('project_id').notNull(),
    /** Cloudflare's id of the custom hostname; null until it is created (or found) there. */
    cloudflareId: text('cloudflare_id'),
    /** shared/domains/state.ts; only `active` routes at the edge. */
    status: text('status', { enum: ['pending_dns', 'validating_certificate', 'active', 'moved', 'failed'] })
      .notNull()
      .default('pending_dns'),
    /** JSON: Cloudflare's reasons (verification and certificate errors), as sentences. */
    reasons: text('reasons').notNull().default('[]'),
    /** JSON: the DNS records the customer creates, each {type, name, value, purpose}. */
    records: text('records').notNull().default('[]'),
    checkedAt: text('checked_at'),
    nextCheckAt: text('next_check_at'),
    /** Checks since the state last changed: the backoff's exponent. */
    checks: integer('checks').notNull().default(0),
    activatedAt: text('activated_at'),
    /** A claim that is not active is released at this time (shared/domains/claims.ts). */
    expiresAt: text('expires_at'),
    createdAt: createdAt(),
  },
  (t) => [index('custom_hostnames_org').on(t.orgId), index('custom_hostnames_due').on(t.nextCheckAt)],
);

/** Cloudflare's last 429 answer: no API call until `until` (shared/domains/api-budget.ts). */
export const cloudflareApiPause = sqliteTable('cloudflare_api_pause', {
  id: integer('id').primaryKey(),
  until: text('until').notNull(),
});

export const projects = sqliteTable(
  'projects',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    /** The project's AES-256 data key, wrapped by MASTER_KEY with the project id as AAD. */
    wrappedDataKey: text('wrapped_data_key').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('projects_org_slug').on(t.orgId, t.slug)],
);

export const apiTokens = sqliteTable('api_tokens', {
  id: text('id').primaryKey(),
  projectId: text('project_id')
    .notNull()
    .references(() => projects.id),
  /** SHA-256 of the token, hex. The token itself is shown once and never stored. */
  tokenHash: text('token_hash').notNull().unique(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

export const webhooks = sqliteTable(
  'webhooks',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    /** The auth config without any secret (JSON of AuthConfig). */
    auth: text('auth').notNull(),
    /** JSON array of StoredSecret: each secret AES-GCM encrypted under the project's data key. */
    secrets: text('secrets').notNull().default('[]'),
    /** The payload JSON Schema the edge enforces. */
    schema: text('schema').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    bodyLimitBytes: integer('body_limit_bytes').notNull().default(1_048_576),
    /** Days an accepted payload is kept (in the project's log and R2) before it is deleted. */
    payloadRetentionDays: integer('payload_retention_days').notNull().default(30),
    /** Days an event's metadata (ids, times, statuses, runs) is kept; at least the payload's. */
    metadataRetentionDays: integer('metadata_retention_days').notNull().default(90),
    /** Requests allowed per period (an offered rung of shared/ingress/rate-limit.ts); both null = no limit. */
    rateLimitRequests: integer('rate_limit_requests'),
    /** 10 or 60. */
    rateLimitPeriodSeconds: integer('rate_limit_period_seconds'),
    /** JSON array of normalised CIDR ranges a request must come from; '[]' = any address. */
    ipAllowlist: text('ip_allowlist').notNull().default('[]'),
    /** JSON of the issue thresholds it overrides (shared/health/thresholds.ts); null = the defaults. */
    healthThresholds: text('health_thresholds'),
    createdAt: createdAt(),
    updatedAt: text('updated_at')
      .notNull()
      .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
  },
  (t) => [uniqueIndex('webhooks_org_slug').on(t.orgId, t.slug), index('webhooks_project').on(t.projectId)],
);

/** Projects whose sender-health object the cron visits, and when (shared/health/watch.ts). */
export const healthWatch = sqliteTable(
  'health_watch',
  {
    projectId: text('project_id')
      .primaryKey()
      .references(() => projects.id, { onDelete: 'cascade' }),
    dueAt: integer('due_at').notNull(),
  },
  (t) => [index('health_watch_due').on(t.dueAt)],
);

export const workflows = sqliteTable(
  'workflows',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id),
    name: text('name').notNull(),
    /** The workflow's input contract (JSON Schema). */
    inputSchema: text('input_schema').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    createdAt: createdAt(),
    updatedAt: text('updated_at')
      .notNull()
      .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
  },
  (t) => [index('workflows_project').on(t.projectId)],
);

/** A workflow's trigger list; indexed by webhook, it is also each webhook's reverse dependencies. */
export const triggers = sqliteTable(
  'triggers',
  {
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    webhookId: text('webhook_id')
      .notNull()
      .references(() => webhooks.id),
    class: text('class', { enum: ['A', 'B'] }).notNull(),
    /** JSON object: input field ← JSON Pointer into the payload (Class B); null for Class A. */
    mapping: text('mapping'),
    position: integer('position').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.webhookId] }), index('triggers_webhook').on(t.webhookId)],
);

/**
 * Console sign-in sessions (shared/console/session.ts). Only the SHA-256 of the cookie's session id
 * is stored; the API token is named by id, never kept. Times are epoch milliseconds.
 */
export const consoleSessions = sqliteTable(
  'console_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    tokenId: text('token_id')
      .notNull()
      .references(() => apiTokens.id, { onDelete: 'cascade' }),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** The session's CSRF token: every state-changing form carries it in `_csrf`. */
    csrfToken: text('csrf_token').notNull(),
    createdAt: integer('created_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    /** The absolute end: a session never outlives it, however active. */
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('console_sessions_token').on(t.tokenId), index('console_sessions_expires').on(t.expiresAt)],
);

/**
 * What a console POST hands to the page it redirects to (shared/console/handoffs.ts): a secret to
 * show once, or a form's state to show again. Bound to one session (and gone with it); `sealed` is
 * JSON sealed with the project's data key, cleared once a secret was shown. Times are epoch ms.
 */
export const consoleHandoffs = sqliteTable(
  'console_handoffs',
  {
    /** 32 random bytes, base64url: the ticket in the page's address. */
    id: text('id').primaryKey(),
    sessionHash: text('session_hash')
      .notNull()
      .references(() => consoleSessions.idHash, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['secret', 'form'] }).notNull(),
    /** The page it belongs to: a webhook id, or a step of creating one. */
    subject: text('subject').notNull(),
    sealed: text('sealed'),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    /** When a secret was shown; its row stays, without the secret, until it expires. */
    takenAt: integer('taken_at'),
  },
  (t) => [index('console_handoffs_session').on(t.sessionHash), index('console_handoffs_expires').on(t.expiresAt)],
);

/**
 * Bulk replay jobs (shared/replay): control-plane state, not event data. A job walks its project's
 * log newest first from `cursor`; `page` counts the pages committed, and each queue message names
 * the page it expects, so a redelivered or duplicated message cannot commit a page twice.
 */
export const replayJobs = sqliteTable(
  'replay_jobs',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** The API token that started the job (`tok_…`). */
    tokenId: text('token_id').notNull(),
    /** JSON of the normalised filter: webhook_id, status, since, until (ISO, UTC). */
    filter: text('filter').notNull(),
    status: text('status', { enum: ['running', 'done', 'failed'] }).notNull(),
    /** JSON `{ at, id }` of the last event scanned; null before the first page. */
    cursor: text('cursor'),
    page: integer('page').notNull().default(0),
    scanned: integer('scanned').notNull().default(0),
    replayed: integer('replayed').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    /** JSON `{ skipped: { reason: n }, failed: { reason: n } }`. */
    reasons: text('reasons').notNull().default('{}'),
    /** Why the job failed; the service's own text, never a payload. */
    error: text('error'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    finishedAt: text('finished_at'),
  },
  (t) => [index('replay_jobs_project_created').on(t.projectId, t.createdAt, t.id)],
);

/**
 * Where a project's sender-health issues are announced (shared/notify): an outbound webhook signed
 * with Standard Webhooks, or a Slack incoming webhook. A Slack URL is its own credential, so it is
 * sealed (`sealed_url`) and views show only `url_hint`; a webhook's URL is shown as it is, because
 * its receiver trusts the signature, not the URL, and its signing secrets are sealed in `secrets`
 * (JSON of StoredSecret, newest first). Both are sealed with the project's data key, bound to the
 * channel (shared/notify/channel-secrets.ts). `state` is `failing` once a notification exhausted its
 * retries, and `active` again after the next delivery; `last_failure` is the service's own sentence,
 * never the receiver's body.
 */
export const notificationChannels = sqliteTable(
  'notification_channels',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['webhook', 'slack'] }).notNull(),
    name: text('name').notNull(),
    /** Webhook channels: where notifications are posted. Null for Slack. */
    url: text('url'),
    /** Slack channels: the incoming-webhook URL, sealed. Null for webhooks. */
    sealedUrl: text('sealed_url'),
    /** Slack channels: the URL as views show it, its secret path elided. Null for webhooks. */
    urlHint: text('url_hint'),
    secrets: text('secrets').notNull().default('[]'),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    state: text('state', { enum: ['active', 'failing'] })
      .notNull()
      .default('active'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    lastFailureAt: text('last_failure_at'),
    lastFailure: text('last_failure'),
    lastSuccessAt: text('last_success_at'),
    createdAt: createdAt(),
    updatedAt: text('updated_at')
      .notNull()
      .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
  },
  (t) => [index('notification_channels_project_created').on(t.projectId, t.createdAt, t.id)],
);
