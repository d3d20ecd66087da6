import { describe, expect, it } from 'vitest';
import seedSample from '../fixtures/payloads/ehr-chart-updated.json';
import stripeSample from '../fixtures/payloads/stripe-invoice-paid.json';
import { compileValidator as compileCfworker } from '../../bench/schema/validate-cfworker';
import { compileValidator as compileValibot } from '../../shared/schema/validate';
import { compileValidator as compileExported } from '../../shared/schema';
import { inferSchema } from '../../shared/schema/infer';
import { checkEnforceable, type JsonSchema } from '../../shared/schema/json-schema';
import type { SchemaMismatch, Validator } from '../../shared/schema/validator';

const SEED: JsonSchema = inferSchema([seedSample]);

interface Case {
  name: string;
  schema: JsonSchema;
  payload: unknown;
  errors: SchemaMismatch[];
}

const obj = (properties: Record<string, JsonSchema>, required: string[] = Object.keys(properties), extra: Partial<JsonSchema> = {}): JsonSchema => ({
  type: 'object',
  properties,
  required,
  ...extra,
});

const CASES: Case[] = [
  { name: 'accepts the seed sample', schema: SEED, payload: { patient_id: 'p1', event: 'chart_updated', updated_fields: ['allergies'] }, errors: [] },
  { name: 'accepts fields the schema does not list, because inferred schemas are open', schema: SEED, payload: { patient_id: 'p1', event: 'e', updated_fields: [], extra: { a: 1 } }, errors: [] },
  {
    name: 'reports a wrong item type at its JSON Pointer',
    schema: SEED,
    payload: { patient_id: 'p1', event: 'chart_updated', updated_fields: [42] },
    errors: [{ path: '/updated_fields/0', message: 'Expected string but received number' }],
  },
  {
    name: 'reports a missing required field at the pointer of the field',
    schema: SEED,
    payload: { event: 'chart_updated', updated_fields: [] },
    errors: [{ path: '/patient_id', message: 'Missing required field patient_id' }],
  },
  {
    name: 'reports every failing path, not just the first',
    schema: SEED,
    payload: { patient_id: 7, updated_fields: ['a', null, 'c', false] },
    errors: [
      { path: '/event', message: 'Missing required field event' },
      { path: '/patient_id', message: 'Expected string but received number' },
      { path: '/updated_fields/1', message: 'Expected string but received null' },
      { path: '/updated_fields/3', message: 'Expected string but received boolean' },
    ],
  },
  { name: 'reports a non-object payload at the root pointer', schema: SEED, payload: ['p1'], errors: [{ path: '', message: 'Expected object but received array' }] },
  { name: 'reports null at the root', schema: SEED, payload: null, errors: [{ path: '', message: 'Expected object but received null' }] },
  {
    name: 'escapes ~ and / in field names of pointers',
    schema: obj({ 'a/b': { type: 'string' }, 'c~d': { type: 'integer' } }),
    payload: { 'a/b': 1, 'c~d': 'x' },
    errors: [
      { path: '/a~1b', message: 'Expected string but received number' },
      { path: '/c~0d', message: 'Expected integer but received string' },
    ],
  },
  {
    name: 'accepts null for a nullable field and names both types when refusing',
    schema: obj({ note: { type: ['string', 'null'] } }),
    payload: { note: 3 },
    errors: [{ path: '/note', message: 'Expected string or null but received number' }],
  },
  { name: 'accepts null for a nullable field', schema: obj({ note: { type: ['string', 'null'] } }), payload: { note: null }, errors: [] },
  {
    name: 'reports a nested field of a nullable object rather than the whole object',
    schema: obj({ patient: { type: ['object', 'null'], properties: { id: { type: 'string' } }, required: ['id'] } }),
    payload: { patient: { id: 5 } },
    errors: [{ path: '/patient/id', message: 'Expected string but received number' }],
  },
  { name: 'accepts integers where a number is expected', schema: obj({ n: { type: 'number' } }), payload: { n: 3 }, errors: [] },
  { name: 'refuses a fraction where an integer is expected', schema: obj({ n: { type: 'integer' } }), payload: { n: 1.5 }, errors: [{ path: '/n', message: 'Expected integer but received number' }] },
  { name: 'accepts 2.0 as an integer, as JSON Schema does', schema: obj({ n: { type: 'integer' } }), payload: { n: 2.0 }, errors: [] },
  {
    name: 'reports only the type error when a mistyped value also fails its bounds',
    schema: obj({ n: { type: 'integer', minimum: 10 } }),
    payload: { n: 1.5 },
    errors: [{ path: '/n', message: 'Expected integer but received number' }],
  },
  {
    name: 'reports string length in code points',
    schema: obj({ s: { type: 'string', minLength: 2, maxLength: 3 } }),
    payload: { s: '😀' },
    errors: [{ path: '/s', message: 'Expected at least 2 characters' }],
  },
  { name: 'counts an emoji pair as two characters, not four', schema: obj({ s: { type: 'string', maxLength: 2 } }), payload: { s: '😀😀' }, errors: [] },
  {
    name: 'reports numeric bounds',
    schema: obj({ a: { type: 'number', minimum: 0 }, b: { type: 'number', maximum: 10 } }),
    payload: { a: -1, b: 11 },
    errors: [
      { path: '/a', message: 'Expected a number greater than or equal to 0' },
      { path: '/b', message: 'Expected a number less than or equal to 10' },
    ],
  },
  {
    name: 'reports the item count alongside failing items',
    schema: obj({ list: { type: 'array', items: { type: 'string' }, minItems: 3 } }),
    payload: { list: [1] },
    errors: [
      { path: '/list', message: 'Expected at least 3 items' },
      { path: '/list/0', message: 'Expected string but received number' },
    ],
  },
  { name: 'reports too many items', schema: obj({ list: { type: 'array', maxItems: 1 } }), payload: { list: [1, 2] }, errors: [{ path: '/list', message: 'Expected at most 1 item' }] },
  {
    name: 'reports a value outside an enum without echoing it',
    schema: obj({ event: { type: 'string', enum: ['chart_updated', 'chart_deleted'] } }),
    payload: { event: 'chart_created' },
    errors: [{ path: '/event', message: 'Expected one of "chart_updated", "chart_deleted"' }],
  },
  { name: 'reports a const mismatch', schema: obj({ v: { const: 2 } }), payload: { v: 3 }, errors: [{ path: '/v', message: 'Expected 2' }] },
  {
    name: 'reports a pattern mismatch',
    schema: obj({ id: { type: 'string', pattern: '^p[0-9]+$' } }),
    payload: { id: 'x1' },
    errors: [{ path: '/id', message: 'Expected a string matching the pattern ^p[0-9]+$' }],
  },
  {
    name: 'reports each format mismatch in words a sender understands',
    schema: obj({ at: { type: 'string', format: 'date-time' }, email: { type: 'string', format: 'email' }, id: { type: 'string', format: 'uuid' }, day: { type: 'string', format: 'date' }, link: { type: 'string', format: 'uri' } }),
    payload: { at: '26/11/2026', email: 'not-an-email', id: '1234', day: '2026-13-01', link: 'not a uri' },
    errors: [
      { path: '/at', message: 'Expected an RFC 3339 date-time such as 2026-11-26T12:00:00Z' },
      { path: '/day', message: 'Expected a date such as 2026-11-26' },
      { path: '/email', message: 'Expected an email address' },
      { path: '/id', message: 'Expected a UUID such as 123e4567-e89b-12d3-a456-426614174000' },
      { path: '/link', message: 'Expected an absolute URI such as https://example.com/a' },
    ],
  },
  {
    name: 'accepts values in each format',
    schema: obj({ at: { type: 'string', format: 'date-time' }, email: { type: 'string', format: 'email' }, id: { type: 'string', format: 'uuid' }, day: { type: 'string', format: 'date' }, link: { type: 'string', format: 'uri' } }),
    payload: { at: '2026-11-26T12:00:00.000Z', email: 'a@example.com', id: '123e4567-e89b-12d3-a456-426614174000', day: '2026-11-26', link: 'https://example.com/x?y=1' },
    errors: [],
  },
  {
    name: 'reports each field a closed schema does not allow',
    schema: obj({ a: { type: 'string' } }, ['a'], { additionalProperties: false }),
    payload: { a: 'x', b: 1, 'c/d': 2 },
    errors: [
      { path: '/b', message: "Unexpected field b; this webhook's schema does not allow it" },
      { path: '/c~1d', message: "Unexpected field c/d; this webhook's schema does not allow it" },
    ],
  },
  {
    name: 'checks undeclared fields against an additionalProperties schema',
    schema: obj({}, [], { additionalProperties: { type: 'number' } }),
    payload: { a: 1, b: 'two' },
    errors: [{ path: '/b', message: 'Expected number but received string' }],
  },
  { name: 'requires a field that has no schema of its own', schema: { type: 'object', required: ['x'] }, payload: {}, errors: [{ path: '/x', message: 'Missing required field x' }] },
  {
    name: 'reports errors deep inside arrays of objects',
    schema: inferSchema([stripeSample]),
    payload: (() => {
      const copy: unknown = JSON.parse(JSON.stringify(stripeSample));
      const event = copy as { data: { object: { lines: { data: { amount: unknown }[] } } } };
      const line = event.data.object.lines.data[1];
      if (line !== undefined) line.amount = '0';
      return copy;
    })(),
    errors: [{ path: '/data/object/lines/data/1/amount', message: 'Expected integer but received string' }],
  },
  { name: 'accepts the Stripe sample it was inferred from', schema: inferSchema([stripeSample]), payload: stripeSample, errors: [] },
];

