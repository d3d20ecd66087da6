import { describe, expect, it } from 'vitest';
import seedSample from '../fixtures/payloads/ehr-chart-updated.json';
import { checkSchemaChange, classifyTrigger, type Dependent } from '../../shared/schema/compat';
import { inferSchema } from '../../shared/schema/infer';
import type { JsonSchema } from '../../shared/schema/json-schema';

const SEED: JsonSchema = inferSchema([seedSample]);

// A second EHR that nests the patient and sends a numeric revision.
const NESTED: JsonSchema = {
  type: 'object',
  properties: {
    patient: { type: 'object', properties: { id: { type: 'string' }, mrn: { type: ['string', 'null'] } }, required: ['id', 'mrn'] },
    kind: { type: 'string' },
    changes: { type: 'array', items: { type: 'string' } },
    note: { type: 'string' },
    revision: { type: 'integer' },
  },
  required: ['patient', 'kind', 'changes', 'revision'],
};

describe('classifyTrigger', () => {
  it('classifies the same schema as Class A', () => {
    expect(classifyTrigger(SEED, SEED)).toEqual({ class: 'A' });
  });

  it('ignores property order, required order, annotations and type-array order for Class A', () => {
    const reordered: JsonSchema = {
      title: 'Another EHR',
      type: 'object',
      properties: {
        updated_fields: { type: 'array', items: { type: 'string', description: 'field name' } },
        event: { type: 'string' },
        patient_id: { type: 'string' },
      },
      required: ['updated_fields', 'patient_id', 'event'],
    };
    expect(classifyTrigger(SEED, reordered)).toEqual({ class: 'A' });
    expect(classifyTrigger({ type: 'object', properties: { a: { type: ['null', 'string'] } } }, { type: 'object', properties: { a: { type: ['string', 'null'] } } })).toEqual({ class: 'A' });
  });

  it('ignores payload fields the open input contract does not declare', () => {
    const wider: JsonSchema = { ...SEED, properties: { ...SEED.properties, source: { type: 'string' } }, required: [...(SEED.required ?? []), 'source'] };
    expect(classifyTrigger(SEED, wider)).toEqual({ class: 'A' });
  });

  it('does not call schemas equivalent when a format, nullability or integer-vs-number differs', () => {
    const input: JsonSchema = { type: 'object', properties: { at: { type: 'string', format: 'date-time' } }, required: ['at'] };
    const noFormat: JsonSchema = { type: 'object', properties: { at: { type: 'string' } }, required: ['at'] };
    expect(classifyTrigger(input, noFormat)).toMatchObject({ class: 'refused', unmet: [{ field: 'at', reason: 'incompatible type at /at: expected format date-time, payload has no format' }] });
    const number: JsonSchema = { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] };
    const integer: JsonSchema = { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] };
    const refused = classifyTrigger(number, integer);
    expect(refused.class).toBe('refused');
    expect(refused).toMatchObject({ unmet: [{ field: 'n' }] });
    expect(JSON.stringify(refused)).toContain('give a mapping');
  });

  it('refuses without a mapping, listing each unmet required input field with its reason', () => {
    const result = classifyTrigger(SEED, NESTED);
    expect(result).toEqual({
      class: 'refused',
      unmet: [
        { field: 'patient_id', reason: 'missing: the payload has no field patient_id and the mapping does not name one' },
        { field: 'event', reason: 'missing: the payload has no field event and the mapping does not name one' },
        { field: 'updated_fields', reason: 'missing: the payload has no field updated_fields and the mapping does not name one' },
      ],
    });
  });

  it('classifies as Class B when the mapping yields every required field, with nested pointers', () => {
    const mapping = { patient_id: '/patient/id', event: '/kind', updated_fields: '/changes' };
    expect(classifyTrigger(SEED, NESTED, mapping)).toEqual({ class: 'B', mapping });
  });

  it('fills unmapped fields from the payload field of the same name', () => {
    const payload: JsonSchema = { ...SEED, properties: { ...SEED.properties, patient_id: { type: 'integer' }, patient: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } }, required: [...(SEED.required ?? []), 'patient'] };
    expect(classifyTrigger(SEED, payload, { patient_id: '/patient/id' })).toEqual({
      class: 'B',
      mapping: { patient_id: '/patient/id', event: '/event', updated_fields: '/updated_fields' },
    });
  });

  it('accepts integer into number and non-nullable into nullable, but not the reverse', () => {
    const input: JsonSchema = { type: 'object', properties: { amount: { type: 'number' }, note: { type: ['string', 'null'] } }, required: ['amount', 'note'] };
    const good: JsonSchema = { type: 'object', properties: { total: { type: 'integer' }, memo: { type: 'string' } }, required: ['total', 'memo'] };
    expect(classifyTrigger(input, good, { amount: '/total', note: '/memo' })).toEqual({ class: 'B', mapping: { amount: '/total', note: '/memo' } });

    const strictInput: JsonSchema = { type: 'object', properties: { amount: { type: 'integer' }, note: { type: 'string' } }, required: ['amount', 'note'] };
    const loose: JsonSchema = { type: 'object', properties: { total: { type: 'number' }, memo: { type: ['string', 'null'] } }, required: ['total', 'memo'] };
    expect(classifyTrigger(strictInput, loose, { amount: '/total', note: '/memo' })).toEqual({
      class: 'refused',
      unmet: [
        { field: 'amount', reason: 'incompatible type at /total: expected integer, payload has number' },
        { field: 'note', reason: 'incompatible type at /memo: expected string, payload has string or null' },
      ],
    });
  });

  it('refuses a required input field mapped to a field that is optional in the payload', () => {
    const result = classifyTrigger(SEED, NESTED, { patient_id: '/patient/id', event: '/note', updated_fields: '/changes' });
    expect(result).toEqual({ class: 'refused', unmet: [{ field: 'event', reason: '/note is optional in the payload but event is required by the input' }] });
  });

  it('treats a pointer below a nullable object or an array index as possibly absent', () => {
    const payload: JsonSchema = { type: 'object', properties: { p: { type: ['object', 'null'], properties: { id: { type: 'string' } }, required: ['id'] }, list: { type: 'array', items: { type: 'string' } } }, required: ['p', 'list'] };
    const input: JsonSchema = { type: 'object', properties: { id: { type: 'string' }, first: { type: 'string' } }, required: ['id', 'first'] };
    const result = classifyTrigger(input, payload, { id: '/p/id', first: '/list/0' });
    expect(result).toMatchObject({ class: 'refused', unmet: [{ field: 'id' }, { field: 'first' }] });
    const withMin: JsonSchema = { ...payload, properties: { ...payload.properties, p: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }, list: { type: 'array', items: { type: 'string' }, minItems: 1 } } };
    expect(classifyTrigger(input, withMin, { id: '/p/id', first: '/list/0' })).toMatchObject({ class: 'B' });
  });

  it('refuses a mapping that points at nothing or is not a JSON Pointer', () => {
    const result = classifyTrigger(SEED, NESTED, { patient_id: '/patient/name', event: 'kind', updated_fields: '/changes' });
    expect(result).toEqual({
      class: 'refused',
      unmet: [
        { field: 'patient_id', reason: 'missing: the payload schema has nothing at /patient/name' },
        { field: 'event', reason: 'kind is not a valid JSON Pointer (use "/a/b")' },
      ],
    });
  });

  it('checks nested object fields when an input field is an object', () => {
    const input: JsonSchema = { type: 'object', properties: { patient: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } }, required: ['patient'] };
    const payload: JsonSchema = { type: 'object', properties: { who: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] } }, required: ['who'] };
    expect(classifyTrigger(input, payload, { patient: '/who' })).toEqual({
      class: 'refused',
      unmet: [{ field: 'patient', reason: 'incompatible type at /who: expected string, payload has integer at /id' }],
    });
  });
});

