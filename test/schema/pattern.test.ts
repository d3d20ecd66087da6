import { describe, expect, it } from 'vitest';
import { checkEnforceable, SCHEMA_LIMITS, type JsonSchema } from '../../shared/schema/json-schema';
import { compilePattern } from '../../shared/schema/pattern';
import { compileValidator } from '../../shared/schema/validate';
import type { ValidationResult } from '../../shared/schema/validator';
import { UNRUNNABLE_PATTERNS } from '../helpers/patterns';

// The probe's string: a long run the pattern loops on, then a character that forces a mismatch.
const ADVERSARIAL = 'a'.repeat(10_000) + '!';

function schemaWith(pattern: string): JsonSchema {
  return { type: 'object', properties: { name: { type: 'string', pattern } }, required: ['name'] };
}

function refusalOf(pattern: string): string | undefined {
  const result = checkEnforceable(schemaWith(pattern));
  if (result.ok) return undefined;
  expect(result.errors.map((e) => e.path)).toEqual(['/properties/name/pattern']);
  return result.errors[0]?.message;
}

/** Compiles the schema as save time would, then times `runs` validations of `name`. */
function timed(pattern: string, name: string, runs: number): { result: ValidationResult; totalMs: number } {
  const checked = checkEnforceable(schemaWith(pattern));
  if (!checked.ok) throw new Error(`${pattern} refused: ${checked.errors[0]?.message ?? ''}`);
  const validator = compileValidator(checked.schema);
  let result: ValidationResult = validator.validate({ name });
  const start = performance.now();
  for (let i = 0; i < runs; i++) result = validator.validate({ name });
  return { result, totalMs: performance.now() - start };
}

const matches = (pattern: string, value: string): boolean => {
  const compiled = compilePattern(pattern);
  if (!compiled.ok) throw new Error(compiled.message);
  return compiled.pattern.test(value);
};

// The four patterns the security probe found accepted by the old nested-quantifier blacklist.
const PROBE_PATTERNS = ['^(a|a)*$', '^(a|a)+$', '^(a|a){1,100}$', '^((a)|(a))*$'];

// A generated family: catastrophic shapes for a backtracking engine, nested 1..5 deep.
function nestedFamily(): string[] {
  const patterns = new Set<string>(['(a|a)*', '(a|aa)+', '((a+)+)+', '(a*)*b', '(a|a?)+', '(\\w+\\s?)*$', '^(a+)+$', '^(a|a)*$']);
  for (const quantifier of ['*', '+', '{1,100}']) {
    for (const core of ['a', 'a|a', 'a|aa', 'a?|a']) {
      let pattern = core;
      for (let depth = 1; depth <= 5; depth++) {
        // RE2 refuses nested counted repetition past 1,000 in all, so only the first level is counted.
        pattern = `(${pattern})${depth === 1 || quantifier !== '{1,100}' ? quantifier : '+'}`;
        patterns.add(`^${pattern}$`);
      }
    }
  }
  return [...patterns];
}

