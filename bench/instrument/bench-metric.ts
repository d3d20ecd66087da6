/**
 * The metrics sinks of `npm run bench`'s counted copy: the lines bench/run.mjs reads from that
 * copy's output to know when a backlog is drained and what one event's fan-out cost. The service
 * as `npm run dev` and production run it has no sink and prints none of them.
 */
import type { FanOutMetric } from '../../shared/fanout/consumer';
import type { RunsRecordedMetric } from '../../workers/runtime-standin/run-recorder';
import type { StatementCounter } from './counting-d1';

/**
 * Ids are listed only for batches this small (the fan-out phase sends one event at a time): the dev
 * server parses and relays every line, and short lines keep the bench's own bookkeeping out of the
 * CPU it measures.
 */
export const METRIC_MAX_IDS = 10;

export function logBenchMetric(name: 'hasp-fanout-metric' | 'hasp-runtime-metric', metric: object): void {
  console.log(`${name} ${JSON.stringify(metric)}`);
}

/** A consumer batch's sink: its `hasp-fanout-metric` line, with the D1 work `counter` saw during it. */
export function fanOutMetricSink(counter: StatementCounter): (metric: FanOutMetric) => void {
  return ({ eventIds, runs, sendBatchCalls, ms }) => {
    const ids = eventIds.length <= METRIC_MAX_IDS ? { event_ids: eventIds } : {};
    logBenchMetric('hasp-fanout-metric', {
      events: eventIds.length,
      ...ids,
      runs,
      send_batch_calls: sendBatchCalls,
      d1_statements: counter.statements,
      d1_round_trips: counter.roundTrips,
      ms,
    });
  };
}

/** The stand-in runtime's sink: a `hasp-runtime-metric` line per batch that recorded runs. */
export function logRuntimeMetric({ runs, byEvent }: RunsRecordedMetric): void {
  const ids = byEvent.size <= METRIC_MAX_IDS ? { by_event: Object.fromEntries(byEvent) } : {};
  logBenchMetric('hasp-runtime-metric', { runs, ...ids });
}