describe('checkSchemaChange', () => {
  const dependents: Dependent[] = [
    { workflowId: 'wf_a', name: 'Same schema', inputSchema: SEED },
    { workflowId: 'wf_b', name: 'Mapped', inputSchema: { type: 'object', properties: { pid: { type: 'string' } }, required: ['pid'] }, mapping: { pid: '/patient_id' } },
    { workflowId: 'wf_c', name: 'Only events', inputSchema: { type: 'object', properties: { event: { type: 'string' } }, required: ['event'] }, mapping: { event: '/event' } },
  ];

  it('names the workflows a change would break, with what they lose', () => {
    const renamed: JsonSchema = { ...SEED, properties: { ...SEED.properties, patient_id: { type: 'integer' } } };
    expect(checkSchemaChange(SEED, renamed, dependents)).toEqual([
      { workflowId: 'wf_a', name: 'Same schema', unmet: [{ field: 'patient_id', reason: 'incompatible type at /patient_id: expected string, payload has integer' }] },
      { workflowId: 'wf_b', name: 'Mapped', unmet: [{ field: 'pid', reason: 'incompatible type at /patient_id: expected string, payload has integer' }] },
    ]);
  });

  it('allows a change that only adds optional fields', () => {
    const added: JsonSchema = { ...SEED, properties: { ...SEED.properties, source: { type: 'string' } } };
    expect(checkSchemaChange(SEED, added, dependents)).toEqual([]);
  });

  it('does not blame a change for a dependent that was already refused', () => {
    const broken: Dependent[] = [{ workflowId: 'wf_x', name: 'Never fit', inputSchema: { type: 'object', properties: { z: { type: 'string' } }, required: ['z'] } }];
    expect(checkSchemaChange(SEED, SEED, broken)).toEqual([]);
  });
});