describe('schema patterns on the linear-time engine', () => {
  it.each(PROBE_PATTERNS)('accepts %s at save time and refuses the adversarial string quickly', (pattern) => {
    const { result, totalMs } = timed(pattern, ADVERSARIAL, 5);
    expect(result).toEqual({ ok: false, errors: [{ path: '/name', message: `Expected a string matching the pattern ${pattern}` }] });
    console.log(`pattern ${pattern}: ${(totalMs / 5).toFixed(3)} ms per validation of ${ADVERSARIAL.length} characters`);
    expect(totalMs).toBeLessThan(50 * 5);
  });

  it('validates the adversarial string against every nested-quantifier pattern in linear time', () => {
    const timings: string[] = [];
    let worst = 0;
    for (const pattern of nestedFamily()) {
      const { result, totalMs } = timed(pattern, ADVERSARIAL, 3);
      // Anchored ones cannot match past the "!"; unanchored ones find an "a" (or the empty string)
      // somewhere, except (a*)*b, which needs a "b".
      expect(result.ok, pattern).toBe(!pattern.startsWith('^') && pattern !== '(a*)*b');
      worst = Math.max(worst, totalMs / 3);
      timings.push(`${pattern} ${(totalMs / 3).toFixed(3)}ms`);
    }
    console.log(`${timings.length} patterns, worst ${worst.toFixed(3)} ms per validation:\n${timings.join('\n')}`);
    expect(worst).toBeLessThan(50);
  });

  it('fails a string longer than the cap without searching it, saying the limit', () => {
    const max = SCHEMA_LIMITS.MAX_PATTERN_SUBJECT_LENGTH;
    expect(max).toBeGreaterThanOrEqual(10_000);
    const validator = compileValidator(schemaWith('^a+$'));
    expect(validator.validate({ name: 'a'.repeat(max) })).toEqual({ ok: true });
    const result = validator.validate({ name: 'a'.repeat(max + 1) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.path).toBe('/name');
    expect(result.errors[0]?.message).toContain(`at most ${max} characters`);
    expect(result.errors[0]?.message).toContain('^a+$');
  });

  it('counts the cap in code points, as minLength and maxLength do', () => {
    const max = SCHEMA_LIMITS.MAX_PATTERN_SUBJECT_LENGTH;
    const validator = compileValidator(schemaWith('^\\p{So}+$'));
    // Each emoji is two UTF-16 units and one code point.
    expect(validator.validate({ name: '\u{1F600}'.repeat(max) })).toEqual({ ok: true });
    expect(validator.validate({ name: '\u{1F600}'.repeat(max + 1) }).ok).toBe(false);
  });
});

describe('patterns the engine cannot run are refused at save time, naming the construct', () => {
  it.each([
    ...UNRUNNABLE_PATTERNS,
    ['^a{1001}$', 'counted repetition above 1000'],
    ['^\\p{Alphabetic}$', 'Unicode property \\p{Alphabetic}'],
    ['^\\p{Script_Extensions=Greek}$', 'Unicode property \\p{Script_Extensions=Greek}'],
    ['^\\p{sc=Grek}$', 'Unicode property \\p{sc=Grek}'],
  ])('refuses %s', (pattern, construct) => {
    const message = refusalOf(pattern);
    expect(message).toContain(construct);
    expect(message).toContain('linear-time engine (RE2 syntax)');
  });

  it('refuses nested counted repetition the engine cannot compile', () => {
    expect(refusalOf('^((a{100}){100}){100}$')).toContain('nested counted repetition');
  });

  it('refuses a pattern whose program is over the size limit', () => {
    expect(refusalOf('^[a-z]{1,1000}$')).toContain('instructions');
    expect(refusalOf('^.{1,255}$')).toBeUndefined();
  });

  it('still refuses a pattern that is not valid ECMA-262 in unicode mode', () => {
    expect(refusalOf('([a-z')).toContain('not a valid regular expression');
    // Valid RE2, invalid ECMA (unicode mode): RE2 syntax is not a way around the ECMA check.
    expect(refusalOf('(?P<x>a)')).toContain('not a valid regular expression');
    expect(refusalOf('\\pL')).toContain('not a valid regular expression');
  });
});

describe('patterns keep their ECMA-262 meaning', () => {
  it.each<[string, string, boolean]>([
    // Unanchored search, like RegExp.test.
    ['p[0-9]+', 'xx p12 yy', true],
    ['^p[0-9]+$', 'p12', true],
    ['^p[0-9]+$', 'xp12', false],
    ['^p[0-9]+$', 'p12\n', false],
    ['^a', '\na', false],
    // ECMA's "." excludes \r, \u2028 and \u2029 too, not only \n.
    ['^.$', '\r', false],
    ['^.$', '\u2028', false],
    ['^.$', '\n', false],
    ['^.$', '\u{1F600}', true],
    ['^..$', '\u{1F600}', false],
    // ECMA's \s includes \v and Unicode spaces; RE2's alone would not.
    ['^\\s$', '\v', true],
    ['^\\s$', '\u00a0', true],
    ['^\\s$', '\u3000', true],
    ['^\\s$', '\ufeff', true],
    ['^\\S$', '\u00a0', false],
    ['^[\\S]$', 'x', true],
    ['^[^\\S]$', '\u2003', true],
    ['^\\w+$', 'abc_09', true],
    ['^\\w$', 'é', false],
    ['^\\W$', 'é', true],
    ['^\\d$', '٣', false],
    ['^[\\d-]+$', '12-3', true],
    ['\\bcat\\b', 'a cat sat', true],
    ['\\bcat\\b', 'concatenate', false],
    // Unicode properties and escapes.
    ['^\\p{L}+$', 'Zoë', true],
    ['^\\p{L}+$', 'Zoë1', false],
    ['^\\P{L}+$', '123', true],
    ['^\\p{Lu}', 'Émile', true],
    ['^\\p{Letter}+$', 'abc', true],
    ['^\\p{Script=Greek}+$', 'αβγ', true],
    ['^\\p{sc=Greek}+$', 'abc', false],
    ['^[\\p{L}\\d]+$', 'a1', true],
    ['^\\u{1F600}$', '\u{1F600}', true],
    ['^\\uD83D\\uDE00$', '\u{1F600}', true],
    ['^\\x41\\u0042\\cJ$', 'AB\n', true],
    // Classes: literal brackets and POSIX-looking text mean characters in ECMA.
    ['^[[:a]+$', ':[a', true],
    ['^[\\]\\-]+$', ']-', true],
    ['^[\\b]$', '\b', true],
    ['^[]$', '', false],
    ['^[^]$', '\n', true],
    ['^[^a-c]$', 'd', true],
    ['^[^a-c]$', 'b', false],
    // Groups, alternation, quantifiers (lazy ones match the same strings).
    ['^(?:ab|cd){2}$', 'abcd', true],
    ['^(?<word>ab)+?$', 'abab', true],
    ['^a{2,}$', 'a', false],
    ['^a{2,3}$', 'aaaa', false],
    ['^\\$\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\/\\\\$', '$.*+?()[]{}|/\\', true],
    ['^é$', 'é', true],
    ['^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$', 'ann@example.com', true],
  ])('%s on %j is %s, as RegExp says', (pattern, value, expected) => {
    expect(new RegExp(pattern, 'u').test(value)).toBe(expected);
    expect(matches(pattern, value)).toBe(expected);
  });

  it('matches a lone surrogate the way unicode-mode RegExp does', () => {
    expect(matches('^.$', '\ud800')).toBe(true);
    expect(matches('^\\ud800$', '\ud800')).toBe(true);
    expect(matches('^\\ud800$', '\u{10000}')).toBe(false);
  });
});
