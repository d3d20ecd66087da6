/**
 * A new event is numbered for the feed by its own insert: an UPDATE of its row after the insert
 * would grow the record (seq NULL to an integer), and SQLite would write all of it again, sealed
 * payload included. An event already here whose status moves is renumbered, as before.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { expect, it } from 'vitest';
import * as events from '../../shared/eventlog/segment-events';
import type { SegmentStore } from '../../shared/eventlog/segment-store';
import { LogSql, migrateLogStorage } from '../../shared/eventlog/storage';
import type { LoggedEvent } from '../../shared/eventlog/types';

const DAY = 86_400_000;

function event(id: string): LoggedEvent {
  const now = Date.now();
  return {
    id,
    webhookId: 'wh_a',
    deliveryId: null,
    receivedAt: new Date(now).toISOString(),
    sealedPayload: new Uint8Array(65_536).fill(7),
    payloadKey: null,
    payloadExpiresAt: now + 30 * DAY,
    metadataExpiresAt: now + 90 * DAY,
  };
}

/** The segment's store, with every statement it runs written down. */
function watchedStore(storage: DurableObjectStorage, statements: string[]): SegmentStore {
  const sql = storage.sql;
  const watched = { exec: (query: string, ...params: SqlStorageValue[]) => (statements.push(query.replace(/\s+/g, ' ').trim()), sql.exec(query, ...params)) };
  return { storage, sql: new LogSql(watched as SqlStorage), payloads: env.PAYLOADS };
}

function seqOf(storage: DurableObjectStorage, id: string): number | null {
  return storage.sql.exec<{ seq: number | null }>(`SELECT seq FROM events WHERE id = ?`, id).one().seq;
}

it('numbers new events in their inserts, with no update of their rows after it', async () => {
  const stub = env.LOG_SEGMENTS.get(env.LOG_SEGMENTS.idFromName('change-numbers-new'));
  await runInDurableObject(stub, (_object, state) => {
    migrateLogStorage(state.storage);
    const statements: string[] = [];
    const store = watchedStore(state.storage, statements);
    const batch = [event('evt_n1'), event('evt_n2'), event('evt_n3')];
    const runs = batch.map((e) => ({ id: `run_${e.id}`, eventId: e.id, workflowId: 'wf_a' }));

    const changed = events.recordDispatch(store, batch, runs, new Date().toISOString());

    expect(changed.sort()).toEqual(['evt_n1', 'evt_n2', 'evt_n3']);
    expect(statements.filter((s) => s.startsWith('UPDATE events'))).toEqual([]);
    const seqs = batch.map((e) => seqOf(state.storage, e.id));
    expect(seqs.every((s) => typeof s === 'number')).toBe(true);
    expect(new Set(seqs).size).toBe(3);
  });
});

it('renumbers an event already here when its status moves, and not when only its error changes', async () => {
  const stub = env.LOG_SEGMENTS.get(env.LOG_SEGMENTS.idFromName('change-numbers-moved'));
  await runInDurableObject(stub, (_object, state) => {
    migrateLogStorage(state.storage);
    const statements: string[] = [];
    const store = watchedStore(state.storage, statements);
    const waiting = event('evt_m1');
    expect(events.record(store, waiting, 'accepted', 'the runtime was unavailable', new Date().toISOString())).toBe(true);
    const first = seqOf(state.storage, waiting.id);

    expect(events.record(store, waiting, 'accepted', 'still unavailable', new Date().toISOString())).toBe(false);
    expect(seqOf(state.storage, waiting.id)).toBe(first);

    statements.length = 0;
    expect(events.recordDispatch(store, [waiting], [], new Date().toISOString())).toEqual(['evt_m1']);
    expect(statements.filter((s) => s.startsWith('UPDATE events SET seq'))).toHaveLength(1);
    expect(seqOf(state.storage, waiting.id)).toBeGreaterThan(first ?? Infinity);
  });
});
