/**
 * One partition of a project's id index (./README.md): which segment holds an event or a kept
 * request, for every id whose metadata is kept and every event id for DEDUP_WINDOW_MS after its
 * first copy, whichever is longer. An id's partition is a hash of the id (./layout.ts), so a
 * lookup by id is one call here and one to the segment it names.
 *
 * Claiming is how exactly-once crosses segments: the first claim of an event id records the segment
 * it is written to, and every later claim (a sender's redelivery, a queue redelivery, a replay)
 * learns that segment instead, whichever segment is open by then.
 */
import { DurableObject } from 'cloudflare:workers';
import { RETENTION_BATCH, RETENTION_CONTINUE_DELAY_MS, scheduleRetention } from './retention';
import { LogSql, jsonList } from './storage';

export interface IdClaim {
  id: string;
  segment: number;
  metadataExpiresAt: number;
  /** When the entry may go: not before the metadata expires, nor within the dedup window. */
  expiresAt: number;
}

/** Where an id's first claim put it. */
export interface IdHome {
  segment: number;
  metadataExpiresAt: number;
}

/** A kept request of event `eventId` lives in `segment` (an expunge of the event erases its body too). */
export interface KeptOfEvent {
  eventId: string;
  segment: number;
  expiresAt: number;
}

export interface IdLocation {
  /** The segment that holds the id, null when the index does not know it (segment 0 may). */
  home: IdHome | null;
  /** Segments holding refused requests kept for replay that become this event when replayed. */
  keptIn: number[];
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS ids (
    id TEXT PRIMARY KEY,
    segment INTEGER NOT NULL,
    metadata_expires_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID`,
  `CREATE INDEX IF NOT EXISTS ids_expiry ON ids (expires_at)`,
  `CREATE TABLE IF NOT EXISTS kept_of_event (
    event_id TEXT NOT NULL,
    segment INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (event_id, segment)
  ) STRICT, WITHOUT ROWID`,
  `CREATE INDEX IF NOT EXISTS kept_of_event_expiry ON kept_of_event (expires_at)`,
];

export class LogIndex extends DurableObject<Env> {
  readonly #sql: LogSql;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = new LogSql(ctx.storage.sql);
    void ctx.blockConcurrencyWhile(async () => {
      for (const statement of SCHEMA) ctx.storage.sql.exec(statement);
    });
  }

  /** Records each id's segment unless it has one; answers every id's segment as first claimed. */
  async claim(claims: IdClaim[]): Promise<Record<string, IdHome>> {
    if (claims.length === 0) return {};
    const homes: Record<string, IdHome> = {};
    this.ctx.storage.transactionSync(() => {
      this.#insertClaims(claims);
      for (const row of this.#sql.all<{ id: string; segment: number; metadata_expires_at: number }>(
        `SELECT id, segment, metadata_expires_at FROM ids WHERE id IN (SELECT value FROM json_each(?))`,
        jsonList(claims.map((c) => c.id)),
      )) {
        homes[row.id] = { segment: row.segment, metadataExpiresAt: row.metadata_expires_at };
      }
    });
    await scheduleRetention(this.ctx.storage, Math.min(...claims.map((c) => c.expiresAt)));
    return homes;
  }

  /**
   * Kept requests' part of the index, in one transaction: their ids' claims (a request id is new,
   * so nobody needs its answer) and the events they become. A batch of kept requests costs each
   * partition it reaches one call, not one for the ids and another for the events.
   */
  async indexKept(claims: IdClaim[], entries: KeptOfEvent[]): Promise<void> {
    if (claims.length === 0 && entries.length === 0) return;
    this.ctx.storage.transactionSync(() => {
      this.#insertClaims(claims);
      for (const e of entries) {
        this.#sql.run(
          `INSERT INTO kept_of_event (event_id, segment, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (event_id, segment) DO UPDATE SET expires_at = MAX(expires_at, excluded.expires_at)`,
          e.eventId,
          e.segment,
          e.expiresAt,
        );
      }
    });
    await scheduleRetention(this.ctx.storage, Math.min(...claims.map((c) => c.expiresAt), ...entries.map((e) => e.expiresAt)));
  }

  #insertClaims(claims: readonly IdClaim[]): void {
    for (const c of claims) {
      this.#sql.run(
        `INSERT INTO ids (id, segment, metadata_expires_at, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
        c.id,
        c.segment,
        c.metadataExpiresAt,
        c.expiresAt,
      );
    }
  }

  async locate(id: string): Promise<IdLocation> {
    const home = this.#sql.first<{ segment: number; metadata_expires_at: number }>(`SELECT segment, metadata_expires_at FROM ids WHERE id = ?`, id);
    const keptIn = this.#sql.all<{ segment: number }>(`SELECT segment FROM kept_of_event WHERE event_id = ? ORDER BY segment`, id).map((r) => r.segment);
    return { home: home === null ? null : { segment: home.segment, metadataExpiresAt: home.metadata_expires_at }, keptIn };
  }

  override async alarm(): Promise<void> {
    await this.expire(Date.now());
  }

  /** Deletes entries past their expiry, a bounded range per table, and sets the next alarm. */
  async expire(now: number): Promise<number> {
    const deleted = this.ctx.storage.transactionSync(
      () =>
        this.#sql.all(`DELETE FROM ids WHERE id IN (SELECT id FROM ids WHERE expires_at <= ? ORDER BY expires_at LIMIT ?) RETURNING id`, now, RETENTION_BATCH).length +
        this.#sql.all(
          `DELETE FROM kept_of_event WHERE (event_id, segment) IN (SELECT event_id, segment FROM kept_of_event WHERE expires_at <= ? ORDER BY expires_at LIMIT ?) RETURNING event_id`,
          now,
          RETENTION_BATCH,
        ).length,
    );
    const next = this.#sql.first<{ at: number | null }>(`SELECT MIN(at) AS at FROM (SELECT MIN(expires_at) AS at FROM ids UNION ALL SELECT MIN(expires_at) FROM kept_of_event)`)?.at ?? null;
    if (deleted >= RETENTION_BATCH) await this.ctx.storage.setAlarm(now + RETENTION_CONTINUE_DELAY_MS);
    else if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
    return deleted;
  }

  /** Entries held, for the scale model and the bench. */
  async count(): Promise<{ ids: number; bytes: number }> {
    return { ids: this.#sql.first<{ n: number }>(`SELECT COUNT(*) AS n FROM ids`)?.n ?? 0, bytes: this.ctx.storage.sql.databaseSize };
  }
}