const IMPLEMENTATIONS: [string, (schema: JsonSchema) => Validator][] = [
  ['valibot', compileValibot],
  ['@cfworker/json-schema', compileCfworker],
];

describe.each(IMPLEMENTATIONS)('the %s validator', (_name, compile) => {
  it.each(CASES)('$name', ({ schema, payload, errors }) => {
    const checked = checkEnforceable(schema);
    expect(checked.ok).toBe(true);
    const result = compile(schema).validate(payload);
    expect(result).toEqual(errors.length === 0 ? { ok: true } : { ok: false, errors });
  });

  it('can be reused for many payloads without carrying state between them', () => {
    const validator = compile(obj({ id: { type: 'string', pattern: 'p' } }));
    for (let i = 0; i < 5; i++) {
      expect(validator.validate({ id: 'p1' })).toEqual({ ok: true });
      expect(validator.validate({ id: 'x' }).ok).toBe(false);
    }
  });
});

describe('the exported compileValidator', () => {
  it('behaves like the implementation it is bound to on the seed schema', () => {
    const validator = compileExported(SEED);
    expect(validator.validate({ patient_id: 'p1', event: 'e', updated_fields: [1] })).toEqual({
      ok: false,
      errors: [{ path: '/updated_fields/0', message: 'Expected string but received number' }],
    });
  });
});
