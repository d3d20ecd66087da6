/** Queue names as wrangler.toml declares them; a consumer dispatches on `batch.queue`. */
export const EVENTS_QUEUE = 'hasp-events';
export const EVENTS_DLQ = 'hasp-events-dlq';
/**
 * The workflow runtime's queue: the fan-out sends runs to it. Production's runtime consumes it;
 * locally workers/runtime-standin does.
 */
export const RUNS_QUEUE = 'hasp-runs';
/** Bulk replay jobs: one message per page of a job's events (shared/replay). */
export const REPLAYS_QUEUE = 'hasp-replays';

/** Queues.sendBatch takes at most 100 messages per call. */
export const SEND_BATCH_MAX_MESSAGES = 100;
