/**
 * Splitting work to fit D1's per-statement limits (and, for callers with limits of their own,
 * any other count or size cap).
 */

/** D1 binds at most 100 parameters per statement. */
export const D1_MAX_BOUND_PARAMETERS = 100;

/** Rows of `columns` values each that one multi-row INSERT can bind. */
export function rowsPerInsert(columns: number): number {
  return Math.floor(D1_MAX_BOUND_PARAMETERS / columns);
}

/**
 * Consecutive groups of at most `maxCount` items whose weights add up to at most `maxWeight`; an
 * item heavier than `maxWeight` gets a group of its own.
 */
export function chunkByWeight<T>(items: readonly T[], maxCount: number, maxWeight: number, weight: (item: T) => number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let total = 0;
  for (const item of items) {
    const w = weight(item);
    if (current.length > 0 && (current.length === maxCount || total + w > maxWeight)) {
      out.push(current);
      current = [];
      total = 0;
    }
    current.push(item);
    total += w;
  }
  if (current.length > 0) out.push(current);
  return out;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
