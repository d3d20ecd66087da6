/**
 * How much pattern searching one payload may cost, whatever its schema and however many strings it
 * carries.
 *
 * The linear-time engine (./pattern.ts) makes a search cost proportional to the string, but not
 * cheap in every case: a pattern whose automaton outgrows the engine's cache (`[ab]*a[ab]{20}c`:
 * each of the last 20 positions doubles the states) makes the engine fall back to simulating the
 * NFA, measured here at about 2 µs per character for a small such pattern and 13 µs for one at
 * MAX_PATTERN_PROGRAM_SIZE, against about 30 ns for an ordinary one. The per-string cap alone would
 * still let one payload of many long strings hold the isolate, and so its other tenants, for
 * seconds. So every search is charged `length × (64 + program size)` steps against a budget per
 * payload: at the measured worst case (about 22 ns a step for a small pattern that defeats the
 * cache, 12 ns at the largest program) the budget bounds a payload's searching to about 180 ms,
 * while an ordinary pattern of 30 instructions may still search about 89,000 characters.
 */

/** Steps one payload's pattern searches may take in all (see above for what a step costs). */
export const PATTERN_WORK_BUDGET = 8 * 1024 * 1024;

/** What one character of a search costs before the pattern's size is added: the engine's overhead per character. */
const STEPS_PER_CHARACTER = 64;

/** One validator's budget, reset for each payload it validates. */
export class PatternBudget {
  private remaining = PATTERN_WORK_BUDGET;

  /** A new payload: the whole budget again. */
  reset(): void {
    this.remaining = PATTERN_WORK_BUDGET;
  }

  /**
   * Takes the steps a search of `length` UTF-16 units with a program of `size` instructions may
   * cost; false (and nothing taken) when they are no longer there, so the string is not searched.
   */
  charge(length: number, size: number): boolean {
    const steps = length * (STEPS_PER_CHARACTER + size);
    if (steps > this.remaining) return false;
    this.remaining -= steps;
    return true;
  }
}
