// Queue names as wrangler.toml declares them; a consumer dispatches on `batch.queue`. The events
// and runs queues are sharded by project: their names and bindings live in ./shards.ts.

/**
 * Bulk replay jobs: one message per page of a job's events (shared/replay). One queue, not
 * sharded: a page is a hundred events of one project, so even many jobs at once send a few
 * messages a second, far below a queue's ceiling; the events a page replays go to the project's
 * events shard.
 */
export const REPLAYS_QUEUE = 'hasp-replays';

/** Queues.sendBatch takes at most 100 messages per call. */
export const SEND_BATCH_MAX_MESSAGES = 100;
