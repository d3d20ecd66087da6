/** The attach page's pure parts: the proposed Class B mapping, the input field rows, the mapping box. */
import { describe, expect, it } from 'vitest';
import { rowsFromForm, rowsOf, schemaFromRows, typeKeyOf } from '../../shared/console/pages/workflows/input-fields';
import { mappingText, parseMapping } from '../../shared/console/pages/workflows/mapping-text';
import { looseName, payloadPaths, proposeMapping } from '../../shared/console/pages/workflows/propose-mapping';
import { classifyTrigger, type JsonSchema } from '../../shared/schema';
import { CHART_SCHEMA } from '../helpers/fixtures';

const CHART = CHART_SCHEMA as JsonSchema;

/** The shape of NESTED_SAMPLE (test/helpers/control-api.ts), inferred. */
const NESTED: JsonSchema = {
  type: 'object',
  properties: {
    patient: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
    kind: { type: 'string' },
    fields: { type: 'array', items: { type: 'string' } },
  },
  required: ['patient', 'kind', 'fields'],
};

describe('proposeMapping', () => {
  it('Should map each field to the top-level field of the same name first', () => {
    const payload: JsonSchema = {
      type: 'object',
      properties: { patient_id: { type: 'string' }, patient: { type: 'object', properties: { patient_id: { type: 'string' } }, required: ['patient_id'] } },
      required: ['patient_id', 'patient'],
    };
    const proposal = proposeMapping({ type: 'object', properties: { patient_id: { type: 'string' } }, required: ['patient_id'] }, payload);
    expect(proposal.mapping).toEqual({ patient_id: '/patient_id' });
    expect(proposal.fields).toEqual([{ field: 'patient_id', required: true, pointer: '/patient_id', match: 'same-name' }]);
  });

  it('Should match a name in another case style when no field has the same name', () => {
    const payload: JsonSchema = { type: 'object', properties: { patientId: { type: 'string' }, UpdatedFields: { type: 'array', items: { type: 'string' } } }, required: ['patientId', 'UpdatedFields'] };
    const proposal = proposeMapping(CHART, payload);
    expect(proposal.mapping).toEqual({ patient_id: '/patientId', updated_fields: '/UpdatedFields' });
    expect(proposal.fields.find((f) => f.field === 'patient_id')?.match).toBe('same-name-other-case');
    expect(proposal.fields.find((f) => f.field === 'event')).toEqual({ field: 'event', required: true, pointer: null, match: null });
  });

  it('Should find a nested leaf of that name, then a nested path that reads as the name', () => {
    const payload: JsonSchema = {
      type: 'object',
      properties: {
        data: { type: 'object', properties: { event: { type: 'string' } }, required: ['event'] },
        patient: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      },
      required: ['data', 'patient'],
    };
    const proposal = proposeMapping(CHART, payload);
    expect(proposal.mapping).toEqual({ patient_id: '/patient/id', event: '/data/event' });
    expect(proposal.fields.map((f) => [f.field, f.match])).toEqual([
      ['patient_id', 'nested-joined-name'],
      ['event', 'nested-same-name'],
      ['updated_fields', null],
    ]);
  });

  it('Should prefer the shallowest nested candidate, then the first in the schema', () => {
    const payload: JsonSchema = {
      type: 'object',
      properties: {
        a: { type: 'object', properties: { b: { type: 'object', properties: { event: { type: 'string' } }, required: ['event'] } }, required: ['b'] },
        c: { type: 'object', properties: { event: { type: 'string' } }, required: ['event'] },
        d: { type: 'object', properties: { event: { type: 'string' } }, required: ['event'] },
      },
      required: ['a', 'c', 'd'],
    };
    expect(proposeMapping({ type: 'object', properties: { event: { type: 'string' } }, required: ['event'] }, payload).mapping).toEqual({ event: '/c/event' });
  });

  it('Should skip a candidate of an incompatible type for the next one that fits', () => {
    const payload: JsonSchema = {
      type: 'object',
      properties: { patient_id: { type: 'integer' }, patient: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } },
      required: ['patient_id', 'patient'],
    };
    const input: JsonSchema = { type: 'object', properties: { patient_id: { type: 'string' } }, required: ['patient_id'] };
    expect(proposeMapping(input, payload).mapping).toEqual({ patient_id: '/patient/id' });
    // An integer does fit a number input: that is the API's rule, and so the proposal's.
    expect(proposeMapping({ type: 'object', properties: { patient_id: { type: 'number' } }, required: ['patient_id'] }, payload).mapping).toEqual({ patient_id: '/patient_id' });
  });

  it('Should not propose an optional payload field for a required input field, but will for an optional one', () => {
    const payload: JsonSchema = { type: 'object', properties: { event: { type: 'string' } } };
    expect(proposeMapping({ type: 'object', properties: { event: { type: 'string' } }, required: ['event'] }, payload).mapping).toEqual({});
    expect(proposeMapping({ type: 'object', properties: { event: { type: 'string' } } }, payload).mapping).toEqual({ event: '/event' });
  });

  it('Should propose a mapping the API classifies as Class B for the nested sample', () => {
    const proposal = proposeMapping(CHART, NESTED);
    expect(proposal.mapping).toEqual({ patient_id: '/patient/id' });
    // The fields it cannot name are what the attach page lists as unmet before anything is sent.
    const result = classifyTrigger(CHART, NESTED, proposal.mapping);
    expect(result.class).toBe('refused');
    expect(classifyTrigger(CHART, NESTED, { ...proposal.mapping, event: '/kind', updated_fields: '/fields' })).toEqual({
      class: 'B',
      mapping: { patient_id: '/patient/id', event: '/kind', updated_fields: '/fields' },
    });
  });

  it('Should escape keys with a slash or tilde in the pointers it proposes', () => {
    const payload: JsonSchema = { type: 'object', properties: { 'a/b': { type: 'object', properties: { 'c~d': { type: 'string' } }, required: ['c~d'] } }, required: ['a/b'] };
    expect(payloadPaths(payload).map((p) => p.pointer)).toEqual(['/a~1b', '/a~1b/c~0d']);
    expect(proposeMapping({ type: 'object', properties: { 'c~d': { type: 'string' } }, required: ['c~d'] }, payload).mapping).toEqual({ 'c~d': '/a~1b/c~0d' });
  });

  it('Should say which paths a valid payload always has', () => {
    const payload: JsonSchema = {
      type: 'object',
      properties: { a: { type: ['object', 'null'], properties: { b: { type: 'string' } }, required: ['b'] }, c: { type: 'object', properties: { d: { type: 'string' } } } },
      required: ['a', 'c'],
    };
    expect(payloadPaths(payload).map((p) => [p.pointer, p.alwaysPresent])).toEqual([
      ['/a', true],
      ['/a/b', false],
      ['/c', true],
      ['/c/d', false],
    ]);
  });

  it('Should read names without their case style', () => {
    expect(looseName('patientId')).toBe('patientid');
    expect(looseName('Patient-ID')).toBe('patientid');
    expect(looseName('patient_id')).toBe('patientid');
  });
});

