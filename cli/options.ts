/**
 * Numeric option values, checked while commander parses the command line: a bad value is a usage
 * error (exit 2) naming the flag, before any request is made. `Number()` alone would let `abc`
 * through as NaN (a poll loop with no delay), `-5` as a negative count, and `1e3` or `0x10` as
 * numbers nobody meant.
 */
import { InvalidArgumentError } from 'commander';

/** A parser for a whole number of `unit` from `min` to `max` (no upper bound when `max` is omitted). */
export function wholeNumber(unit: string, min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
  return (value) => {
    const text = value.trim();
    const n = /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
    if (n >= min && n <= max) return n;
    throw new InvalidArgumentError(`Give a whole number of ${unit}, ${range}.`);
  };
}

/**
 * How often a command polls, in ms. The floor keeps a typo from hammering the API; the ceiling is
 * below setTimeout's 2^31 ms limit, past which Node fires after 1 ms instead.
 */
export const pollInterval = wholeNumber('milliseconds', 100, 3_600_000);
