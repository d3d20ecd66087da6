/**
 * The project log as its callers reach it: Workers RPC on `env.PROJECT_LOG`, one object per project.
 * Retention runs with a clock moved by argument, inside the object (`runInDurableObject`); every
 * expiry written here lies days ahead of the real clock, so no real alarm fires during a test.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { projectDirectory, projectLog } from '../../shared/eventlog/client';
import { RETENTION_CONTINUE_DELAY_MS, auditExpiresAt, retentionAlarm, runRetention } from '../../shared/eventlog/retention';
import { SCHEMA_VERSION, migrateLogStorage } from '../../shared/eventlog/storage';
import type { KeptRequestInput, LogCursor, LoggedEvent, LoggedRejection, LoggedRun } from '../../shared/eventlog/types';
import { envelopeKey } from '../../shared/queue/run-message';
import { openPayloadText, payloadAad, sealPayload, sealText } from '../../shared/secrets/payload-seal';

const DAY = 86_400_000;
/** The test's "now": far enough ahead that the alarms the writes set never fire while tests run. */
const T0 = Date.now() + 7 * DAY;

function newProject(): string {
  return `prj_${crypto.randomUUID()}`;
}

let seq = 0;
function event(overrides: Partial<LoggedEvent> = {}): LoggedEvent {
  seq += 1;
  return {
    id: `evt_${seq}_${crypto.randomUUID().slice(0, 8)}`,
    webhookId: 'wh_a',
    deliveryId: `d${seq}`,
    receivedAt: new Date(T0).toISOString(),
    sealedPayload: 'sealed-text',
    payloadKey: null,
    payloadExpiresAt: T0 + 30 * DAY,
    metadataExpiresAt: T0 + 90 * DAY,
    ...overrides,
  };
}

function runsFor(e: LoggedEvent, ...workflows: string[]): LoggedRun[] {
  return workflows.map((w) => ({ id: `run_${e.id}_${w}`, eventId: e.id, workflowId: w }));
}

const at = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

async function objectExists(key: string): Promise<boolean> {
  return (await env.PAYLOADS.head(key)) !== null;
}

describe('recording dispatches', () => {
  it('records an event and its runs once however often the dispatch is repeated', async () => {
    const log = projectDirectory(env, newProject());
    const e = event();
    const runs = runsFor(e, 'wf_b', 'wf_a');
    await log.recordDispatch([e], runs, at(0));
    await log.recordDispatch([e], runs, at(1000));

    const page = await log.listEvents({ limit: 10 });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ id: e.id, status: 'dispatched', error: null, payloadState: 'kept', sealedPayload: 'sealed-text' });
    // Ordered by workflow id; the first dispatch's time stays.
    expect(page.items[0]?.runs.map((r) => [r.workflow_id, r.dispatched_at])).toEqual([
      ['wf_a', at(0)],
      ['wf_b', at(0)],
    ]);
    expect((await log.dispatchedRuns([...runs.map((r) => r.id), 'run_unknown'])).sort()).toEqual(runs.map((r) => r.id).sort());
    expect(await log.dispatchedRuns([])).toEqual([]);
  });

  it('moves a status only forward: accepted to dispatched or dead, dead to dispatched, never out of dispatched', async () => {
    const log = projectDirectory(env, newProject());
    const e = event();

    await log.recordFailedAttempt(e, 'attempt 1 failed', at(0));
    expect(await log.getEvent(e.id)).toMatchObject({ status: 'accepted', error: 'attempt 1 failed' });
    await log.recordFailedAttempt(e, 'attempt 2 failed', at(1));
    expect(await log.getEvent(e.id)).toMatchObject({ status: 'accepted', error: 'attempt 2 failed' });

    await log.recordDead(e, 'retries ran out', at(2));
    expect(await log.getEvent(e.id)).toMatchObject({ status: 'dead', error: 'retries ran out' });
    // A late failed attempt does not revive a dead event.
    await log.recordFailedAttempt(e, 'attempt 3 failed', at(3));
    expect(await log.getEvent(e.id)).toMatchObject({ status: 'dead', error: 'retries ran out' });

    // A replay dispatches it: the error goes.
    await log.recordDispatch([e], runsFor(e, 'wf_a'), at(4));
    expect(await log.getEvent(e.id)).toMatchObject({ status: 'dispatched', error: null });

    await log.recordFailedAttempt(e, 'late attempt', at(5));
    await log.recordDead(e, 'late dead letter', at(6));
    expect(await log.getEvent(e.id)).toMatchObject({ status: 'dispatched', error: null });
  });

  it('records an event first seen dead, and one first seen dispatched', async () => {
    const log = projectDirectory(env, newProject());
    const dead = event({ sealedPayload: null, payloadKey: 'events/x.json' });
    await log.recordDead(dead, 'undecryptable payload', at(0));
    expect(await log.getEvent(dead.id)).toMatchObject({ status: 'dead', error: 'undecryptable payload', payloadKey: 'events/x.json', sealedPayload: null, runs: [] });
    expect(await log.getEvent('evt_none')).toBeNull();
  });
});