describe('input field rows', () => {
  it('Should build the input contract from the rows, in their order, leaving out rows without a name', () => {
    const built = schemaFromRows(
      [
        { name: 'patient_id', type: 'string', required: true, original: '' },
        { name: '', type: 'integer', required: true, original: '' },
        { name: 'updated_fields', type: 'string[]', required: false, original: '' },
      ],
      { type: 'object' },
      {},
    );
    expect(built).toEqual({
      ok: true,
      schema: { type: 'object', properties: { patient_id: { type: 'string' }, updated_fields: { type: 'array', items: { type: 'string' } } }, required: ['patient_id'] },
    });
  });

  it('Should keep a field’s rules and the contract’s other keywords unless the type is changed', () => {
    const current: JsonSchema = {
      type: 'object',
      properties: { at: { type: 'string', format: 'date-time' }, n: { type: 'integer', minimum: 1 } },
      required: ['at'],
      additionalProperties: false,
    };
    const rows = rowsOf(current);
    expect(rows).toEqual([
      { name: 'at', type: 'keep', required: true, original: 'at' },
      { name: 'n', type: 'keep', required: false, original: 'n' },
    ]);
    const renamed = schemaFromRows(
      [
        { name: 'occurred_at', type: 'keep', required: true, original: 'at' },
        { name: 'n', type: 'number', required: true, original: 'n' },
      ],
      current,
      current,
    );
    expect(renamed).toEqual({
      ok: true,
      schema: { type: 'object', additionalProperties: false, properties: { occurred_at: { type: 'string', format: 'date-time' }, n: { type: 'number' } }, required: ['occurred_at', 'n'] },
    });
  });

  it('Should refuse a name given twice', () => {
    const built = schemaFromRows(
      [
        { name: 'a', type: 'string', required: false, original: '' },
        { name: 'a', type: 'number', required: false, original: '' },
      ],
      {},
      {},
    );
    expect(built.ok).toBe(false);
  });

  it('Should read the rows of a posted form, an unchecked box as optional', () => {
    expect(rowsFromForm({ field_0_name: ' a ', field_0_type: 'integer', field_0_required: '1', field_1_name: 'b', field_1_type: 'bogus', field_3_name: 'skipped' })).toEqual([
      { name: 'a', type: 'integer', required: true, original: '' },
      { name: 'b', type: 'string', required: false, original: '' },
    ]);
    expect(typeKeyOf({ type: 'array', items: { type: 'string' } })).toBe('string[]');
    expect(typeKeyOf({ type: ['string', 'null'] })).toBe('keep');
  });
});

describe('the mapping box', () => {
  it('Should show a mapping as lines that read back as the same mapping', () => {
    const mapping = { patient_id: '/patient/id', event: '/kind' };
    expect(mappingText(mapping)).toBe('patient_id = /patient/id\nevent = /kind');
    expect(parseMapping(mappingText(mapping))).toEqual({ ok: true, mapping });
  });

  it('Should fall back to JSON for a field name a line could not hold', () => {
    const mapping = { 'a:b': '/x', c: '/y' };
    expect(mappingText(mapping).startsWith('{')).toBe(true);
    expect(parseMapping(mappingText(mapping))).toEqual({ ok: true, mapping });
  });

  it('Should read an empty box as no mapping, and name each line it cannot read', () => {
    expect(parseMapping('  \n')).toEqual({ ok: true, mapping: undefined });
    const bad = parseMapping('a = /x\nnonsense');
    expect(bad.ok).toBe(false);
    expect(bad.ok ? [] : bad.errors.map((e) => e.path)).toEqual(['/mapping (line 2)']);
  });
});
