/** `value`, or a failed test naming what was missing: where a test knows it is there, without a `!`. */
export function present<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`expected ${what}`);
  return value;
}
