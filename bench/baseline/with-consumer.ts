/**
 * Diagnostic of `npm run bench`: the enqueue-only baseline's fetch, drained by the service's own
 * queue consumer (shared/fanout/consumer) in the same process, as `wrangler dev` runs it. Against
 * the plain baseline it prices that consumer alone; against the service with its consumer
 * detached, the ingress alone.
 *
 * It sends what the ingress sends for a delivery without an id, since that is what the consumer
 * reads: the body as it came, inside an event message. No workflow listens to its webhook id, as
 * none listens to the accept scenarios' webhooks.
 */
import { consumeBatch } from '../../shared/fanout/consumer';
import { randomId } from '../../shared/ids';
import { enqueueEvent } from '../../shared/queue/enqueue';

export default {
  async fetch(request, env) {
    const body = await request.text();
    const fields = {
      event_id: randomId('evt'),
      webhook_id: 'wh_benchconsumerprobe00000',
      webhook_slug: 'bench-consumer-probe',
      org: 'bench',
      project_id: 'prj_benchconsumerprobe0000',
      delivery_id: null,
      received_at: new Date().toISOString(),
    };
    await enqueueEvent(env, fields, body);
    return new Response('{"status":"accepted"}', { status: 202, headers: { 'content-type': 'application/json' } });
  },
  async queue(batch, env) {
    await consumeBatch(batch, env);
  },
} satisfies ExportedHandler<Env, unknown>;