describe('listing events', () => {
  it('pages newest first by (received time, id) and filters by webhook and status', async () => {
    const log = projectDirectory(env, newProject());
    const events = [
      event({ id: 'evt_1', receivedAt: at(1000), webhookId: 'wh_a' }),
      event({ id: 'evt_2', receivedAt: at(2000), webhookId: 'wh_b' }),
      // Two at the same time: the id breaks the tie.
      event({ id: 'evt_3a', receivedAt: at(3000), webhookId: 'wh_a' }),
      event({ id: 'evt_3b', receivedAt: at(3000), webhookId: 'wh_a' }),
      event({ id: 'evt_4', receivedAt: at(4000), webhookId: 'wh_b' }),
    ];
    await log.recordDispatch(events.slice(0, 4), runsFor(events[0] as LoggedEvent, 'wf_a'), at(5000));
    await log.recordDead(events[4] as LoggedEvent, 'dead', at(5000));

    const ids: string[] = [];
    let after: LogCursor | undefined;
    for (let pages = 0; pages < 5; pages += 1) {
      const page = await log.listEvents({ limit: 2, after });
      ids.push(...page.items.map((e) => e.id));
      if (page.next === null) break;
      expect(page.items).toHaveLength(2);
      after = page.next;
    }
    expect(ids).toEqual(['evt_4', 'evt_3b', 'evt_3a', 'evt_2', 'evt_1']);

    const first = await log.listEvents({ limit: 2 });
    expect(first.next).toEqual({ at: at(3000), id: 'evt_3b' });
    expect((await log.listEvents({ limit: 5 })).next).toBeNull();

    expect((await log.listEvents({ limit: 10, webhookId: 'wh_a' })).items.map((e) => e.id)).toEqual(['evt_3b', 'evt_3a', 'evt_1']);
    expect((await log.listEvents({ limit: 10, status: 'dead' })).items.map((e) => e.id)).toEqual(['evt_4']);
    expect((await log.listEvents({ limit: 10, webhookId: 'wh_b', status: 'dispatched' })).items.map((e) => e.id)).toEqual(['evt_2']);
    const withRuns = await log.listEvents({ limit: 1, after: { at: at(2000), id: 'evt_2' } });
    expect(withRuns.items[0]?.runs.map((r) => r.workflow_id)).toEqual(['wf_a']);
  });

  it('keeps each project to its own log', async () => {
    const a = projectDirectory(env, newProject());
    const b = projectDirectory(env, newProject());
    const e = event();
    await a.recordDispatch([e], runsFor(e, 'wf_a'), at(0));
    expect(await b.getEvent(e.id)).toBeNull();
    expect((await b.listEvents({ limit: 10 })).items).toEqual([]);
    expect(await b.dispatchedRuns(runsFor(e, 'wf_a').map((r) => r.id))).toEqual([]);
  });
});

describe('rejections', () => {
  function rejection(id: string, webhookId: string, lastAt: number, expiresAt = T0 + 90 * DAY): LoggedRejection {
    return { id, webhookId, reason: 'signature', httpStatus: 401, count: 3, firstAt: at(0), lastAt: at(lastAt), detail: 'The signature does not match.', expiresAt };
  }

  it('records each flush once and lists newest first, by webhook, in pages', async () => {
    const log = projectDirectory(env, newProject());
    const rows = [rejection('rej_1', 'wh_a', 1000), rejection('rej_2', 'wh_b', 2000), rejection('rej_3', 'wh_a', 3000)];
    await log.recordRejections(rows);
    await log.recordRejections(rows.slice(0, 1));

    const all = await log.listRejections({ limit: 10 });
    expect(all.items.map((r) => r.id)).toEqual(['rej_3', 'rej_2', 'rej_1']);
    expect(all.items[0]).toEqual({
      id: 'rej_3',
      webhookId: 'wh_a',
      reason: 'signature',
      httpStatus: 401,
      count: 3,
      firstAt: at(0),
      lastAt: at(3000),
      detail: 'The signature does not match.',
      requestId: null,
    });
    const first = await log.listRejections({ limit: 1, webhookId: 'wh_a' });
    expect(first.items.map((r) => r.id)).toEqual(['rej_3']);
    const second = await log.listRejections({ limit: 1, webhookId: 'wh_a', after: first.next ?? undefined });
    expect(second.items.map((r) => r.id)).toEqual(['rej_1']);
    expect(second.next).toBeNull();
  });
});

