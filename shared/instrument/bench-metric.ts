/**
 * Bench mode only (INSTRUMENT_D1 = "true"): the lines `npm run bench` reads from the dev server's
 * output to know when a backlog is drained and what one event's fan-out cost.
 */

/**
 * Ids are listed only for batches this small (the fan-out phase sends one event at a time): the dev
 * server parses and relays every line, and short lines keep the bench's own bookkeeping out of the
 * CPU it measures.
 */
export const METRIC_MAX_IDS = 10;

export function logBenchMetric(name: 'hasp-fanout-metric' | 'hasp-runtime-metric', metric: object): void {
  console.log(`${name} ${JSON.stringify(metric)}`);
}
