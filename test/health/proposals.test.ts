/**
 * Schema-drift proposals (shared/health/proposals.ts): new optional properties for paths the schema
 * does not declare, widened types and optional fields for refusals concentrated on one path and
 * type, never a dismissed change again, and always a schema the edge would store.
 */
import { describe, expect, it } from 'vitest';
import { dismissalsOf, fieldOf, proposeSchemaChange, type DriftEvidence, type PathEvidence } from '../../shared/health/proposals';
import type { JsonType } from '../../shared/health/types';
import { checkEnforceable, type JsonSchema } from '../../shared/schema/json-schema';
import { compileValidator } from '../../shared/schema/validate';
import { CHART_SCHEMA } from '../helpers/fixtures';

const CHART = CHART_SCHEMA as JsonSchema;
const FIRST = '2026-03-01T08:00:00.000Z';
const LAST = '2026-03-01T09:30:00.000Z';

function seen<T extends string = JsonType>(path: string, type: T, count: number): PathEvidence<T> {
  return { path, type, count, firstSeenAt: FIRST, lastSeenAt: LAST };
}

/** The chart's own paths in every one of `events` summarised events. */
function chartShapes(events: number): PathEvidence[] {
  return [seen('/patient_id', 'string', events), seen('/event', 'string', events), seen('/updated_fields', 'array', events), seen('/updated_fields/*', 'string', events)];
}

function evidence(parts: Partial<DriftEvidence> & { eventsSummarised: number }): DriftEvidence {
  return { eventsSeen: parts.eventsSummarised, shapes: chartShapes(parts.eventsSummarised), refusals: [], ...parts };
}

describe('new fields in accepted events', () => {
  it('proposes an optional property with the seen type for a path in at least 10 % of events', () => {
    const before = structuredClone(CHART);
    const proposal = proposeSchemaChange(CHART, evidence({ eventsSummarised: 100, shapes: [...chartShapes(100), seen('/priority', 'string', 30)] }));
    expect(proposal?.diff).toEqual([{ op: 'add-property', path: '/priority', to: { type: 'string' } }]);
    expect(proposal?.evidence).toEqual([{ source: 'accepted', path: '/priority', type: 'string', count: 30, share: 0.3, first_seen_at: FIRST, last_seen_at: LAST }]);
    expect(proposal?.schema.properties?.priority).toEqual({ type: 'string' });
    expect(proposal?.schema.required).toEqual(CHART.required);
    expect(CHART).toEqual(before);
    expect(checkEnforceable(proposal?.schema).ok).toBe(true);
  });

  it('needs 10 % of at least 5 events, or an estimated 50 events whatever the share', () => {
    expect(proposeSchemaChange(CHART, evidence({ eventsSummarised: 100, shapes: [...chartShapes(100), seen('/rare', 'string', 9)] }))).toBeNull();
    expect(proposeSchemaChange(CHART, evidence({ eventsSummarised: 10, shapes: [...chartShapes(10), seen('/few', 'string', 4)] }))).toBeNull();
    // 5 of a 100-event sample of 2,000 events: about 100 events carried it.
    const sampled = proposeSchemaChange(CHART, { eventsSeen: 2_000, eventsSummarised: 100, shapes: [...chartShapes(100), seen('/sampled', 'string', 5)], refusals: [] });
    expect(sampled?.diff.map((d) => d.path)).toEqual(['/sampled']);
  });

  it('writes a new object out with what was seen below it, all optional, maps left open', () => {
    const schema: JsonSchema = { type: 'object', properties: { patient: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } }, required: ['patient'] };
    const proposal = proposeSchemaChange(schema, {
      eventsSeen: 40,
      eventsSummarised: 40,
      shapes: [
        seen('/patient', 'object', 40),
        seen('/patient/id', 'string', 40),
        seen('/patient/address', 'object', 20),
        seen('/patient/address/city', 'string', 20),
        seen('/patient/address/lines', 'array', 20),
        seen('/patient/address/lines/*', 'string', 20),
        seen('/patient/address/extra', 'object', 3),
        seen('/patient/address/extra/*', 'string', 3),
        seen('/patient/score', 'integer', 10),
        seen('/patient/score', 'number', 6),
        seen('/patient/score', 'null', 2),
      ],
      refusals: [],
    });
    expect(proposal?.diff).toEqual([
      {
        op: 'add-property',
        path: '/patient/address',
        to: { type: 'object', properties: { city: { type: 'string' }, extra: { type: 'object' }, lines: { type: 'array', items: { type: 'string' } } } },
      },
      // Integers and fractions at one path read as number, as inference writes them.
      { op: 'add-property', path: '/patient/score', to: { type: ['number', 'null'] } },
    ]);
    expect(proposal?.evidence.filter((e) => e.path === '/patient/score').map((e) => [e.type, e.count])).toEqual([
      ['integer', 10],
      ['number', 6],
      ['null', 2],
    ]);
  });

  it('proposes nothing for declared paths, array items, maps, closed objects or places the schema accepts any value', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        list: { type: 'array', items: { type: 'object', properties: { a: { type: 'string' } } } },
        closed: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false },
        anything: {},
        labs: { type: 'object' },
      },
    };
    const proposal = proposeSchemaChange(schema, {
      eventsSeen: 10,
      eventsSummarised: 10,
      shapes: [
        seen('/list', 'array', 10),
        seen('/list/*', 'object', 10),
        seen('/list/*/a', 'string', 10),
        seen('/closed', 'object', 10),
        seen('/anything', 'object', 10),
        seen('/anything/inner', 'string', 10),
        seen('/labs', 'object', 10),
        seen('/labs/*', 'object', 10),
        seen('/labs/*/value', 'integer', 10),
      ],
      refusals: [],
    });
    expect(proposal).toBeNull();
  });

  it('adds a field under array items', () => {
    const schema: JsonSchema = { type: 'object', properties: { entries: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' } } } } } };
    const proposal = proposeSchemaChange(schema, {
      eventsSeen: 10,
      eventsSummarised: 10,
      shapes: [seen('/entries', 'array', 10), seen('/entries/*', 'object', 10), seen('/entries/*/code', 'string', 10), seen('/entries/*/system', 'string', 8)],
      refusals: [],
    });
    expect(proposal?.diff).toEqual([{ op: 'add-property', path: '/entries/*/system', to: { type: 'string' } }]);
    expect(proposal?.schema.properties?.entries?.items?.properties?.system).toEqual({ type: 'string' });
    expect(fieldOf('/entries/*/system')).toBe('entries[].system');
  });
});