describe('the audit log', () => {
  it('appends each entry once and lists newest first in pages', async () => {
    const log = projectDirectory(env, newProject());
    const entries = [1, 2, 3].map((n) => ({
      id: `aud_${n}`,
      at: at(n * 1000),
      tokenId: 'tok_1',
      action: n === 2 ? 'event.payload.read' : 'webhook.patch',
      resourceId: n === 2 ? 'evt_1' : 'wh_a',
      outcome: 'ok',
    }));
    for (const e of entries) await log.appendAudit(e);
    await log.appendAudit({ ...(entries[0] as (typeof entries)[number]), outcome: 'changed?' });

    const first = await log.listAudit({ limit: 2 });
    expect(first.items).toEqual([entries[2], entries[1]]);
    expect(first.next).toEqual({ at: at(2000), id: 'aud_2' });
    const rest = await log.listAudit({ limit: 2, after: first.next ?? undefined });
    expect(rest.items).toEqual([entries[0]]);
    expect(rest.next).toBeNull();
  });
});

describe('expunging a payload', () => {
  it('deletes the claim-checked payload and run envelopes, then the sealed payload; the metadata stays', async () => {
    const projectA = newProject();
    const a = projectDirectory(env, projectA);
    const b = projectDirectory(env, newProject());
    const id = `evt_same_${crypto.randomUUID().slice(0, 8)}`;
    const inA = event({ id, sealedPayload: null, payloadKey: `events/${projectA}/${id}.json` });
    const inB = event({ id, sealedPayload: 'b-sealed', payloadKey: `events/other/${id}.json` });
    const runsA = runsFor(inA, 'wf_a', 'wf_b');
    const runsB = [{ id: `run_other_${id}`, eventId: id, workflowId: 'wf_c' }];
    for (const key of [inA.payloadKey, inB.payloadKey, ...[...runsA, ...runsB].map((r) => envelopeKey(r.id))]) {
      await env.PAYLOADS.put(key ?? '', 'sealed object');
    }
    await a.recordDispatch([inA], runsA, at(0));
    await b.recordDispatch([inB], runsB, at(0));

    expect(await a.expungePayload(id, at(1000))).toEqual({ outcome: 'expunged' });
    expect(await objectExists(inA.payloadKey ?? '')).toBe(false);
    for (const r of runsA) expect(await objectExists(envelopeKey(r.id))).toBe(false);
    expect(await a.getEvent(id)).toMatchObject({ status: 'dispatched', payloadState: 'expunged', sealedPayload: null, payloadKey: null, runs: [{}, {}] });

    expect(await a.expungePayload(id, at(2000))).toEqual({ outcome: 'already-gone', state: 'expunged' });
    expect(await a.expungePayload('evt_unknown', at(2000))).toEqual({ outcome: 'not-found' });

    // The other project's event of the same id keeps everything.
    expect(await b.getEvent(id)).toMatchObject({ payloadState: 'kept', sealedPayload: 'b-sealed', payloadKey: inB.payloadKey });
    expect(await objectExists(inB.payloadKey ?? '')).toBe(true);
    expect(await objectExists(envelopeKey(runsB[0]?.id ?? ''))).toBe(true);
  });

  it('does not bring an expunged payload back when a retry records the event again', async () => {
    const log = projectDirectory(env, newProject());
    const e = event();
    await log.recordFailedAttempt(e, 'attempt 1 failed', at(0));
    expect(await log.expungePayload(e.id, at(1))).toEqual({ outcome: 'expunged' });
    await log.recordDispatch([e], [], at(2));
    expect(await log.getEvent(e.id)).toMatchObject({ status: 'dispatched', payloadState: 'expunged', sealedPayload: null });
  });
});

