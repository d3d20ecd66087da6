import { describe, expect, it } from 'vitest';
import seedSample from '../fixtures/payloads/ehr-chart-updated.json';
import stripeSample from '../fixtures/payloads/stripe-invoice-paid.json';
import { compileCheck, FormatMemo } from '../../shared/schema/check';
import { inferSchema } from '../../shared/schema/infer';
import { checkEnforceable, type JsonSchema } from '../../shared/schema/json-schema';
import { PatternBudget } from '../../shared/schema/pattern-budget';
import { compileReportingValidator, compileValidator } from '../../shared/schema/validate';

/** A small deterministic PRNG (mulberry32), so a failure names a seed that reproduces it. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Keys where valibot's reading of an object is subtle: the check may refuse them and let valibot decide. */
const SUBTLE_KEYS = ['constructor', 'prototype', '__proto__', 'toString', 'hasOwnProperty'];
const KEYS = ['id', 'a', 'b', 'status', 'amount', 'patient_id', 'items', ...SUBTLE_KEYS];
const STRINGS = ['', 'x', 'p1', 'final', 'chart_updated', '2026-11-26T12:00:00Z', '2026-13-40', 'https://example.com/a', 'not a uri', 'a@b.co', '😀😀😀', 'abcdefghijk'];

function randomValue(next: () => number, depth: number): unknown {
  const pick = Math.floor(next() * (depth > 2 ? 6 : 8));
  switch (pick) {
    case 0:
      return STRINGS[Math.floor(next() * STRINGS.length)];
    case 1:
      return Math.floor(next() * 200) - 100;
    case 2:
      return next() * 10;
    case 3:
      return next() < 0.5;
    case 4:
      return null;
    case 5:
      return -0;
    case 6:
      return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = Math.floor(next() * 4); i > 0; i -= 1) {
        Object.defineProperty(object, KEYS[Math.floor(next() * KEYS.length)] ?? 'k', { value: randomValue(next, depth + 1), enumerable: true, writable: true, configurable: true });
      }
      return object;
    }
  }
}

/** `value` with one place changed: a field dropped, added or replaced, or an item replaced. */
function mutate(value: unknown, next: () => number, depth = 0): unknown {
  if (Array.isArray(value)) {
    if (value.length === 0 || next() < 0.2) return [...value, randomValue(next, depth)];
    const copy = [...value];
    const at = Math.floor(next() * copy.length);
    copy[at] = next() < 0.5 ? mutate(copy[at], next, depth + 1) : randomValue(next, depth);
    return copy;
  }
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    const roll = next();
    if (roll < 0.15 || keys.length === 0) {
      const key = KEYS[Math.floor(next() * KEYS.length)] ?? 'k';
      Object.defineProperty(copy, key, { value: randomValue(next, depth), enumerable: true, writable: true, configurable: true });
    } else {
      const key = keys[Math.floor(next() * keys.length)] ?? '';
      if (roll < 0.3) delete copy[key];
      else copy[key] = next() < 0.6 ? mutate(copy[key], next, depth + 1) : randomValue(next, depth);
    }
    return copy;
  }
  return next() < 0.5 ? randomValue(next, depth) : value;
}

function hasSubtleKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasSubtleKey);
  if (value === null || typeof value !== 'object') return false;
  return Object.keys(value).some((key) => SUBTLE_KEYS.includes(key)) || Object.values(value).some(hasSubtleKey);
}

const SCHEMAS: [string, JsonSchema, unknown][] = [
  ['the inferred EHR schema', inferSchema([seedSample]), seedSample],
  ['the inferred Stripe schema', inferSchema([stripeSample]), stripeSample],
  [
    'every constraint keyword',
    {
      type: 'object',
      required: ['id', 'status', 'amount'],
      properties: {
        id: { type: 'string', pattern: '^p[0-9]+$', minLength: 2, maxLength: 8 },
        status: { enum: ['final', 'amended', null] },
        amount: { type: ['integer', 'null'], minimum: -5, maximum: 50 },
        a: { type: 'string', format: 'date-time' },
        b: { type: ['string', 'number'], format: 'uri', minimum: 0 },
        items: { type: 'array', minItems: 1, maxItems: 3, items: { type: 'object', properties: { id: { const: 'x' } }, additionalProperties: false } },
      },
      additionalProperties: { type: ['boolean', 'object', 'array'] },
    },
    { id: 'p1', status: 'final', amount: 3, a: '2026-11-26T12:00:00Z', b: 'https://example.com/a', items: [{ id: 'x' }] },
  ],
  ['a closed object', { type: 'object', properties: { id: { type: 'string' } }, additionalProperties: false }, { id: 'p1' }],
  ['untyped fields with constraints', { type: 'object', properties: { id: { minLength: 2 }, amount: { maximum: 9 }, status: { const: null } } }, { id: 'p1', amount: 3 }],
];

describe('the accept-path check', () => {
  it.each(SCHEMAS)('never accepts what valibot refuses, and accepts what valibot accepts (%s)', (_name, schema, sample) => {
    expect(checkEnforceable(schema)).toMatchObject({ ok: true });
    const check = compileCheck(schema, new PatternBudget(), new FormatMemo());
    const report = compileReportingValidator(schema);
    expect(check(sample)).toBe(true);
    let accepted = 0;
    let refused = 0;
    for (let seed = 1; seed <= 3000; seed += 1) {
      const next = random(seed);
      let payload: unknown = sample;
      for (let steps = 1 + Math.floor(next() * 3); steps > 0; steps -= 1) payload = mutate(payload, next);
      const fast = check(payload);
      const full = report(payload).ok;
      if (fast) expect(full, `seed ${seed}: the check accepted a payload valibot refuses`).toBe(true);
      else if (!hasSubtleKey(payload)) expect(full, `seed ${seed}: the check refused a payload valibot accepts`).toBe(false);
      if (full) accepted += 1;
      else refused += 1;
    }
    // The mutations must reach both verdicts, or the comparison above proves nothing.
    expect(accepted).toBeGreaterThan(30);
    expect(refused).toBeGreaterThan(30);
  });

  it('refuses a field found only on the prototype, and the validator lets valibot decide', () => {
    const schema: JsonSchema = { type: 'object', properties: Object.fromEntries([['toString', { type: 'string' }]]) };
    expect(compileCheck(schema, new PatternBudget(), new FormatMemo())({})).toBe(false);
    expect(compileValidator(schema).validate({})).toEqual(compileReportingValidator(schema)({}));
  });

  it('answers a format once per distinct string of a payload, and forgets between payloads', () => {
    const memo = new FormatMemo();
    expect(memo.check('uri', 'https://example.com/a')).toBe(true);
    expect(memo.check('uri', 'not a uri')).toBe(false);
    expect(memo.check('date-time', 'https://example.com/a')).toBe(false);
    memo.clear();
    expect(memo.check('uri', 'not a uri')).toBe(false);
  });

  it('shares the pattern budget with valibot: a payload that spends it is refused by both', () => {
    const schema: JsonSchema = { type: 'object', properties: { lines: { type: 'array', items: { type: 'string', pattern: 'a' } } } };
    const payload = { lines: Array.from({ length: 200 }, () => 'b'.repeat(16_000)) };
    expect(compileCheck(schema, new PatternBudget(), new FormatMemo())(payload)).toBe(false);
    const result = compileValidator(schema).validate(payload);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).toContain('budget');
  });
});
