/**
 * The deployable Worker: wiring only (workers/hasp/worker.ts). `fetch` serves org hosts (ingress)
 * and the api host (control API); `queue` fans the events queue out to the runs queue and records
 * its dead letters. The runs queue belongs to the workflow runtime (locally: workers/runtime-standin).
 */
import { createHaspWorker } from './worker';

export { ProjectLog } from '../../shared/eventlog/project-log';

export default createHaspWorker() satisfies ExportedHandler<Env, unknown>;