describe('retention', () => {
  it('deletes expired payloads everywhere they are kept, then expired metadata, and no other project’s', async () => {
    const projectA = newProject();
    const a = projectDirectory(env, projectA);
    const b = projectDirectory(env, newProject());
    const e = event({ sealedPayload: null, payloadKey: `events/${projectA}/retained.json`, payloadExpiresAt: T0 + DAY, metadataExpiresAt: T0 + 3 * DAY });
    const runs = runsFor(e, 'wf_a');
    const other = event({ payloadExpiresAt: T0 + DAY, metadataExpiresAt: T0 + 3 * DAY });
    for (const key of [e.payloadKey ?? '', envelopeKey(runs[0]?.id ?? '')]) await env.PAYLOADS.put(key, 'sealed object');
    await a.recordDispatch([e], runs, at(0));
    await b.recordDispatch([other], [], at(0));

    // Before anything is due, nothing goes.
    const early = await runInDurableObject(a, (_instance, state) => runRetention(state.storage, env.PAYLOADS, T0 + DAY - 1));
    expect(early).toEqual({ payloadsExpired: 0, eventsDeleted: 0, rejectionsDeleted: 0, requestBodiesExpired: 0, requestsDeleted: 0, auditDeleted: 0, more: false });

    const payloadPass = await runInDurableObject(a, (_instance, state) => runRetention(state.storage, env.PAYLOADS, T0 + 2 * DAY));
    expect(payloadPass).toMatchObject({ payloadsExpired: 1, eventsDeleted: 0, more: false });
    expect(await objectExists(e.payloadKey ?? '')).toBe(false);
    expect(await objectExists(envelopeKey(runs[0]?.id ?? ''))).toBe(false);
    expect(await a.getEvent(e.id)).toMatchObject({ status: 'dispatched', payloadState: 'expired', sealedPayload: null, payloadKey: null, runs: [{ workflow_id: 'wf_a' }] });
    expect(await a.expungePayload(e.id, at(2 * DAY))).toEqual({ outcome: 'already-gone', state: 'expired' });

    const metadataPass = await runInDurableObject(a, (_instance, state) => runRetention(state.storage, env.PAYLOADS, T0 + 3 * DAY));
    expect(metadataPass).toMatchObject({ payloadsExpired: 0, eventsDeleted: 1 });
    expect(await a.getEvent(e.id)).toBeNull();
    expect(await a.dispatchedRuns(runs.map((r) => r.id))).toEqual([]);

    expect(await b.getEvent(other.id)).toMatchObject({ payloadState: 'kept', sealedPayload: 'sealed-text' });
  });

  it('never deletes an event whose payload it has not deleted yet, and keeps the payload no longer than the metadata', async () => {
    const log = projectDirectory(env, newProject());
    // A payload retention longer than the metadata's is cut to the metadata's.
    const e = event({ payloadExpiresAt: T0 + 10 * DAY, metadataExpiresAt: T0 + 2 * DAY });
    await log.recordDispatch([e], [], at(0));
    const pass = await runInDurableObject(log, (_instance, state) => runRetention(state.storage, env.PAYLOADS, T0 + 2 * DAY));
    expect(pass).toMatchObject({ payloadsExpired: 1, eventsDeleted: 1 });
    expect(await log.getEvent(e.id)).toBeNull();
  });

  it('deletes rejections past their expiry and audit entries older than six years', async () => {
    const log = projectDirectory(env, newProject());
    const base = { webhookId: 'wh_a', reason: 'signature', httpStatus: 401, count: 1, firstAt: at(0), lastAt: at(0), detail: 'Bad signature.' };
    await log.recordRejections([
      { ...base, id: 'rej_old', expiresAt: T0 + DAY },
      { ...base, id: 'rej_new', expiresAt: T0 + 5 * DAY },
    ]);
    const audit = { tokenId: 'tok_1', action: 'webhook.create', resourceId: 'wh_a', outcome: 'ok' };
    await log.appendAudit({ ...audit, id: 'aud_old', at: at(0) });
    await log.appendAudit({ ...audit, id: 'aud_new', at: at(DAY) });

    const sixYearsOn = auditExpiresAt(at(0));
    expect(sixYearsOn).toBeGreaterThan(T0 + 6 * 365 * DAY);
    const pass = await runInDurableObject(log, (_instance, state) => runRetention(state.storage, env.PAYLOADS, sixYearsOn));
    expect(pass).toMatchObject({ rejectionsDeleted: 2, auditDeleted: 1 });
    expect((await log.listAudit({ limit: 10 })).items.map((e) => e.id)).toEqual(['aud_new']);
    expect((await log.listRejections({ limit: 10 })).items).toEqual([]);
  });

  it('sets the alarm to the earliest expiry as writes arrive', async () => {
    const log = projectDirectory(env, newProject());
    const alarm = () => runInDurableObject(log, (_instance, state) => state.storage.getAlarm());
    expect(await alarm()).toBeNull();
    await log.recordDispatch([event({ payloadExpiresAt: T0 + 30 * DAY })], [], at(0));
    expect(await alarm()).toBe(T0 + 30 * DAY);
    await log.recordFailedAttempt(event({ payloadExpiresAt: T0 + 10 * DAY }), 'failed', at(0));
    expect(await alarm()).toBe(T0 + 10 * DAY);
    await log.recordDead(event({ payloadExpiresAt: T0 + 20 * DAY }), 'dead', at(0));
    expect(await alarm()).toBe(T0 + 10 * DAY);
  });

  it('bounds each pass and reschedules at once while more is due, then at the next expiry', async () => {
    const log = projectDirectory(env, newProject());
    const due = [1, 2, 3].map(() => event({ payloadExpiresAt: T0 + DAY, metadataExpiresAt: T0 + 5 * DAY }));
    await log.recordDispatch(due, [], at(0));
    const now = T0 + 2 * DAY;

    const first = await runInDurableObject(log, (_instance, state) => retentionAlarm(state.storage, env.PAYLOADS, now, 2));
    expect(first).toMatchObject({ payloadsExpired: 2, more: true });
    expect(await runInDurableObject(log, (_instance, state) => state.storage.getAlarm())).toBe(now + RETENTION_CONTINUE_DELAY_MS);

    const second = await runInDurableObject(log, (_instance, state) => retentionAlarm(state.storage, env.PAYLOADS, now + RETENTION_CONTINUE_DELAY_MS, 2));
    expect(second).toMatchObject({ payloadsExpired: 1, more: false });
    expect(await runInDurableObject(log, (_instance, state) => state.storage.getAlarm())).toBe(T0 + 5 * DAY);
    expect((await log.listEvents({ limit: 10 })).items.map((e) => e.payloadState)).toEqual(['expired', 'expired', 'expired']);
  });
});

