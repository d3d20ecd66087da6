/**
 * The storage of a project's log objects (a segment, LogSegment, and the project's own object,
 * ProjectLog: SQLite-backed Durable Objects; ./README.md): their schema, written down once, and the
 * migrations that bring any older instance up to it. The id index has its own
 * (./index-partition.ts).
 *
 * Everything stored (every object belongs to one project, so no row needs a project id and no
 * statement can reach another project's rows; `audit` and `segments` are used in the project's own
 * object only):
 *
 * | table           | one row per                         | sealed columns   | deleted when                                   |
 * |-----------------|-------------------------------------|------------------|------------------------------------------------|
 * | `log_meta`      | setting (`schema_version`,          | —                | never                                          |
 * |                 | `change_seq`)                       |                  |                                                |
 * | `events`        | accepted event                      | `sealed_payload`,| payload: `payload_expires_at` or an expunge;   |
 * |                 |                                     | `sealed_payload_`| the row: `metadata_expires_at`                 |
 * |                 |                                     | `bytes`          |                                                |
 * | `runs`          | (event, workflow) run               | —                | with its event                                 |
 * | `rejections`    | aggregated refusals of one flush    | —                | `expires_at`                                   |
 * | `kept_requests` | refused request kept for replay     | `sealed_body`    | body: `body_expires_at` (min(payload_retention |
 * |                 | (authenticated; failed content      |                  | _days, 3) days after receipt), or an expunge   |
 * |                 | type, parse or schema)              |                  | of the event it became; the row: `expires_at`  |
 * |                 |                                     |                  | (metadata_retention_days)                      |
 * | `audit`         | control-plane change, payload read  | —                | `AUDIT_RETENTION` after `at` (retention.ts)    |
 * | alarm           | (the object's one alarm)            | —                | set to the earliest expiry; see retention.ts   |
 *
 * Sealed means AES-256-GCM under the project's data key, done by the caller before the RPC
 * (shared/secrets/payload-seal.ts, AAD `payloadAad(event id)`): the log stores ciphertext and never
 * holds a key. No other column holds a payload or a secret: `error` and `detail` are the service's
 * own problem texts, `payload_key` is an R2 key (the object behind it is sealed too, with AAD
 * `objectAad(key)`), as are the claim-checked run envelopes `runs/{run_id}.json` that retention
 * and expunge delete alongside.
 *
 * Version 2 added the change feed and kept requests: `events.seq` and `rejections.seq` (the change
 * sequence, see below; deleted with their rows), `rejections.request_id` (the request kept last among
 * the refusals the row counts, null when none was kept), the `kept_requests` table, and the
 * `log_meta` row `change_seq`. `change_seq` is the last change number handed out: each insert or
 * status/runs change of an event and each new refusal row takes the next one, in the same
 * transaction as the change (the object is single-threaded, so the sequence is monotonic and a
 * reader polling "after n" misses nothing). Rows from version 1 have `seq` NULL until they change.
 * A kept request's body is sealed with AAD `requestAad(id)`, or stored in R2 under `body_key`
 * (`requests/{id}.body`, sealed with AAD `objectAad(key)`) when larger than an inline payload.
 * `errors` holds the schema errors the ingress answered with: JSON Pointer paths (which name the
 * payload's fields, as the 400 did) and the validator's messages (the schema's rules), never a
 * value; `content_type` is the sender's header, cut to 200 characters.
 *
 * Version 3 added segments (./README.md): `late_changes` (in a segment: events of older segments
 * that changed while it was open, listed again by the feed under this segment's change numbers;
 * `home` is the segment that holds the event) and `segments` (in the project's own object, the
 * directory: each segment's number, when it opened and closed (epoch ms), the earliest and latest
 * time of a row placed in it (`min_at`, `max_at`: events' `received_at`, refusals' `last_at`, kept
 * requests' `received_at`), the bytes promised to it, the latest payload and metadata expiry of a
 * row placed in it, and when its payloads were dropped whole). Rows from before version 3 stay
 * where they were: the project's own object is segment 0.
 *
 * Version 4 added `events.sealed_payload_bytes`: a payload sealed in the bytes form
 * (shared/secrets/aead.ts), a third smaller than the text form and never base64-encoded or decoded.
 * New events use it; `sealed_payload` keeps the text form of events recorded before, until they expire.
 * At most one of the two is set.
 *
 * Times: `received_at`, `updated_at`, `created_at`, `dispatched_at`, `first_at`, `last_at`, `at`,
 * `replayed_at` are ISO-8601 UTC text (so they sort as text); `*expires_at` columns are epoch milliseconds.
 */

