/**
 * The fix offered for a refused payload (shared/schema/refusal-fix.ts): computed from the refusal's
 * paths and messages only, and held to the validator itself — the payload the refusal came from
 * passes the fixed schema, and the fixed schema is one the API would store.
 */
import { describe, expect, it } from 'vitest';
import { inferSchema } from '../../shared/schema/infer';
import { checkEnforceable, type JsonSchema } from '../../shared/schema/json-schema';
import { unexpectedField } from '../../shared/schema/messages';
import { fixStepText, proposeSchemaFix, type RefusalError } from '../../shared/schema/refusal-fix';
import { compileValidator } from '../../shared/schema/validate';
import { CHART_SAMPLE } from '../helpers/fixtures';

const CHART = inferSchema([CHART_SAMPLE]);

/** The errors the ingress would answer for `payload` under `schema` (none when it passes). */
function refusalOf(schema: JsonSchema, payload: unknown): RefusalError[] {
  const result = compileValidator(schema).validate(payload);
  return result.ok ? [] : result.errors;
}

interface Case {
  name: string;
  schema: JsonSchema;
  payload: unknown;
  steps: string[];
}

const CASES: Case[] = [
  {
    name: 'widen a string field that received a number',
    schema: { ...CHART, properties: { ...CHART.properties, status: { type: 'string' } } },
    payload: { ...CHART_SAMPLE, status: 3 },
    steps: ['widen `status` to accept number too'],
  },
  {
    name: 'widen every item of an array once, however many items failed',
    schema: CHART,
    payload: { ...CHART_SAMPLE, updated_fields: [1, 'a', 2.5] },
    steps: ['widen `updated_fields[]` to accept number too'],
  },
  {
    name: 'let an integer field take a fraction by making it a number',
    schema: { type: 'object', properties: { dose: { type: 'integer', minimum: 0 } } },
    payload: { dose: 2.5 },
    steps: ['widen `dose` to accept number too'],
  },
  {
    name: 'make a nullable field of one that received null',
    schema: { type: 'object', properties: { patient: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } }, required: ['id'] } }, required: ['patient'] },
    payload: { patient: { id: null } },
    steps: ['widen `patient.id` to accept null too'],
  },
  {
    name: 'drop an enum that has no value of the new type, so the value is not refused next',
    schema: { type: 'object', properties: { status: { type: 'string', enum: ['open', 'closed'] } } },
    payload: { status: 1 },
    steps: ['widen `status` to accept number too (and drop its list of allowed values, which has no value of that type)'],
  },
  {
    name: 'make a missing required field optional',
    schema: CHART,
    payload: { event: 'chart_updated', updated_fields: [] },
    steps: ['make `patient_id` optional'],
  },
  {
    name: 'add an optional property to a closed object, of any type',
    schema: { ...CHART, additionalProperties: false },
    payload: { ...CHART_SAMPLE, x: { nested: [1] } },
    steps: ['add optional property `x` (of any type)'],
  },
  {
    name: 'add a property inside the items of an array of closed objects',
    schema: { type: 'object', properties: { lines: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' } }, additionalProperties: false } } } },
    payload: { lines: [{ sku: 'a', qty: 2 }, { sku: 'b', qty: 1 }] },
    steps: ['add optional property `lines[].qty` (of any type)'],
  },
  {
    name: 'drop the constraints a value broke: enum, bounds, length, pattern, format, items',
    schema: {
      type: 'object',
      properties: {
        kind: { type: 'string', enum: ['a', 'b'] },
        age: { type: 'integer', maximum: 120 },
        code: { type: 'string', minLength: 3, pattern: '^[A-Z]+$' },
        at: { type: 'string', format: 'date-time' },
        tags: { type: 'array', items: { type: 'string' }, maxItems: 1 },
        version: { const: 2 },
      },
    },
    payload: { kind: 'c', age: 130, code: 'x1', at: 'yesterday', tags: ['a', 'b'], version: 3 },
    steps: [
      'drop its maximum from `age`',
      'drop its format from `at`',
      'drop its minimum length from `code`',
      'drop its pattern from `code`',
      'drop its list of allowed values from `kind`',
      'drop its maximum number of items from `tags`',
      'drop its fixed value from `version`',
    ],
  },
  {
    name: 'fix several fields of one payload at once',
    schema: { ...CHART, additionalProperties: false },
    payload: { patient_id: 7, updated_fields: ['a'], source: 'ehr' },
    steps: ['make `event` optional', 'widen `patient_id` to accept number too', 'add optional property `source` (of any type)'],
  },
];

describe('the schema fix for a refused payload', () => {
  for (const c of CASES) {
    it(`Should ${c.name}, and the refused payload then passes`, () => {
      const errors = refusalOf(c.schema, c.payload);
      expect(errors.length, 'the payload is refused first').toBeGreaterThan(0);
      const before = structuredClone(c.schema);
      const fix = proposeSchemaFix(c.schema, errors);
      expect(fix.steps.map(fixStepText)).toEqual(c.steps);
      expect(fix.unaddressed).toEqual([]);
      expect(refusalOf(fix.schema, c.payload)).toEqual([]);
      expect(checkEnforceable(fix.schema).ok, 'a schema the API would store').toBe(true);
      expect(c.schema, 'the schema given is not changed').toEqual(before);
    });
  }

  it('Should leave alone what the refusal did not name', () => {
    const schema: JsonSchema = { ...CHART, properties: { ...CHART.properties, status: { type: 'string', minLength: 2 } } };
    const fix = proposeSchemaFix(schema, refusalOf(schema, { ...CHART_SAMPLE, status: 3 }));
    expect(fix.schema).toEqual({ ...schema, properties: { ...schema.properties, status: { type: ['string', 'number'], minLength: 2 } } });
    // The rest of the schema still refuses what it refused.
    expect(refusalOf(fix.schema, { ...CHART_SAMPLE, status: 'x' })).toEqual([{ path: '/status', message: 'Expected at least 2 characters' }]);
  });

  it('Should offer nothing for a message today’s schema would not give: the schema changed since the refusal', () => {
    const old: JsonSchema = { ...CHART, properties: { ...CHART.properties, status: { type: 'string' } } };
    const errors = refusalOf(old, { ...CHART_SAMPLE, status: 3 });
    const today: JsonSchema = { ...CHART, properties: { ...CHART.properties, status: { type: ['string', 'number'] } } };
    const fix = proposeSchemaFix(today, errors);
    expect(fix.steps).toEqual([]);
    expect(fix.unaddressed).toEqual(errors);
    expect(fix.schema).toEqual(today);
  });

  it('Should offer nothing when the payload itself is not an object, nor for a path outside the schema', () => {
    const fix = proposeSchemaFix(CHART, [
      { path: '', message: 'Expected object but received array' },
      { path: '/nowhere/deep', message: 'Expected string but received number' },
      { path: 'not a pointer', message: 'Missing required field x' },
    ]);
    expect(fix.steps).toEqual([]);
    expect(fix.unaddressed).toHaveLength(3);
  });

  it('Should add a field named __proto__ as a field, not as the prototype', () => {
    const schema: JsonSchema = { type: 'object', properties: {}, additionalProperties: false };
    const fix = proposeSchemaFix(schema, [{ path: '/__proto__', message: unexpectedField('__proto__') }]);
    expect(fix.steps.map(fixStepText)).toEqual(['add optional property `__proto__` (of any type)']);
    expect(Object.keys(fix.schema.properties ?? {})).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(fix.schema.properties)).toBe(Object.prototype);
  });
});
