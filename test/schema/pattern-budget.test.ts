/**
 * One payload's pattern searches are bounded in all, not only per string: a pattern that defeats
 * the engine's automaton cache costs microseconds per character, and a payload of many long strings
 * must not turn that into seconds for the isolate's other tenants.
 */
import { describe, expect, it } from 'vitest';
import { checkEnforceable, type JsonSchema } from '../../shared/schema/json-schema';
import { PATTERN_WORK_BUDGET, PatternBudget } from '../../shared/schema/pattern-budget';
import { compileValidator } from '../../shared/schema/validate';

// Every position of the last 20 doubles the automaton's states: the engine falls back to the NFA.
const CACHE_DEFEATING = '[ab]*a[ab]{20}c';

function listOf(pattern: string): JsonSchema {
  return { type: 'object', properties: { codes: { type: 'array', items: { type: 'string', pattern } } }, required: ['codes'] };
}

function validatorFor(schema: JsonSchema) {
  const checked = checkEnforceable(schema);
  if (!checked.ok) throw new Error(checked.errors[0]?.message ?? 'refused');
  return compileValidator(checked.schema);
}

/** Random a/b strings ending in "c", so the engine's literal prefilter cannot skip the search. */
function abStrings(count: number, length: number): string[] {
  let seed = 7;
  const next = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
  return Array.from({ length: count }, () => Array.from({ length: length - 1 }, () => ((next() >> 16) % 2 === 0 ? 'a' : 'b')).join('') + 'c');
}

describe('the pattern budget of one payload', () => {
  it('Should stop searching once a payload has spent its budget, and say so at each string left unsearched', () => {
    const validator = validatorFor(listOf(CACHE_DEFEATING));
    const codes = abStrings(100, 10_000);
    const started = performance.now();
    const result = validator.validate({ codes });
    const took = performance.now() - started;
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const unsearched = result.errors.filter((e) => e.message.startsWith('Not checked against the pattern'));
    // 10,000 × (64 + program size) steps a string: fewer than ten strings fit the budget.
    expect(unsearched.length).toBeGreaterThan(90);
    expect(unsearched[0]?.message).toContain(String(PATTERN_WORK_BUDGET));
    console.log(`100 strings of 10,000 characters against ${CACHE_DEFEATING}: ${took.toFixed(0)} ms, ${100 - unsearched.length} searched`);
    // Searching all 100 took seconds before the budget; what is left is a fraction of one.
    expect(took).toBeLessThan(2_000);
  });

  it('Should give every payload the whole budget again', () => {
    const validator = validatorFor(listOf(CACHE_DEFEATING));
    const payload = { codes: abStrings(20, 10_000) };
    const first = validator.validate(payload);
    expect(validator.validate(payload)).toEqual(first);
    expect(validator.validate({ codes: ['ac'] })).toEqual({ ok: false, errors: [{ path: '/codes/0', message: `Expected a string matching the pattern ${CACHE_DEFEATING}` }] });
  });

  it('Should search every string of an ordinary payload: a thousand ids against an id pattern', () => {
    const validator = validatorFor(listOf('^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'));
    const ids = Array.from({ length: 1_000 }, (_, i) => `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`);
    expect(validator.validate({ codes: ids })).toEqual({ ok: true });
    ids[999] = 'not-an-id';
    expect(validator.validate({ codes: ids })).toEqual({ ok: false, errors: [{ path: '/codes/999', message: expect.stringContaining('Expected a string matching') }] });
  });

  it('Should take nothing when a search does not fit, so a shorter string may still be searched', () => {
    const budget = new PatternBudget();
    expect(budget.charge(PATTERN_WORK_BUDGET, 0)).toBe(false);
    expect(budget.charge(1_000, 0)).toBe(true);
    budget.reset();
    expect(budget.charge(PATTERN_WORK_BUDGET / 64, 0)).toBe(true);
    expect(budget.charge(1, 0)).toBe(false);
  });
});
