/**
 * Patterns valid in ECMA-262 that the linear-time engine cannot run, with the construct the
 * save-time refusal names: shared by the unit tests and the control API's.
 */
export const UNRUNNABLE_PATTERNS: [pattern: string, construct: string][] = [
  ['(a)\\1', 'backreference \\1'],
  ['(?<x>a)\\k<x>', 'named backreference \\k<…>'],
  ['(?=a)', 'lookahead (?=…)'],
  ['(?!a)', 'negative lookahead (?!…)'],
  ['(?<=a)b', 'lookbehind (?<=…)'],
  ['(?<!a)b', 'negative lookbehind (?<!…)'],
];
