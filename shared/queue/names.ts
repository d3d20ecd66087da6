/** Queue names as wrangler.toml declares them; the consumer dispatches on `batch.queue`. */
export const EVENTS_QUEUE = 'hasp-events';
export const EVENTS_DLQ = 'hasp-events-dlq';
/** The workflow runtime's queue: the fan-out sends runs to it, shared/runtime stands in for its consumer locally. */
export const RUNS_QUEUE = 'hasp-runs';

/** Queues.sendBatch takes at most 100 messages per call. */
export const MAX_BATCH_ITEMS = 100;

/** D1 allows 100 bound parameters per statement. */
export const D1_MAX_PARAMS = 100;

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

/** Retry delay after the n-th failed attempt: 5 s, 10 s, 20 s … capped at 5 minutes. */
export function backoffSeconds(attempts: number): number {
  return Math.min(300, 5 * 2 ** Math.max(0, attempts - 1));
}
