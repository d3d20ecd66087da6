import { describe, expect, it } from 'vitest';
import { FORMAT_CHECKS, STRING_FORMATS } from '../../shared/schema/formats';

// The format checks are @cfworker/json-schema's RegExps, run on a backtracking engine. Read one by
// one they are anchored, their loops' alternatives are disjoint, and the hostname check bounds its
// own length first, so they are linear; this pins that against a library upgrade, with long runs
// of the characters each regex loops on followed by a character that forces the mismatch.
const UNITS = ['a', '1', ':', '%', '/', '.', 'a.', '-', '@', '%a', '"', '\\ ', 'a:', '1.', '::', 'ff:', '?', '#', 'T', ' '];
const PREFIXES = ['', 'a:', 'a@', '"', 'http://', '//', '2026-01-01T', 'x@['];
const TAILS = ['', '!', '@', ':', '"', '%', '['];
const LENGTH = 10_000;

function adversarialStrings(): string[] {
  const strings: string[] = [];
  for (const prefix of PREFIXES) {
    for (const unit of UNITS) {
      const run = (prefix + unit.repeat(Math.ceil(LENGTH / unit.length))).slice(0, LENGTH);
      for (const tail of TAILS) strings.push(run + tail);
    }
  }
  return strings;
}

describe('format checks on long adversarial strings', () => {
  it.each(STRING_FORMATS)('%s stays linear on 10,000-character runs', (format) => {
    const check = FORMAT_CHECKS[format];
    const strings = adversarialStrings();
    const start = performance.now();
    let worst = 0;
    for (const value of strings) {
      const one = performance.now();
      // Some of these are well-formed (a:aaa… is a URI); only the time matters here.
      check(value);
      worst = Math.max(worst, performance.now() - one);
    }
    const total = performance.now() - start;
    console.log(`${format}: ${strings.length} strings in ${total.toFixed(1)} ms, worst ${worst.toFixed(2)} ms`);
    // A super-linear check takes seconds on one of these; linear ones take well under a millisecond.
    expect(worst).toBeLessThan(50);
  });
});