/** The schema this code reads and writes; `log_meta.schema_version` says which one a store has. */
export const SCHEMA_VERSION = 4;

/**
 * Migrations by the version they produce: `MIGRATIONS[n - 1]` takes a store from version n - 1 to
 * n. Append, never edit: an instance may sleep at any version and wake under any later code.
 */
const MIGRATIONS: readonly (readonly string[])[] = [
  [
    `CREATE TABLE events (
      id TEXT PRIMARY KEY,
      webhook_id TEXT NOT NULL,
      delivery_id TEXT,
      status TEXT NOT NULL CHECK (status IN ('accepted', 'dispatched', 'dead')),
      received_at TEXT NOT NULL,
      -- Why the event waits for a retry or is dead; the service's own text, never a payload.
      error TEXT,
      payload_state TEXT NOT NULL CHECK (payload_state IN ('kept', 'expunged', 'expired')),
      -- The payload JSON sealed by the caller; NULL once expunged or expired, or when claim-checked.
      sealed_payload TEXT,
      -- R2 key of the claim-checked (sealed) payload; NULL once expunged or expired, or when inline.
      payload_key TEXT,
      -- Never later than metadata_expires_at: the row must not outlive the payload's deletion.
      payload_expires_at INTEGER NOT NULL,
      metadata_expires_at INTEGER NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT`,
    // Newest-first pages, unfiltered and by each filter the control API offers.
    `CREATE INDEX events_received ON events (received_at, id)`,
    `CREATE INDEX events_webhook_received ON events (webhook_id, received_at, id)`,
    `CREATE INDEX events_status_received ON events (status, received_at, id)`,
    // Retention scans: payloads still kept, by when they expire; rows by when they expire.
    `CREATE INDEX events_payload_expiry ON events (payload_expires_at) WHERE payload_state = 'kept'`,
    `CREATE INDEX events_metadata_expiry ON events (metadata_expires_at)`,

    `CREATE TABLE runs (
      id TEXT PRIMARY KEY,
      event_id TEXT NOT NULL,
      workflow_id TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('dispatched')),
      created_at TEXT NOT NULL,
      dispatched_at TEXT
    ) STRICT`,
    // One run per (event, workflow); also how an event's runs are found.
    `CREATE UNIQUE INDEX runs_event_workflow ON runs (event_id, workflow_id)`,

    `CREATE TABLE rejections (
      id TEXT PRIMARY KEY,
      webhook_id TEXT NOT NULL,
      reason TEXT NOT NULL,
      http_status INTEGER NOT NULL,
      count INTEGER NOT NULL,
      first_at TEXT NOT NULL,
      last_at TEXT NOT NULL,
      -- The last problem detail; never a payload or a secret.
      detail TEXT NOT NULL,
      expires_at INTEGER NOT NULL
    ) STRICT`,
    `CREATE INDEX rejections_last ON rejections (last_at, id)`,
    `CREATE INDEX rejections_webhook_last ON rejections (webhook_id, last_at, id)`,
    `CREATE INDEX rejections_expiry ON rejections (expires_at)`,

    `CREATE TABLE audit (
      id TEXT PRIMARY KEY,
      at TEXT NOT NULL,
      token_id TEXT NOT NULL,
      action TEXT NOT NULL,
      resource_id TEXT,
      outcome TEXT NOT NULL
    ) STRICT`,
    // Newest-first pages, and the retention scan (oldest first) on the same index.
    `CREATE INDEX audit_at ON audit (at, id)`,
  ],
  [
    `ALTER TABLE events ADD COLUMN seq INTEGER`,
    `CREATE INDEX events_seq ON events (seq) WHERE seq IS NOT NULL`,
    `ALTER TABLE rejections ADD COLUMN seq INTEGER`,
    `ALTER TABLE rejections ADD COLUMN request_id TEXT`,
    `CREATE INDEX rejections_seq ON rejections (seq) WHERE seq IS NOT NULL`,
    `INSERT INTO log_meta (key, value) VALUES ('change_seq', '0') ON CONFLICT (key) DO NOTHING`,

    `CREATE TABLE kept_requests (
      id TEXT PRIMARY KEY,
      webhook_id TEXT NOT NULL,
      reason TEXT NOT NULL,
      http_status INTEGER NOT NULL,
      -- The problem detail the sender got; never a payload or a secret.
      detail TEXT NOT NULL,
      -- JSON list of { path, message } for schema-mismatch; NULL otherwise.
      errors TEXT,
      content_type TEXT,
      delivery_id TEXT,
      -- The id the event gets when replayed: derived from the delivery id, or drawn at refusal.
      event_id TEXT NOT NULL,
      received_at TEXT NOT NULL,
      payload_state TEXT NOT NULL CHECK (payload_state IN ('kept', 'expunged', 'expired')),
      -- The raw body sealed by the caller (AAD requestAad(id)); NULL when in R2 or once gone.
      sealed_body TEXT,
      -- R2 key of the sealed body when it was too large to keep inline; NULL once gone.
      body_key TEXT,
      -- Never later than expires_at.
      body_expires_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      replayed_at TEXT,
      updated_at TEXT NOT NULL
    ) STRICT`,
    `CREATE INDEX kept_received ON kept_requests (received_at, id)`,
    `CREATE INDEX kept_webhook_received ON kept_requests (webhook_id, received_at, id)`,
    `CREATE INDEX kept_event ON kept_requests (event_id)`,
    `CREATE INDEX kept_body_expiry ON kept_requests (body_expires_at) WHERE payload_state = 'kept'`,
    `CREATE INDEX kept_expiry ON kept_requests (expires_at)`,
  ],
  [
    // A segment's references to events of older segments that changed after it opened (the feed).
    `CREATE TABLE late_changes (
      id TEXT PRIMARY KEY,
      home INTEGER NOT NULL,
      webhook_id TEXT NOT NULL,
      seq INTEGER NOT NULL
    ) STRICT`,
    `CREATE INDEX late_changes_seq ON late_changes (seq)`,
    // The directory (the project's own object only): one row per segment it opened and has not dropped.
    `CREATE TABLE segments (
      n INTEGER PRIMARY KEY,
      opened_at INTEGER NOT NULL,
      closed_at INTEGER,
      min_at TEXT NOT NULL,
      max_at TEXT NOT NULL,
      promised_bytes INTEGER NOT NULL,
      payload_until INTEGER NOT NULL,
      metadata_until INTEGER NOT NULL,
      payloads_dropped_at INTEGER
    ) STRICT`,
    `CREATE INDEX segments_max_at ON segments (max_at)`,
  ],
  [
    // Payloads sealed as bytes (the table is STRICT: a BLOB cannot go in the TEXT column).
    `ALTER TABLE events ADD COLUMN sealed_payload_bytes BLOB`,
  ],
];

