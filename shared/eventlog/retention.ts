/**
 * Retention and erasure for one project's log: payloads deleted wherever the service keeps them
 * (the log's row and the R2 objects beside it), then expired metadata. Work is bounded per pass
 * and the object's alarm brings the next pass; every function takes its clock as an argument.
 *
 * Order matters for PHI: R2 objects are deleted before the row that names them, so a failure in
 * between leaves the row still `kept` and the next pass (or expunge) deletes again, never a row
 * that forgot an object still holding a payload.
 */
import { INLINE_MESSAGE_MAX_BYTES, envelopeKey } from '../queue/run-message';
import { LogSql, jsonList } from './storage';

/** Rows per stage per pass: one alarm never holds the object for long. */
export const RETENTION_BATCH = 500;

/** When a pass hit its bound, the next one runs this soon after, leaving room for requests. */
export const RETENTION_CONTINUE_DELAY_MS = 1_000;

/**
 * Audit entries are kept six years: HIPAA requires documentation of actions taken under its
 * security rule to be retained six years from its creation (45 CFR 164.316(b)(2)(i)), and the
 * audit log is that documentation for who changed what and who read which payload.
 */
export const AUDIT_RETENTION_YEARS = 6;

/** R2's most keys per `delete` call. */
const R2_DELETE_MAX_KEYS = 1000;

export interface RetentionPass {
  payloadsExpired: number;
  eventsDeleted: number;
  rejectionsDeleted: number;
  /** Bodies of refused requests kept for replay, deleted at `body_expires_at`. */
  requestBodiesExpired: number;
  requestsDeleted: number;
  auditDeleted: number;
  /** A stage hit RETENTION_BATCH: more is due now. */
  more: boolean;
}

/** An ISO time `years` after (or, negative, before) `ms`, on the calendar: leap days included. */
function shiftYears(ms: number, years: number): Date {
  const d = new Date(ms);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}

/** Audit entries at or before this time are past retention. */
export function auditCutoff(now: number): string {
  return shiftYears(now, -AUDIT_RETENTION_YEARS).toISOString();
}

/** When an audit entry written at `at` is due for deletion. */
export function auditExpiresAt(at: string): number {
  return shiftYears(Date.parse(at), AUDIT_RETENTION_YEARS).getTime();
}

/** Deletes R2 objects in calls R2 accepts; a missing key is not an error. */
async function deleteObjects(bucket: R2Bucket, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += R2_DELETE_MAX_KEYS) {
    await bucket.delete(keys.slice(i, i + R2_DELETE_MAX_KEYS));
  }
}

/**
 * Erases the payloads of these events wherever they are kept: their claim-checked payload and their
 * runs' claim-checked envelopes in R2 first, then the sealed payload in the row, which takes
 * `state`. Only rows still `kept` change; returns the ids that did.
 */
export async function erasePayloads(
  sql: LogSql,
  bucket: R2Bucket,
  events: readonly { id: string; payload_key: string | null }[],
  state: 'expunged' | 'expired',
  at: string,
): Promise<string[]> {
  if (events.length === 0) return [];
  const ids = events.map((e) => e.id);
  const runIds = sql.all<{ id: string }>(`SELECT id FROM runs WHERE event_id IN (SELECT value FROM json_each(?))`, jsonList(ids));
  const keys = [...events.flatMap((e) => (e.payload_key === null ? [] : [e.payload_key])), ...runIds.map((r) => envelopeKey(r.id))];
  await deleteObjects(bucket, keys);
  return sql
    .all<{ id: string }>(
      `UPDATE events SET sealed_payload = NULL, sealed_payload_bytes = NULL, payload_key = NULL, payload_state = ?, updated_at = ?
       WHERE id IN (SELECT value FROM json_each(?)) AND payload_state = 'kept' RETURNING id`,
      state,
      at,
      jsonList(ids),
    )
    .map((r) => r.id);
}

/**
 * Erases the bodies of these kept requests (./storage.ts `kept_requests`): the R2 object first,
 * then the sealed body in the row, which takes `state`. Only rows still `kept` change; returns
 * the ids that did.
 */
export async function eraseRequestBodies(
  sql: LogSql,
  bucket: R2Bucket,
  requests: readonly { id: string; body_key: string | null }[],
  state: 'expunged' | 'expired',
  at: string,
): Promise<string[]> {
  if (requests.length === 0) return [];
  await deleteObjects(bucket, requests.flatMap((r) => (r.body_key === null ? [] : [r.body_key])));
  return sql
    .all<{ id: string }>(
      `UPDATE kept_requests SET sealed_body = NULL, body_key = NULL, payload_state = ?, updated_at = ?
       WHERE id IN (SELECT value FROM json_each(?)) AND payload_state = 'kept' RETURNING id`,
      state,
      at,
      jsonList(requests.map((r) => r.id)),
    )
    .map((r) => r.id);
}

