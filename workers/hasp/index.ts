/**
 * The deployable Worker: wiring only (workers/hasp/worker.ts). `fetch` serves org hosts (ingress)
 * and the api host (control API); `queue` fans every events shard out to the runs shards and records
 * their dead letters. The runs shards belong to the workflow runtime (locally: workers/runtime-standin).
 */
import { createHaspWorker } from './worker';

export { LogIndex } from '../../shared/eventlog/index-partition';
export { ProjectLog } from '../../shared/eventlog/project-log';
export { LogSegment } from '../../shared/eventlog/segment';
export { SenderHealth } from '../../shared/health/sender-health';

export default createHaspWorker() satisfies ExportedHandler<Env, unknown>;