/** Whether the store has been written: a segment creates its tables with its first write. */
export function hasLogStorage(storage: DurableObjectStorage): boolean {
  return storage.sql.exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'log_meta'`).toArray().length > 0;
}

/**
 * Brings the store up to SCHEMA_VERSION, in one transaction: a migration that fails leaves the
 * store at the version it had. Call it under `blockConcurrencyWhile`, before any request is served.
 */
export function migrateLogStorage(storage: DurableObjectStorage): void {
  storage.transactionSync(() => {
    storage.sql.exec(`CREATE TABLE IF NOT EXISTS log_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT`);
    const row = storage.sql.exec<{ value: string }>(`SELECT value FROM log_meta WHERE key = 'schema_version'`).toArray()[0];
    const current = row === undefined ? 0 : Number(row.value);
    if (current > SCHEMA_VERSION) {
      throw new Error(`The project log's storage is at schema version ${current}; this code knows only up to ${SCHEMA_VERSION}. Deploy the newer code.`);
    }
    for (const statements of MIGRATIONS.slice(current, SCHEMA_VERSION)) {
      for (const statement of statements) storage.sql.exec(statement);
    }
    if (current !== SCHEMA_VERSION) {
      storage.sql.exec(
        `INSERT INTO log_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        String(SCHEMA_VERSION),
      );
    }
  });
}

/** A thin, typed face over `ctx.storage.sql`: statements stay plain SQL, results stay typed. */
export class LogSql {
  constructor(private readonly sql: SqlStorage) {}

  /** Every row of a query. */
  all<T extends Record<string, SqlStorageValue>>(query: string, ...params: SqlStorageValue[]): T[] {
    return this.sql.exec<T>(query, ...params).toArray();
  }

  /** The first row of a query, or null. */
  first<T extends Record<string, SqlStorageValue>>(query: string, ...params: SqlStorageValue[]): T | null {
    return this.all<T>(query, ...params)[0] ?? null;
  }

  /** Runs a write. (A write that must say what it changed uses `RETURNING` with `all`.) */
  run(query: string, ...params: SqlStorageValue[]): void {
    // A cursor runs its statement as it is read.
    this.sql.exec(query, ...params).toArray();
  }
}

/**
 * One bound parameter carrying a list, for `IN (SELECT value FROM json_each(?))`: a Durable
 * Object statement takes at most 100 bound parameters, a list of ids may be longer.
 */
export function jsonList(values: readonly string[]): string {
  return JSON.stringify(values);
}