/**
 * One bounded pass: (1) payloads past `payload_expires_at`, and kept requests' bodies past
 * `body_expires_at`, R2 first; (2) events past `metadata_expires_at` with their runs; (3)
 * rejections past `expires_at`; (4) audit entries past AUDIT_RETENTION_YEARS; (5) kept requests
 * past `expires_at`. At most `batch` rows per stage.
 */
export async function runRetention(storage: DurableObjectStorage, payloads: R2Bucket, now: number, batch = RETENTION_BATCH): Promise<RetentionPass> {
  const sql = new LogSql(storage.sql);
  const stamp = new Date(now).toISOString();

  const duePayloads = sql.all<{ id: string; payload_key: string | null }>(
    `SELECT id, payload_key FROM events WHERE payload_state = 'kept' AND payload_expires_at <= ? ORDER BY payload_expires_at LIMIT ?`,
    now,
    batch,
  );
  const expired = await erasePayloads(sql, payloads, duePayloads, 'expired', stamp);
  const dueBodies = sql.all<{ id: string; body_key: string | null }>(
    `SELECT id, body_key FROM kept_requests WHERE payload_state = 'kept' AND body_expires_at <= ? ORDER BY body_expires_at LIMIT ?`,
    now,
    batch,
  );
  const bodiesExpired = await eraseRequestBodies(sql, payloads, dueBodies, 'expired', stamp);

  // Each write stands alone; a pass cut short is finished by the next, so no transaction spans the
  // R2 calls above. An event whose payload is still kept waits for stage 1: payload_expires_at is
  // never later than metadata_expires_at, so stage 1 reaches it first and no R2 object is orphaned.
  const { eventsDeleted, rejectionsDeleted, auditDeleted, requestsDeleted, dueEvents } = storage.transactionSync(() => {
    const dueEvents = sql.all<{ id: string }>(
      `SELECT id FROM events WHERE metadata_expires_at <= ? AND payload_state <> 'kept' ORDER BY metadata_expires_at LIMIT ?`,
      now,
      batch,
    );
    const ids = jsonList(dueEvents.map((e) => e.id));
    sql.run(`DELETE FROM runs WHERE event_id IN (SELECT value FROM json_each(?))`, ids);
    const eventsDeleted = sql.all(`DELETE FROM events WHERE id IN (SELECT value FROM json_each(?)) RETURNING id`, ids).length;
    const rejectionsDeleted = sql.all(
      `DELETE FROM rejections WHERE id IN (SELECT id FROM rejections WHERE expires_at <= ? ORDER BY expires_at LIMIT ?) RETURNING id`,
      now,
      batch,
    ).length;
    const auditDeleted = sql.all(
      `DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at <= ? ORDER BY at LIMIT ?) RETURNING id`,
      auditCutoff(now),
      batch,
    ).length;
    // As with events: a row whose body is still kept waits for its body's deletion above.
    const requestsDeleted = sql.all(
      `DELETE FROM kept_requests WHERE id IN (SELECT id FROM kept_requests WHERE expires_at <= ? AND payload_state <> 'kept' ORDER BY expires_at LIMIT ?) RETURNING id`,
      now,
      batch,
    ).length;
    return { eventsDeleted, rejectionsDeleted, auditDeleted, requestsDeleted, dueEvents: dueEvents.length };
  });

  return {
    payloadsExpired: expired.length,
    eventsDeleted,
    rejectionsDeleted,
    requestBodiesExpired: bodiesExpired.length,
    requestsDeleted,
    auditDeleted,
    more:
      duePayloads.length >= batch ||
      dueBodies.length >= batch ||
      dueEvents >= batch ||
      rejectionsDeleted >= batch ||
      requestsDeleted >= batch ||
      auditDeleted >= batch,
  };
}

