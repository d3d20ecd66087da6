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

// A linear check takes well under a millisecond on one of these strings; a super-linear one takes
// seconds, on every run. Noise on a shared machine (a GC pause, the process descheduled) only adds
// time, and lands on one run, not on several in a row: so a string counts as slow only when it
// takes longer than the bound on each of RUNS tries.
const BOUND_MS = 50;
const RUNS = 5;

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

/**
 * The fastest of up to `RUNS` timings of `check(value)`, in ms. It stops at the first run within
 * the bound, which then decides the comparison, so a linear check is timed once per string.
 */
function fastestRun(check: (value: string) => boolean, value: string): number {
  let fastest = Infinity;
  for (let run = 0; run < RUNS && fastest >= BOUND_MS; run++) {
    const start = performance.now();
    // Some of these are well-formed (a:aaa… is a URI); only the time matters here.
    check(value);
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

describe('format checks on long adversarial strings', () => {
  it.each(STRING_FORMATS)('%s stays linear on 10,000-character runs', (format) => {
    const check = FORMAT_CHECKS[format];
    for (const value of adversarialStrings()) {
      const fastest = fastestRun(check, value);
      // The string's start and end name it: the run is one unit repeated.
      expect(fastest, `${format} on ${JSON.stringify(value.slice(0, 16))}…${JSON.stringify(value.slice(-4))}`).toBeLessThan(BOUND_MS);
    }
  });
});
