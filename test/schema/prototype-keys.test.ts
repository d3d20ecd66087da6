import { describe, expect, it } from 'vitest';
import { compileCheck, FormatMemo } from '../../shared/schema/check';
import { checkEnforceable, type JsonSchema } from '../../shared/schema/json-schema';
import { tooShort, unexpectedField } from '../../shared/schema/messages';
import { PatternBudget } from '../../shared/schema/pattern-budget';
import { compileReportingValidator, compileValidator } from '../../shared/schema/validate';
import type { ValidationResult } from '../../shared/schema/validator';

// JSON.parse makes "__proto__" an own key like any other; an object literal would set the prototype.
const parse = (json: string): unknown => JSON.parse(json);

/** The validator's answer, held to the valibot walk's so the accept-path check cannot hide a refusal. */
function validate(schema: JsonSchema, payload: unknown): ValidationResult {
  expect(checkEnforceable(schema)).toMatchObject({ ok: true });
  const result = compileValidator(schema).validate(payload);
  expect(compileReportingValidator(schema)(payload)).toEqual(result);
  return result;
}

const closed: JsonSchema = { type: 'object', properties: { id: { type: 'string' } }, additionalProperties: false };

describe('object keys named like prototype machinery', () => {
  it.each(['__proto__', 'constructor', 'prototype'])('Should refuse an undeclared %s in a closed object, at its pointer', (key) => {
    expect(validate(closed, parse(`{"id": "p1", "${key}": 1}`))).toEqual({ ok: false, errors: [{ path: `/${key}`, message: unexpectedField(key) }] });
    expect(validate(closed, parse(`{"id": "p1", "${key}": {"x": 1}}`))).toEqual({ ok: false, errors: [{ path: `/${key}`, message: unexpectedField(key) }] });
  });

  it('Should refuse them in a nested closed object, alongside the other failing paths', () => {
    const schema: JsonSchema = { type: 'object', properties: { nested: closed, n: { type: 'number' } } };
    expect(validate(schema, parse('{"n": "x", "nested": {"__proto__": {}, "constructor": 1, "id": 2, "b": 3}}'))).toEqual({
      ok: false,
      errors: [
        { path: '/n', message: 'Expected number but received string' },
        { path: '/nested/__proto__', message: unexpectedField('__proto__') },
        { path: '/nested/b', message: unexpectedField('b') },
        { path: '/nested/constructor', message: unexpectedField('constructor') },
        { path: '/nested/id', message: 'Expected string but received number' },
      ],
    });
  });

  it('Should check their values against an additionalProperties schema', () => {
    const schema: JsonSchema = { type: 'object', additionalProperties: { type: 'string', minLength: 2 } };
    expect(validate(schema, parse('{"__proto__": 1, "prototype": "x", "constructor": "ok"}'))).toEqual({
      ok: false,
      errors: [
        { path: '/__proto__', message: 'Expected string but received number' },
        { path: '/prototype', message: tooShort(2) },
      ],
    });
    expect(validate(schema, parse('{"__proto__": "xy"}'))).toEqual({ ok: true });
  });

  it('Should report failures inside such a value at their full pointer', () => {
    const schema: JsonSchema = { type: 'object', additionalProperties: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false } };
    expect(validate(schema, parse('{"__proto__": {"a": 1, "constructor": 2}}'))).toEqual({
      ok: false,
      errors: [
        { path: '/__proto__/a', message: 'Expected string but received number' },
        { path: '/__proto__/constructor', message: unexpectedField('constructor') },
      ],
    });
  });

  it('Should accept them in an open object inside a closed one that refuses them', () => {
    const schema: JsonSchema = { type: 'object', properties: { open: { type: 'object' } }, additionalProperties: false };
    expect(validate(schema, parse('{"open": {"__proto__": 1, "constructor": 1, "prototype": 1}}'))).toEqual({ ok: true });
    expect(validate(schema, parse('{"open": {"__proto__": 1}, "__proto__": 1}'))).toEqual({
      ok: false,
      errors: [{ path: '/__proto__', message: unexpectedField('__proto__') }],
    });
  });

  it('Should validate a declared __proto__ as a field while refusing the undeclared ones', () => {
    const properties: Record<string, JsonSchema> = {};
    Object.defineProperty(properties, '__proto__', { value: { type: 'string' }, enumerable: true });
    const schema: JsonSchema = { type: 'object', properties, required: ['__proto__'], additionalProperties: false };
    expect(validate(schema, parse('{"__proto__": "x"}'))).toEqual({ ok: true });
    expect(validate(schema, parse('{"__proto__": 1, "prototype": 1}'))).toEqual({
      ok: false,
      errors: [
        { path: '/__proto__', message: 'Expected string but received number' },
        { path: '/prototype', message: unexpectedField('prototype') },
      ],
    });
  });

  it('Should let the accept-path check answer for them without falling back to valibot', () => {
    const check = (schema: JsonSchema, payload: unknown): boolean => compileCheck(schema, new PatternBudget(), new FormatMemo())(payload);
    expect(check({ type: 'object', additionalProperties: { type: 'string' } }, parse('{"__proto__": "x", "constructor": "y"}'))).toBe(true);
    expect(check({ type: 'object', additionalProperties: { type: 'string' } }, parse('{"__proto__": 1}'))).toBe(false);
    expect(check(closed, parse('{"__proto__": "x"}'))).toBe(false);
  });
});