/** The earliest time anything stored falls due, or null when nothing is stored. */
export function nextRetentionAt(storage: DurableObjectStorage): number | null {
  const sql = new LogSql(storage.sql);
  const row = sql.first<{
    payload: number | null;
    metadata: number | null;
    rejection: number | null;
    body: number | null;
    request: number | null;
    audit: string | null;
  }>(
    `SELECT
       (SELECT MIN(payload_expires_at) FROM events WHERE payload_state = 'kept') AS payload,
       (SELECT MIN(metadata_expires_at) FROM events) AS metadata,
       (SELECT MIN(expires_at) FROM rejections) AS rejection,
       (SELECT MIN(body_expires_at) FROM kept_requests WHERE payload_state = 'kept') AS body,
       (SELECT MIN(expires_at) FROM kept_requests) AS request,
       (SELECT MIN(at) FROM audit) AS audit`,
  );
  if (row === null) return null;
  const times = [row.payload, row.metadata, row.rejection, row.body, row.request, row.audit === null ? null : auditExpiresAt(row.audit)].filter(
    (t): t is number => t !== null,
  );
  return times.length === 0 ? null : Math.min(...times);
}

/**
 * What the alarm does: one pass at `now`, then the next alarm: soon if the pass hit its bound,
 * else at the earliest remaining expiry, else none.
 */
export async function retentionAlarm(storage: DurableObjectStorage, payloads: R2Bucket, now: number, batch = RETENTION_BATCH): Promise<RetentionPass> {
  const pass = await runRetention(storage, payloads, now, batch);
  const next = pass.more ? now + RETENTION_CONTINUE_DELAY_MS : nextRetentionAt(storage);
  if (next === null) await storage.deleteAlarm();
  else await storage.setAlarm(next);
  return pass;
}

/** Makes sure the alarm fires no later than `at`: every write that adds an expiry calls it. */
export async function scheduleRetention(storage: DurableObjectStorage, at: number): Promise<void> {
  const current = await storage.getAlarm();
  if (current === null || current > at) await storage.setAlarm(at);
}

/**
 * A sealed inline payload this long (base64 text) or longer may have had its run envelopes
 * claim-checked: an envelope carries the payload twice, and one over INLINE_MESSAGE_MAX_BYTES goes
 * to R2. Shorter ones cannot have, so dropping a segment's payloads skips their runs' keys.
 */
const ENVELOPE_MAY_BE_IN_R2_AT = Math.floor(INLINE_MESSAGE_MAX_BYTES / 2);

/** Every R2 key that may still hold a payload of this segment: claim-checked payloads, run envelopes, kept bodies. */
function keptObjectKeys(sql: LogSql): string[] {
  const payloads = sql.all<{ key: string }>(`SELECT payload_key AS key FROM events WHERE payload_state = 'kept' AND payload_key IS NOT NULL`);
  const envelopes = sql.all<{ id: string }>(
    `SELECT runs.id FROM runs JOIN events ON events.id = runs.event_id
     WHERE events.payload_state = 'kept' AND (events.payload_key IS NOT NULL OR length(coalesce(events.sealed_payload_bytes, events.sealed_payload)) >= ?)`,
    ENVELOPE_MAY_BE_IN_R2_AT,
  );
  const bodies = sql.all<{ key: string }>(`SELECT body_key AS key FROM kept_requests WHERE payload_state = 'kept' AND body_key IS NOT NULL`);
  return [...payloads.map((r) => r.key), ...envelopes.map((r) => envelopeKey(r.id)), ...bodies.map((r) => r.key)];
}

export interface DroppedPayloads {
  payloads: number;
  requestBodies: number;
  objects: number;
}

/**
 * A segment whose every payload has expired drops them all at once (the directory knows when:
 * ./project-log.ts): the R2 objects first, then one statement per table, not a pass per row.
 */
export async function dropSegmentPayloads(storage: DurableObjectStorage, bucket: R2Bucket, at: string): Promise<DroppedPayloads> {
  const sql = new LogSql(storage.sql);
  const keys = keptObjectKeys(sql);
  await deleteObjects(bucket, keys);
  return storage.transactionSync(() => ({
    payloads: sql.all(
      `UPDATE events SET sealed_payload = NULL, sealed_payload_bytes = NULL, payload_key = NULL, payload_state = 'expired', updated_at = ? WHERE payload_state = 'kept' RETURNING id`,
      at,
    ).length,
    requestBodies: sql.all(
      `UPDATE kept_requests SET sealed_body = NULL, body_key = NULL, payload_state = 'expired', updated_at = ? WHERE payload_state = 'kept' RETURNING id`,
      at,
    ).length,
    objects: keys.length,
  }));
}

/**
 * A segment whose metadata has all expired is deleted whole: whatever R2 still holds for it, then
 * every row, its alarm and the object's storage itself (`deleteAll`).
 */
export async function dropSegment(storage: DurableObjectStorage, bucket: R2Bucket): Promise<{ objects: number }> {
  const keys = keptObjectKeys(new LogSql(storage.sql));
  await deleteObjects(bucket, keys);
  await storage.deleteAlarm();
  await storage.deleteAll();
  return { objects: keys.length };
}