describe('what the log stores', () => {
  it('holds a payload only as the sealed text it was given', async () => {
    const log = projectDirectory(env, newProject());
    const key = await crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'AES-GCM', false, ['encrypt', 'decrypt']);
    const plaintext = '{"patient_id":"p-secret-4711","diagnosis":"confidential"}';
    const e = event();
    const sealed = await sealText(key, plaintext, payloadAad(e.id));
    await log.recordDispatch([{ ...e, sealedPayload: sealed }], runsFor(e, 'wf_a'), at(0));

    const cells = await runInDurableObject(log, (_instance, state) => {
      const tables = state.storage.sql
        .exec<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`)
        .toArray();
      return tables.flatMap(({ name }) =>
        state.storage.sql
          .exec(`SELECT * FROM "${name}"`)
          .toArray()
          .flatMap((row) => Object.values(row).map((v) => (typeof v === 'string' ? v : String(v)))),
      );
    });
    expect(cells).toContain(sealed);
    expect(cells.some((c) => c.includes('p-secret-4711') || c.includes('confidential'))).toBe(false);
    expect((await log.getEvent(e.id))?.sealedPayload).toBe(sealed);
  });
});

describe('payloads sealed as bytes', () => {
  it('keeps them in the BLOB column, returns them as they were given, and opens them', async () => {
    const log = projectDirectory(env, newProject());
    const key = await crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'AES-GCM', false, ['encrypt', 'decrypt']);
    const plaintext = '{"patient_id":"p-secret-4711","diagnosis":"confidential"}';
    const e = event();
    const sealed = await sealPayload(key, new TextEncoder().encode(plaintext), payloadAad(e.id));
    await log.recordDispatch([{ ...e, sealedPayload: sealed }], runsFor(e, 'wf_a'), at(0));

    const stored = await runInDurableObject(log, (_instance, state) =>
      state.storage.sql.exec<{ t: string; b: string; n: number }>(`SELECT typeof(sealed_payload) AS t, typeof(sealed_payload_bytes) AS b, length(sealed_payload_bytes) AS n FROM events WHERE id = ?`, e.id).one(),
    );
    // A third smaller than base64 text would be: the payload, the IV, the tag and one format byte.
    expect(stored).toEqual({ t: 'null', b: 'blob', n: plaintext.length + 29 });
    const back = (await log.getEvent(e.id))?.sealedPayload;
    expect(back).toBeInstanceOf(Uint8Array);
    expect(back).toEqual(sealed);
    expect(await openPayloadText(key, back ?? '', payloadAad(e.id))).toBe(plaintext);
    await expect(openPayloadText(key, back ?? '', payloadAad('evt_other'))).rejects.toThrow();
  });

  it('still reads the text form of events recorded before a version-3 store migrated, and writes bytes after', async () => {
    const log = projectDirectory(env, newProject());
    const key = await crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'AES-GCM', false, ['encrypt', 'decrypt']);
    const old = event();
    const oldSealed = await sealText(key, '{"old":true}', payloadAad(old.id));
    await log.recordDispatch([{ ...old, sealedPayload: oldSealed }], [], at(0));
    await runInDurableObject(log, (_instance, state) => {
      state.storage.sql.exec('ALTER TABLE events DROP COLUMN sealed_payload_bytes');
      state.storage.sql.exec(`UPDATE log_meta SET value = '3' WHERE key = 'schema_version'`);
      migrateLogStorage(state.storage);
    });
    const later = event();
    await log.recordDispatch([{ ...later, sealedPayload: await sealPayload(key, new TextEncoder().encode('{"new":true}'), payloadAad(later.id)) }], [], at(1));
    expect(await openPayloadText(key, (await log.getEvent(old.id))?.sealedPayload ?? '', payloadAad(old.id))).toBe('{"old":true}');
    expect(await openPayloadText(key, (await log.getEvent(later.id))?.sealedPayload ?? '', payloadAad(later.id))).toBe('{"new":true}');
  });
});

describe('the storage schema', () => {
  it('records its version and migrates again as a no-op when the object wakes', async () => {
    const log = projectDirectory(env, newProject());
    const e = event();
    await log.recordDispatch([e], [], at(0));
    const version = await runInDurableObject(log, (_instance, state) => {
      migrateLogStorage(state.storage);
      return state.storage.sql.exec<{ value: string }>(`SELECT value FROM log_meta WHERE key = 'schema_version'`).one().value;
    });
    expect(version).toBe(String(SCHEMA_VERSION));
    expect(await log.getEvent(e.id)).toMatchObject({ id: e.id });
  });
});

describe('the change feed', () => {
  const refusal = (id: string, webhookId = 'wh_a'): LoggedRejection => ({
    id,
    webhookId,
    reason: 'schema-mismatch',
    httpStatus: 400,
    count: 2,
    firstAt: at(0),
    lastAt: at(0),
    detail: 'The payload does not match.',
    requestId: 'req_1',
    expiresAt: T0 + 90 * DAY,
  });

  it('numbers each new event, status or run change and refusal row once, and shows each row as it is now', async () => {
    const projectId = newProject();
    const log = projectDirectory(env, projectId);
    // Written as segment 0 (the log from before segments), read through the client as callers do.
    const project = projectLog(env, projectId);
    const e = event();
    await log.recordFailedAttempt(e, 'runtime unavailable', at(0));
    // A retry's new error is not a change; the same refusal row recorded twice is one change.
    await log.recordFailedAttempt(e, 'runtime still unavailable', at(1));
    await log.recordRejections([refusal('rej_1')]);
    await log.recordRejections([refusal('rej_1')]);
    const start = await project.feed({ limit: 10 });
    expect(start.items.map((i) => [i.kind, i.seq])).toEqual([
      ['event', 1],
      ['refusal', 2],
    ]);
    expect(start.next).toBe(2);

    await log.recordDispatch([e], runsFor(e, 'wf_a'), at(2));
    // Repeating the same dispatch changes nothing; a new run for the event is a change.
    await log.recordDispatch([e], runsFor(e, 'wf_a'), at(3));
    const afterDispatch = await project.feed({ after: start.next, limit: 10 });
    expect(afterDispatch.items).toMatchObject([{ seq: 3, kind: 'event', event: { id: e.id, status: 'dispatched', runs: [{ workflow_id: 'wf_a' }] } }]);
    await log.recordDispatch([e], runsFor(e, 'wf_a', 'wf_b'), at(4));
    const afterRun = await project.feed({ after: afterDispatch.next, limit: 10 });
    expect(afterRun.items.map((i) => i.seq)).toEqual([4]);
    // Moved: the event now sits at its latest change only.
    expect((await project.feed({ limit: 10 })).items.map((i) => [i.kind, i.seq])).toEqual([
      ['refusal', 2],
      ['event', 4],
    ]);
    const nothing = await project.feed({ after: afterRun.next, limit: 10 });
    expect(nothing).toEqual({ items: [], next: 4, more: false });
  });

  it('pages oldest first after a cursor, filters by webhook, and starts an empty log at 0', async () => {
    const projectId = newProject();
    const log = projectDirectory(env, projectId);
    // Written as segment 0 (the log from before segments), read through the client as callers do.
    const project = projectLog(env, projectId);
    expect(await project.feed({ limit: 5 })).toEqual({ items: [], next: 0, more: false });
    const events = [event({ webhookId: 'wh_a' }), event({ webhookId: 'wh_b' }), event({ webhookId: 'wh_a' })];
    for (const e of events) await log.recordDispatch([e], [], at(0));
    await log.recordRejections([refusal('rej_b', 'wh_b')]);
    const first = await project.feed({ after: 0, limit: 2 });
    expect(first.items.map((i) => i.seq)).toEqual([1, 2]);
    expect(first.more).toBe(true);
    const rest = await project.feed({ after: first.next, limit: 2 });
    expect(rest.items.map((i) => i.seq)).toEqual([3, 4]);
    expect(rest.more).toBe(false);
    const onlyB = await project.feed({ after: 0, webhookId: 'wh_b', limit: 10 });
    expect(onlyB.items.map((i) => (i.kind === 'event' ? i.event.id : i.refusal.id))).toEqual([events[1]?.id, 'rej_b']);
    // The last `limit` changes, oldest first.
    expect((await project.feed({ limit: 2 })).items.map((i) => i.seq)).toEqual([3, 4]);
  });
});

describe('hourly stats', () => {
  it('counts events by received hour and refusals by the hour of their last_at, per webhook and reason', async () => {
    const log = projectDirectory(env, newProject());
    const hour = (h: number, m = 0) => `2026-11-30T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00.000Z`;
    for (const [webhookId, receivedAt] of [
      ['wh_a', hour(10, 5)],
      ['wh_a', hour(10, 59)],
      ['wh_b', hour(11, 0)],
      ['wh_a', hour(12, 0)],
    ] as const) {
      await log.recordDispatch([event({ webhookId, receivedAt })], [], at(0));
    }
    const rej = (id: string, reason: string, lastAt: string, count: number): LoggedRejection => ({
      id,
      webhookId: 'wh_a',
      reason,
      httpStatus: 400,
      count,
      firstAt: hour(9, 59),
      lastAt,
      detail: 'x',
      expiresAt: T0 + DAY,
    });
    await log.recordRejections([rej('rej_1', 'invalid-json', hour(10, 1), 3), rej('rej_2', 'bad-signature', hour(10, 30), 2), rej('rej_3', 'invalid-json', hour(11, 30), 1)]);
    const stats = await log.stats({ from: hour(10), to: hour(12) });
    const sorted = <T extends { hour: string; webhookId: string }>(rows: T[]) => [...rows].sort((a, b) => `${a.hour}${a.webhookId}`.localeCompare(`${b.hour}${b.webhookId}`));
    expect(sorted(stats.accepted)).toEqual([
      { hour: '2026-11-30T10', webhookId: 'wh_a', count: 2 },
      { hour: '2026-11-30T11', webhookId: 'wh_b', count: 1 },
    ]);
    expect(stats.refused.map((r) => [r.hour, r.reason, r.count]).sort()).toEqual([
      ['2026-11-30T10', 'bad-signature', 2],
      ['2026-11-30T10', 'invalid-json', 3],
      ['2026-11-30T11', 'invalid-json', 1],
    ]);
    expect((await log.stats({ from: hour(10), to: hour(13), webhookId: 'wh_b' })).accepted).toEqual([{ hour: '2026-11-30T11', webhookId: 'wh_b', count: 1 }]);
  });
});

describe('requests kept for replay', () => {
  let n = 0;
  function kept(overrides: Partial<KeptRequestInput> = {}): KeptRequestInput {
    n += 1;
    return {
      id: `req_${n}_${crypto.randomUUID().slice(0, 8)}`,
      webhookId: 'wh_a',
      reason: 'schema-mismatch',
      httpStatus: 400,
      detail: 'The payload does not match.',
      errors: [{ path: '/a', message: 'Expected a string' }],
      contentType: 'application/json',
      deliveryId: null,
      eventId: `evt_kept_${n}`,
      receivedAt: at(n * 1000),
      sealedBody: 'sealed-body',
      bodyKey: null,
      bodyExpiresAt: T0 + 3 * DAY,
      expiresAt: T0 + 90 * DAY,
      ...overrides,
    };
  }

  it('keeps each request of a batch once, lists newest first by webhook and reason, and marks a replay once', async () => {
    const log = projectDirectory(env, newProject());
    const a = kept();
    const b = kept({ webhookId: 'wh_b', reason: 'invalid-json', errors: null });
    await log.keepRequests([a, b]);
    await log.keepRequests([{ ...a, detail: 'changed by a retry?' }]);
    await log.keepRequests([]);
    expect(await log.getRequest(a.id)).toMatchObject({ id: a.id, detail: a.detail, errors: a.errors, payloadState: 'kept', sealedBody: 'sealed-body', replayedAt: null });
    expect((await log.listRequests({ limit: 10 })).items.map((r) => r.id)).toEqual([b.id, a.id]);
    expect((await log.listRequests({ limit: 10, webhookId: 'wh_a' })).items.map((r) => r.id)).toEqual([a.id]);
    expect((await log.listRequests({ limit: 10, reason: 'invalid-json' })).items.map((r) => r.id)).toEqual([b.id]);
    const page = await log.listRequests({ limit: 1 });
    expect((await log.listRequests({ limit: 1, after: page.next ?? undefined })).items.map((r) => r.id)).toEqual([a.id]);

    expect(await log.markReplayed(a.id, at(5))).toEqual({ outcome: 'marked', at: at(5) });
    expect(await log.markReplayed(a.id, at(6))).toEqual({ outcome: 'already', at: at(5) });
    expect(await log.markReplayed('req_nope', at(6))).toEqual({ outcome: 'not-found' });
  });

  it('deletes a body at its expiry (R2 first), then the row at its own, and sets the alarm for both', async () => {
    const log = projectDirectory(env, newProject());
    const large = kept({ sealedBody: null, bodyKey: `requests/test-${crypto.randomUUID()}.body`, bodyExpiresAt: T0 + DAY, expiresAt: T0 + 2 * DAY });
    await env.PAYLOADS.put(large.bodyKey ?? '', 'sealed object');
    // In one batch with a later one: the alarm is set for the batch's first expiry.
    await log.keepRequests([kept({ bodyExpiresAt: T0 + 3 * DAY }), large]);
    expect(await runInDurableObject(log, (_instance, state) => state.storage.getAlarm())).toBe(T0 + DAY);

    const bodyPass = await runInDurableObject(log, (_instance, state) => runRetention(state.storage, env.PAYLOADS, T0 + DAY));
    expect(bodyPass).toMatchObject({ requestBodiesExpired: 1, requestsDeleted: 0 });
    expect(await objectExists(large.bodyKey ?? '')).toBe(false);
    expect(await log.getRequest(large.id)).toMatchObject({ payloadState: 'expired', sealedBody: null, bodyKey: null });
    expect(await log.expungeRequest(large.id, at(DAY))).toEqual({ outcome: 'already-gone', state: 'expired' });

    const rowPass = await runInDurableObject(log, (_instance, state) => runRetention(state.storage, env.PAYLOADS, T0 + 2 * DAY));
    expect(rowPass).toMatchObject({ requestsDeleted: 1 });
    expect(await log.getRequest(large.id)).toBeNull();
  });

  it('erases a kept body when it is expunged, or when the event it became is expunged', async () => {
    const log = projectDirectory(env, newProject());
    const direct = kept();
    await log.keepRequests([direct]);
    expect(await log.expungeRequest(direct.id, at(1))).toEqual({ outcome: 'expunged' });
    expect(await log.getRequest(direct.id)).toMatchObject({ payloadState: 'expunged', sealedBody: null });
    expect(await log.expungeRequest('req_nope', at(1))).toEqual({ outcome: 'not-found' });

    const replayed = kept();
    await log.keepRequests([replayed]);
    await log.recordDispatch([event({ id: replayed.eventId })], [], at(2));
    expect(await log.expungePayload(replayed.eventId, at(3))).toEqual({ outcome: 'expunged' });
    expect(await log.getRequest(replayed.id)).toMatchObject({ payloadState: 'expunged', sealedBody: null });
  });
});

describe('migrating a version-1 store', () => {
  it('adds the feed columns, kept requests and the change sequence, keeping every row', async () => {
    const projectId = newProject();
    const log = projectDirectory(env, projectId);
    // Written as segment 0 (the log from before segments), read through the client as callers do.
    const project = projectLog(env, projectId);
    const old = event();
    await log.recordDispatch([old], [], at(0));
    // Back to what version 1 had, then forward again as an object waking under new code would.
    const version = await runInDurableObject(log, (_instance, state) => {
      const sql = state.storage.sql;
      for (const statement of [
        'DROP TABLE kept_requests',
        'DROP TABLE late_changes',
        'DROP TABLE segments',
        'DROP INDEX events_seq',
        'DROP INDEX rejections_seq',
        'ALTER TABLE events DROP COLUMN seq',
        'ALTER TABLE rejections DROP COLUMN seq',
        'ALTER TABLE rejections DROP COLUMN request_id',
        'ALTER TABLE events DROP COLUMN sealed_payload_bytes',
        `DELETE FROM log_meta WHERE key = 'change_seq'`,
        `UPDATE log_meta SET value = '1' WHERE key = 'schema_version'`,
      ]) {
        sql.exec(statement);
      }
      migrateLogStorage(state.storage);
      return sql.exec<{ value: string }>(`SELECT value FROM log_meta WHERE key = 'schema_version'`).one().value;
    });
    expect(version).toBe(String(SCHEMA_VERSION));
    expect(await log.getEvent(old.id)).toMatchObject({ id: old.id, status: 'dispatched' });
    // A row from version 1 has no change number until it changes.
    expect((await project.feed({ limit: 10 })).items).toEqual([]);
    await log.recordDispatch([old], runsFor(old, 'wf_a'), at(1));
    expect((await project.feed({ limit: 10 })).items.map((i) => i.seq)).toEqual([1]);
  });
});