describe('refusals concentrated on one path', () => {
  it('widens the type when at least 5 refusals, 90 % of them of one new type, fail at a path', () => {
    const proposal = proposeSchemaChange(CHART, evidence({ eventsSummarised: 100, refusals: [seen('/event', 'integer', 12)] }));
    expect(proposal?.diff).toEqual([{ op: 'widen-type', path: '/event', from: ['string'], to: ['string', 'integer'] }]);
    expect(proposal?.schema.properties?.event).toEqual({ type: ['string', 'integer'] });
    expect(proposal?.evidence).toEqual([{ source: 'refused', path: '/event', type: 'integer', count: 12, share: 1, first_seen_at: FIRST, last_seen_at: LAST }]);
    const validate = compileValidator(proposal?.schema ?? {}).validate;
    expect(validate({ patient_id: 'p1', event: 7, updated_fields: [] }).ok).toBe(true);
  });

  it('needs 5 refusals and a consistent type', () => {
    expect(proposeSchemaChange(CHART, evidence({ eventsSummarised: 100, refusals: [seen('/event', 'integer', 4)] }))).toBeNull();
    expect(proposeSchemaChange(CHART, evidence({ eventsSummarised: 100, refusals: [seen('/event', 'integer', 8), seen('/event', 'boolean', 2)] }))).toBeNull();
    expect(proposeSchemaChange(CHART, evidence({ eventsSummarised: 100, refusals: [seen('/event', 'integer', 18), seen('/event', 'boolean', 2)] }))?.diff).toHaveLength(1);
  });

  it('lets number take the place of integer, and drops a list of allowed values with none of the new type', () => {
    const schema: JsonSchema = { type: 'object', properties: { count: { type: 'integer' }, status: { type: 'string', enum: ['a', 'b'] } } };
    const proposal = proposeSchemaChange(schema, { eventsSeen: 0, eventsSummarised: 0, shapes: [], refusals: [seen('/count', 'number', 6), seen('/status', 'integer', 6)] });
    expect(proposal?.diff).toEqual([
      { op: 'widen-type', path: '/count', from: ['integer'], to: ['number'] },
      { op: 'widen-type', path: '/status', from: ['string'], to: ['string', 'integer'], dropped: ['enum'] },
    ]);
    expect(proposal?.schema.properties?.status).toEqual({ type: ['string', 'integer'] });
  });

  it('ignores refusals of a type the schema already accepts there (a constraint refused them)', () => {
    const schema: JsonSchema = { type: 'object', properties: { amount: { type: 'number', minimum: 0 }, code: { type: 'string', maxLength: 3 } } };
    expect(proposeSchemaChange(schema, { eventsSeen: 0, eventsSummarised: 0, shapes: [], refusals: [seen('/amount', 'integer', 9), seen('/code', 'string', 9)] })).toBeNull();
  });

  it('makes a required field that was missing optional', () => {
    const proposal = proposeSchemaChange(CHART, evidence({ eventsSummarised: 10, refusals: [seen<JsonType | 'missing'>('/patient_id', 'missing', 6)] }));
    expect(proposal?.diff).toEqual([{ op: 'make-optional', path: '/patient_id', from: 'required', to: 'optional' }]);
    expect(proposal?.schema.required).toEqual(['event', 'updated_fields']);
  });

  it('adds a field a closed object refused, with the type it was sent as', () => {
    const schema: JsonSchema = { type: 'object', properties: { id: { type: 'string' } }, additionalProperties: false };
    const proposal = proposeSchemaChange(schema, { eventsSeen: 0, eventsSummarised: 0, shapes: [], refusals: [seen('/source', 'string', 7)] });
    expect(proposal?.diff).toEqual([{ op: 'add-property', path: '/source', to: { type: 'string' } }]);
    expect(proposal?.schema).toMatchObject({ additionalProperties: false, properties: { id: { type: 'string' }, source: { type: 'string' } } });
  });

  it('widens under array items', () => {
    const schema: JsonSchema = { type: 'object', properties: { entries: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' } } } } } };
    const proposal = proposeSchemaChange(schema, { eventsSeen: 0, eventsSummarised: 0, shapes: [], refusals: [seen('/entries/*/code', 'integer', 5)] });
    expect(proposal?.schema.properties?.entries?.items?.properties?.code).toEqual({ type: ['string', 'integer'] });
  });
});

describe('both kinds, and dismissals', () => {
  const both = evidence({ eventsSummarised: 100, shapes: [...chartShapes(100), seen('/priority', 'string', 30)], refusals: [seen('/event', 'integer', 12)] });

  it('names both changes in one proposal, in path order', () => {
    expect(proposeSchemaChange(CHART, both)?.diff.map((d) => [d.op, d.path])).toEqual([
      ['widen-type', '/event'],
      ['add-property', '/priority'],
    ]);
  });

  it('never proposes a dismissed (path, type) again, and still proposes the rest', () => {
    const first = proposeSchemaChange(CHART, both);
    const [widen] = first?.diff ?? [];
    expect(dismissalsOf(widen === undefined ? [] : [widen])).toEqual([{ path: '/event', type: 'integer' }]);
    const again = proposeSchemaChange(CHART, both, [{ path: '/event', type: 'integer' }]);
    expect(again?.diff.map((d) => d.path)).toEqual(['/priority']);
    expect(proposeSchemaChange(CHART, both, dismissalsOf(first?.diff ?? []))).toBeNull();
  });

  it('caps a proposal at the best evidenced changes', () => {
    const many = Array.from({ length: 80 }, (_, i) => seen(`/field_${String(i).padStart(2, '0')}`, 'string', 20 + i));
    const proposal = proposeSchemaChange(CHART, evidence({ eventsSummarised: 100, shapes: [...chartShapes(100), ...many] }));
    expect(proposal?.diff).toHaveLength(50);
    expect(proposal?.diff.some((d) => d.path === '/field_79')).toBe(true);
    expect(proposal?.diff.some((d) => d.path === '/field_00')).toBe(false);
  });

  it('proposes nothing without evidence', () => {
    expect(proposeSchemaChange(CHART, evidence({ eventsSummarised: 100 }))).toBeNull();
    expect(proposeSchemaChange(CHART, { eventsSeen: 0, eventsSummarised: 0, shapes: [], refusals: [] })).toBeNull();
  });
});
