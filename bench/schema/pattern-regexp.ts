/**
 * The engine schema patterns ran on before issue 27: `RegExp` with the `u` flag, behind the same
 * `compilePattern` signature as shared/schema/pattern.ts, so bench/schema-patterns.bench.mjs can
 * bundle the service's validator with either engine and time them side by side. Bench only:
 * backtracking, so a tenant's `^(a|a)*$` stalls it; nothing under shared/ imports it.
 */
import type { PatternCompilation } from '../../shared/schema/pattern';

export const MAX_PATTERN_PROGRAM_SIZE = Number.POSITIVE_INFINITY;

/** `RegExp` in unicode mode; refuses only what `RegExp` cannot parse. */
export function compilePattern(source: string): PatternCompilation {
  let regex: RegExp;
  try {
    regex = new RegExp(source, 'u');
  } catch {
    return { ok: false, message: 'pattern is not a valid regular expression (ECMA-262, unicode mode)' };
  }
  // Size 0: the budget charges only the per-character overhead, as close to "no budget" as the validator allows.
  return { ok: true, pattern: { source, size: 0, test: (value) => regex.test(value) } };
}
