// Micro-benchmark of schema `pattern` checks: the service's validator (shared/schema/validate.ts)
// bundled twice, once with its linear-time engine (re2js, shared/schema/pattern.ts) and once with
// the RegExp engine it replaced (bench/schema/pattern-regexp.ts), timed side by side.
// Run: node bench/schema-patterns.bench.mjs   (figures: bench/schema-patterns.md)
import { bench, do_not_optimize, group, run, summary } from 'mitata';
import { bundleModules } from './lib/bundle-modules.mjs';

const EXPORTS = ["export { compileValidator } from './shared/schema/validate';", "export { checkEnforceable } from './shared/schema/json-schema';"];

/** The validator and its pattern compiler, bundled with `engine` in place of shared/schema/pattern.ts. */
function bundleWith(engine) {
  if (engine === 're2js') return bundleModules('schema-patterns-re2js', EXPORTS);
  const replacement = new URL('./schema/pattern-regexp.ts', import.meta.url).pathname;
  const swap = { name: 'regexp-engine', setup: (b) => b.onResolve({ filter: /^\.\/pattern$/ }, () => ({ path: replacement })) };
  return bundleModules('schema-patterns-regexp', EXPORTS, [swap]);
}

const re2 = await bundleWith('re2js');
const regexp = await bundleWith('regexp');

// ---- schemas and payloads ------------------------------------------------------------------------
const schema = {
  type: 'object',
  properties: {
    patient_id: { type: 'string', pattern: '^p[0-9]+$' },
    email: { type: 'string', pattern: '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$' },
    visit: { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' },
    at: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$' },
    note: { type: 'string', pattern: 'urgent|routine' },
  },
  required: ['patient_id', 'email', 'visit', 'at', 'note'],
};
const valid = { patient_id: 'p12345', email: 'ann.lee@example.org', visit: '123e4567-e89b-12d3-a456-426614174000', at: '2026-11-26T12:00:00Z', note: 'routine follow-up, no change' };
const invalid = { patient_id: 'x12', email: 'ann.lee@', visit: '123e4567', at: '26/11/2026', note: 'none' };
// One 10,000-character field: the normal case at length (the search runs the whole string).
const longSchema = { type: 'object', properties: { text: { type: 'string', pattern: '^[\\p{L}\\p{N}\\s.,;:!?-]*$' } }, required: ['text'] };
const longValid = { text: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(176).slice(0, 10_000) };
const longInvalid = { text: longValid.text.slice(0, 9_999) + '#' };
const catastrophic = { type: 'object', properties: { name: { type: 'string', pattern: '^(a|a)*$' } }, required: ['name'] };

const compiled = (engine, s) => {
  const checked = engine.checkEnforceable(s);
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return engine.compileValidator(checked.schema);
};
const v = {
  re2: { normal: compiled(re2, schema), long: compiled(re2, longSchema), catastrophic: compiled(re2, catastrophic) },
  regexp: { normal: compiled(regexp, schema), long: compiled(regexp, longSchema), catastrophic: compiled(regexp, catastrophic) },
};

// Both engines must agree before their speed means anything.
for (const [name, key, payload] of [['valid', 'normal', valid], ['invalid', 'normal', invalid], ['long valid', 'long', longValid], ['long invalid', 'long', longInvalid]]) {
  const a = JSON.stringify(v.re2[key].validate(payload));
  const b = JSON.stringify(v.regexp[key].validate(payload));
  if (a !== b) throw new Error(`engines disagree on ${name}:\n${a}\n${b}`);
}

// The adversarial case, timed by hand: RegExp only on short strings (each "a" doubles its time).
const adversarial = (n) => ({ name: 'a'.repeat(n) + '!' });
const once = (validator, payload) => {
  const start = performance.now();
  validator.validate(payload);
  return performance.now() - start;
};
for (const n of [16, 20, 22, 24]) {
  console.log(`adversarial ^(a|a)*$ on ${n + 1} characters: RegExp ${once(v.regexp.catastrophic, adversarial(n)).toFixed(2)} ms, re2js ${once(v.re2.catastrophic, adversarial(n)).toFixed(3)} ms`);
}
for (const n of [10_000, 65_535]) {
  const runs = 20;
  let total = 0;
  for (let i = 0; i < runs; i++) total += once(v.re2.catastrophic, adversarial(n));
  console.log(`adversarial ^(a|a)*$ on ${n + 1} characters: re2js ${(total / runs).toFixed(3)} ms per validation (mean of ${runs}); RegExp not run (it would not finish)`);
}

// ---- mitata ------------------------------------------------------------------------------------
for (const [label, key, payload] of [
  ['5 patterns, valid', 'normal', valid],
  ['5 patterns, refused (5 mismatches)', 'normal', invalid],
  ['10,000-char field, valid', 'long', longValid],
  ['10,000-char field, refused', 'long', longInvalid],
]) {
  group(label, () => {
    summary(() => {
      bench(`RegExp ${label}`, () => do_not_optimize(v.regexp[key].validate(payload)));
      bench(`re2js  ${label}`, () => do_not_optimize(v.re2[key].validate(payload)));
    });
  });
}
group('adversarial ^(a|a)*$, 10,001 characters', () => {
  bench('re2js  adversarial 10,001 chars', () => do_not_optimize(v.re2.catastrophic.validate(adversarial(10_000))));
});
group('compile (once per webhook per isolate)', () => {
  summary(() => {
    bench('RegExp compile 5-pattern schema', () => do_not_optimize(regexp.compileValidator(schema)));
    bench('re2js  compile 5-pattern schema', () => do_not_optimize(re2.compileValidator(schema)));
  });
});
await run();
