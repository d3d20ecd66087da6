/**
 * Shape summaries (shared/health/shapes.ts): the paths and types of accepted events per webhook and
 * hour, with maps collapsed to `*`, never a value and never a key that is data, within bounds.
 */
import { describe, expect, it } from 'vitest';
import { collapseDataKeys, isDataKey, sampleForShapes, SHAPE_LIMITS, summariseShapes, type ShapeInput } from '../../shared/health/shapes';
import type { ShapeObservation } from '../../shared/health/types';

const AT = '2026-03-01T10:15:00.000Z';
const HOUR = Math.floor(Date.parse(AT) / 3_600_000);
const SENTINEL = 'SENTINEL-VALUE-7f3a9c';

function event(payload: unknown, webhookId = 'wh_a', receivedAt = AT): ShapeInput {
  return { webhookId, receivedAt, json: JSON.stringify(payload) };
}

function pathsOf(observation: ShapeObservation | undefined): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const { path, type, count } of observation?.paths ?? []) (out[path] ??= {})[type] = count;
  return out;
}

describe('summariseShapes', () => {
  it('records every path with its type, integer apart from number, arrays as /*', () => {
    const [summary] = summariseShapes([
      event({ id: 'p1', score: 3, ratio: 0.5, ok: true, note: null, patient: { name: 'x' }, entries: [{ code: 'a' }, { code: 7 }], tags: [] }),
    ]);
    expect(summary).toMatchObject({ webhookId: 'wh_a', hour: HOUR, eventsSeen: 1, eventsSummarised: 1 });
    expect(pathsOf(summary)).toEqual({
      '/id': { string: 1 },
      '/score': { integer: 1 },
      '/ratio': { number: 1 },
      '/ok': { boolean: 1 },
      '/note': { null: 1 },
      '/patient': { object: 1 },
      '/patient/name': { string: 1 },
      '/entries': { array: 1 },
      '/entries/*': { object: 1 },
      '/entries/*/code': { string: 1, integer: 1 },
      '/tags': { array: 1 },
    });
  });

  it('counts a (path, type) once per event, however many array items have it', () => {
    const [summary] = summariseShapes([event({ items: [{ sku: 'a' }, { sku: 'b' }, { sku: 'c' }] }), event({ items: [{ sku: 'd' }] }), event({ other: 1 })]);
    expect(summary?.eventsSummarised).toBe(3);
    expect(pathsOf(summary)['/items/*/sku']).toEqual({ string: 2 });
    expect(pathsOf(summary)['/other']).toEqual({ integer: 1 });
  });

  it('escapes keys as JSON Pointer tokens', () => {
    const [summary] = summariseShapes([event({ 'a/b': 1, 'c~d': 2 })]);
    expect(Object.keys(pathsOf(summary))).toEqual(['/a~1b', '/c~0d']);
  });

  it('groups by webhook and epoch hour', () => {
    const observations = summariseShapes([event({ a: 1 }), event({ a: 1 }, 'wh_a', '2026-03-01T11:01:00.000Z'), event({ b: 1 }, 'wh_b')]);
    expect(observations.map((o) => [o.webhookId, o.hour - HOUR, o.eventsSummarised])).toEqual([
      ['wh_a', 0, 1],
      ['wh_a', 1, 1],
      ['wh_b', 0, 1],
    ]);
  });

  it('collapses an object with more than 50 distinct keys across the events into one * segment', () => {
    // 60 field names spread over three events, at most 20 in any one of them.
    const events = [0, 1, 2].map((part) => event({ labs: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`analyte_${String.fromCharCode(97 + part)}${i}`, { value: SENTINEL, unit: 'mg' }])) }));
    const [summary] = summariseShapes(events);
    expect(pathsOf(summary)).toEqual({
      '/labs': { object: 3 },
      '/labs/*': { object: 3 },
      '/labs/*/value': { string: 3 },
      '/labs/*/unit': { string: 3 },
    });
    expect(JSON.stringify(summary)).not.toContain('analyte_');
  });

  it('keeps an object with 50 distinct keys or fewer by name', () => {
    const fields = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`field_${String.fromCharCode(97 + (i % 26))}${Math.floor(i / 26)}`, 1]));
    const [summary] = summariseShapes([event({ form: fields })]);
    expect(Object.keys(pathsOf(summary)).filter((p) => p.startsWith('/form/'))).toHaveLength(50);
    expect(pathsOf(summary)['/form/*']).toBeUndefined();
  });

  it('collapses keys that look like data (ids, uuids, dates, numbers, emails), whatever their number', () => {
    const payload = {
      by_id: { '12345': { n: 1 }, '67890': { n: 2 } },
      by_uuid: { '2b1f8e3a-5c1d-4b7e-9a2f-0c3d4e5f6a7b': true },
      by_day: { '2026-03-01': 4, '2026-03-02T10:00:00Z': 5 },
      by_customer: { cus_9Xa81bQ2: 'x', 'sentinel.person@example.org': 'y' },
      by_phone: { '+1 (555) 010-9999': 'z' },
      by_hash: { '5f4dcc3b5aa765d61d8327deb882cf99': 1 },
      named: { status: 'ok' },
    };
    const [summary] = summariseShapes([event(payload)]);
    const paths = pathsOf(summary);
    expect(paths['/by_id/*/n']).toEqual({ integer: 1 });
    expect(paths['/by_uuid/*']).toEqual({ boolean: 1 });
    expect(paths['/by_day/*']).toEqual({ integer: 1 });
    expect(paths['/by_customer/*']).toEqual({ string: 1 });
    expect(paths['/by_phone/*']).toEqual({ string: 1 });
    expect(paths['/by_hash/*']).toEqual({ integer: 1 });
    expect(paths['/named/status']).toEqual({ string: 1 });
    const text = JSON.stringify(summary);
    for (const key of ['12345', '2b1f8e3a', '2026-03-01', 'cus_9Xa81bQ2', 'sentinel.person', '555', '5f4dcc3b']) expect(text).not.toContain(key);
  });

  it('never keeps a value: a sentinel anywhere in the payloads never appears in the output', () => {
    const payload = {
      text: SENTINEL,
      list: [SENTINEL, { deep: SENTINEL }],
      nested: { a: { b: { c: SENTINEL } } },
      map: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`key_${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`, SENTINEL])),
      [`${SENTINEL}@example.com`]: SENTINEL,
      [SENTINEL.repeat(4)]: 1,
    };
    const observations = summariseShapes([event(payload), event({ ...payload, extra: [SENTINEL] })]);
    expect(observations).toHaveLength(1);
    expect(JSON.stringify(observations)).not.toContain('SENTINEL');
    expect(JSON.stringify(observations)).not.toContain('7f3a9c');
  });

  it('walks no deeper than 32 segments', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 40; i++) deep = { level: deep };
    const [summary] = summariseShapes([event(deep)]);
    const depths = (summary?.paths ?? []).map((p) => p.path.split('/').length - 1);
    expect(Math.max(...depths)).toBe(SHAPE_LIMITS.MAX_DEPTH);
    expect(summary?.paths).toHaveLength(SHAPE_LIMITS.MAX_DEPTH);
  });

  it('keeps at most maxPathsPerEvent paths of one event (2,000 by default)', () => {
    expect(SHAPE_LIMITS.MAX_PATHS_PER_EVENT).toBe(2_000);
    const wide = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f_${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`, { x: 1 }]));
    const [summary] = summariseShapes([event(wide)], { maxPathsPerEvent: 10 });
    expect(new Set(summary?.paths.map((p) => p.path)).size).toBe(10);
    const [whole] = summariseShapes([event(wide)]);
    expect(new Set(whole?.paths.map((p) => p.path)).size).toBe(80);
  });

  it('reads a long array from its start within the values budget', () => {
    const items = Array.from({ length: 50_000 }, () => 1);
    items.push(0.5);
    const [summary] = summariseShapes([event({ items })]);
    // The fraction at the end lies past the budget: not described, and the walk stays bounded.
    expect(pathsOf(summary)['/items/*']).toEqual({ integer: 1 });
  });

  it('counts an event it cannot read as seen, not summarised', () => {
    const [summary] = summariseShapes([{ webhookId: 'wh_a', receivedAt: AT, json: '{not json' }, event({ a: 1 }), event({ big: 'x'.repeat(300 * 1024) })]);
    expect(summary).toMatchObject({ eventsSeen: 3, eventsSummarised: 1 });
  });

  it('reports eventsSeen from the whole batch when only a sample is summarised', () => {
    const batch = Array.from({ length: 50 }, (_, i) => ({
      webhook_id: i % 5 === 0 ? 'wh_b' : 'wh_a',
      received_at: i < 25 ? AT : '2026-03-01T11:30:00.000Z',
      body: { n: i, ...(i % 2 === 0 ? { even: true } : {}) },
    }));
    const sample = sampleForShapes(batch, 20, (e) => e.webhook_id);
    const observations = summariseShapes(
      sample.map((e) => ({ webhookId: e.webhook_id, receivedAt: e.received_at, json: JSON.stringify(e.body) })),
      { seen: batch.map((e) => ({ webhookId: e.webhook_id, receivedAt: e.received_at })) },
    );
    const total = (webhookId: string, field: 'eventsSeen' | 'eventsSummarised') => observations.filter((o) => o.webhookId === webhookId).reduce((sum, o) => sum + o[field], 0);
    expect([total('wh_a', 'eventsSeen'), total('wh_a', 'eventsSummarised')]).toEqual([40, 20]);
    expect([total('wh_b', 'eventsSeen'), total('wh_b', 'eventsSummarised')]).toEqual([10, 10]);
    // The sample spreads over the batch: both hours of wh_a are summarised.
    expect(observations.filter((o) => o.webhookId === 'wh_a' && o.eventsSummarised > 0)).toHaveLength(2);
  });

  it('summarises a busy batch quickly', () => {
    const payload = { patient: { id: 'p1', name: { given: 'A', family: 'B' } }, entries: Array.from({ length: 200 }, (_, i) => ({ code: `c${i}`, value: i, flags: ['x'] })), meta: { source: 'ehr', at: AT } };
    const inputs = Array.from({ length: 500 }, () => event(payload));
    const started = performance.now();
    const [summary] = summariseShapes(inputs);
    expect(summary?.eventsSummarised).toBe(500);
    // Generous: a few milliseconds per thousand events on a laptop; this only catches a blow-up.
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('sampleForShapes', () => {
  it('takes at most perWebhook items of each webhook, spread over the batch, in batch order', () => {
    const items = Array.from({ length: 100 }, (_, i) => ({ id: i, webhook: i < 90 ? 'a' : 'b' }));
    const sample = sampleForShapes(items, 20, (item) => item.webhook);
    expect(sample.filter((s) => s.webhook === 'a')).toHaveLength(20);
    expect(sample.filter((s) => s.webhook === 'b')).toHaveLength(10);
    const ids = sample.map((s) => s.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(Math.max(...sample.filter((s) => s.webhook === 'a').map((s) => s.id))).toBeGreaterThan(80);
  });

  it('samples a sender whose events repeat a pattern in proportion, not in one phase of it', () => {
    // 3 in 10 carry a new field, in a fixed pattern; every 5th event would see 5 in 10.
    const items = Array.from({ length: 1_000 }, (_, i) => ({ id: i, marked: i % 10 < 3 }));
    let marked = 0;
    for (let round = 0; round < 50; round += 1) marked += sampleForShapes(items, 20, () => 'a').filter((s) => s.marked).length;
    expect(marked / (50 * 20)).toBeGreaterThan(0.25);
    expect(marked / (50 * 20)).toBeLessThan(0.35);
  });
});

describe('data-like keys', () => {
  it('tells field names from data', () => {
    for (const name of ['patient_id', 'status', 'address_line_2', 'sha256', 'First Name', 'updated_fields', 'iso8601_timestamp']) expect(isDataKey(name), name).toBe(false);
    for (const data of ['42', '-3.5', '2026-03-01', '2026-03-01T10:00:00Z', 'evt_01hzyx8k', 'a@b.co', '0123456789abcdef', '01ARZ3NDEKTSV4RRFFQ69G5FAV', 'x'.repeat(65)]) expect(isDataKey(data), data).toBe(true);
  });

  it('folds the data-like keys of a refused path to *', () => {
    expect(collapseDataKeys('/labs/2b1f8e3a-5c1d-4b7e-9a2f-0c3d4e5f6a7b/value')).toBe('/labs/*/value');
    expect(collapseDataKeys('/entries/*/code')).toBe('/entries/*/code');
    expect(collapseDataKeys('/by_email/a@b.co')).toBe('/by_email/*');
    expect(collapseDataKeys('')).toBe('');
  });
});
