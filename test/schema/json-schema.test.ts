import { describe, expect, it } from 'vitest';
import { checkEnforceable, SCHEMA_LIMITS } from '../../shared/schema/json-schema';

function errorsOf(schema: unknown): { path: string; message: string }[] {
  const result = checkEnforceable(schema);
  return result.ok ? [] : result.errors;
}

describe('checkEnforceable', () => {
  it('accepts a schema in the enforced subset', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'Chart updated',
      type: 'object',
      properties: {
        patient_id: { type: 'string', minLength: 1, maxLength: 64, pattern: '^p[0-9]+$', description: 'EHR id' },
        at: { type: ['string', 'null'], format: 'date-time' },
        score: { type: 'number', minimum: 0, maximum: 1 },
        kind: { enum: ['a', 'b', null] },
        version: { const: 2 },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 10 },
      },
      required: ['patient_id'],
      additionalProperties: false,
    };
    expect(checkEnforceable(schema)).toEqual({ ok: true, schema });
  });

  it('refuses each keyword the edge cannot enforce at its own JSON Pointer', () => {
    const errors = errorsOf({
      type: 'object',
      properties: {
        a: { $ref: '#/$defs/x' },
        b: { oneOf: [{ type: 'string' }, { type: 'number' }] },
        c: { type: 'object', patternProperties: { '^x': {} } },
        d: { type: 'array', items: { if: { type: 'string' }, then: { minLength: 1 } } },
        e: { type: 'object', dependentSchemas: {} },
        'f/g': { anyOf: [] },
      },
      allOf: [],
      not: {},
    });
    expect(errors.map((e) => e.path)).toEqual([
      '/allOf',
      '/not',
      '/properties/a/$ref',
      '/properties/b/oneOf',
      '/properties/c/patternProperties',
      '/properties/d/items/if',
      '/properties/d/items/then',
      '/properties/e/dependentSchemas',
      '/properties/f~1g/anyOf',
    ]);
    expect(errors[2]?.message).toContain('inline the referenced schema');
  });

  it('refuses unknown formats and names the supported ones', () => {
    const errors = errorsOf({ type: 'object', properties: { a: { type: 'string', format: 'credit-card' } } });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe('/properties/a/format');
    expect(errors[0]?.message).toContain('date-time');
  });

  it('refuses a root that is not type object', () => {
    expect(errorsOf({ type: 'array' })).toContainEqual({ path: '/type', message: 'The root of a payload schema must be "type": "object"' });
    expect(errorsOf({ type: ['object', 'null'] })[0]?.path).toBe('/type');
    expect(errorsOf({})[0]?.path).toBe('/type');
    expect(errorsOf('object')[0]?.path).toBe('');
  });

  it('refuses malformed keyword values', () => {
    const errors = errorsOf({
      type: 'object',
      properties: {
        a: { type: 'text' },
        b: { type: 'string', minLength: -1 },
        c: { enum: [{ nested: true }] },
        d: { type: 'string', pattern: '([a-z' },
        e: { type: 'number', minimum: 5, maximum: 1 },
        f: true,
      },
      required: 'a',
    });
    expect(errors.map((e) => e.path)).toEqual([
      '/type',
      '/properties/a/type',
      '/properties/b/minLength',
      '/properties/c/enum',
      '/properties/d/pattern',
      '/properties/e/minimum',
      '/properties/f',
      '/required',
    ].filter((p) => p !== '/type'));
  });

  it('accepts patterns with nested quantifiers, because the edge runs them on a linear-time engine', () => {
    expect(errorsOf({ type: 'object', properties: { a: { type: 'string', pattern: '^(a+)+$' } } })).toEqual([]);
    expect(errorsOf({ type: 'object', properties: { a: { type: 'string', pattern: '^[a-z]+(-[a-z]+)*$' } } })).toEqual([]);
  });

  it('refuses a backreference at the pointer of the pattern', () => {
    const errors = errorsOf({ type: 'object', properties: { a: { type: 'string', pattern: '(a)\\1' } } });
    expect(errors.map((e) => e.path)).toEqual(['/properties/a/pattern']);
    expect(errors[0]?.message).toContain('backreference');
  });

  it('refuses schemas nested deeper than the limit', () => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < SCHEMA_LIMITS.MAX_DEPTH + 5; i++) schema = { type: 'object', properties: { x: schema } };
    const errors = errorsOf(schema);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain('deeper than');
  });

  it('refuses schemas with more subschemas than the limit, reporting it once', () => {
    const properties = Object.fromEntries(Array.from({ length: SCHEMA_LIMITS.MAX_NODES + 10 }, (_, i) => [`f${i}`, { type: 'string' }]));
    const errors = errorsOf({ type: 'object', properties });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain('subschemas');
  });

  it('refuses schemas larger than the byte limit', () => {
    const description = 'x'.repeat(SCHEMA_LIMITS.MAX_BYTES);
    expect(errorsOf({ type: 'object', description })[0]?.message).toContain('bytes');
  });

  it('refuses $schema dialects it does not know and $schema below the root', () => {
    expect(errorsOf({ $schema: 'http://json-schema.org/draft-04/schema#', type: 'object' })[0]?.path).toBe('/$schema');
    expect(errorsOf({ type: 'object', properties: { a: { $schema: 'https://json-schema.org/draft/2020-12/schema' } } })[0]?.path).toBe('/properties/a/$schema');
  });
});
