/**
 * Diagnostic of `npm run bench`: the enqueue-only baseline's fetch, drained by the service's own
 * queue consumer (shared/fanout/consumer) in the same process, as `wrangler dev` runs it. Against
 * the plain baseline it prices that consumer alone; against the service with its consumer
 * detached, the ingress alone.
 *
 * It sends what the ingress sends for a delivery without an id, since that is what the consumer
 * reads: the body as it came, inside an event message. No workflow listens to its webhook id, as
 * none listens to the accept scenarios' webhooks. Its events belong to the bench's seeded project
 * (bench/seed.ts), whose data key the consumer seals payloads with and whose log it writes, so the
 * consumer does here what it does in the service: MASTER_KEY is the bench's (`--var`).
 */
import { consumeBatch } from '../../shared/fanout/consumer';
import { randomId } from '../../shared/ids';
import { enqueueEvent } from '../../shared/queue/enqueue';
import { DataKeyCache } from '../../shared/secrets/data-keys';
import { masterKeyFor } from '../../shared/secrets/master-key';

export { LogIndex } from '../../shared/eventlog/index-partition';
export { ProjectLog } from '../../shared/eventlog/project-log';
export { LogSegment } from '../../shared/eventlog/segment';
export { SenderHealth } from '../../shared/health/sender-health';

const PROJECT_ID = 'prj_default000000000000000';

// As in the service: keys unwrapped once per isolate, so a warm request or batch reads no D1.
const dataKeys = new DataKeyCache();

async function dataKey(env: Env): Promise<CryptoKey> {
  const key = (await dataKeys.get(env.DB, await masterKeyFor(env), [PROJECT_ID])).get(PROJECT_ID);
  if (key === undefined) throw new Error(`${PROJECT_ID} has no data key: is the bench's seed applied?`);
  return key;
}

export default {
  async fetch(request, env) {
    const body = new Uint8Array(await request.arrayBuffer());
    const fields = {
      event_id: randomId('evt'),
      webhook_id: 'wh_benchconsumerprobe00000',
      webhook_slug: 'bench-consumer-probe',
      org: 'bench',
      project_id: PROJECT_ID,
      delivery_id: null,
      received_at: new Date().toISOString(),
    };
    await enqueueEvent(env, fields, body, await dataKey(env));
    return new Response('{"status":"accepted"}', { status: 202, headers: { 'content-type': 'application/json' } });
  },
  async queue(batch, env) {
    await consumeBatch(batch, env, { dataKeys });
  },
} satisfies ExportedHandler<Env, unknown>;
