// The enqueue-only baseline: read the body, hand it to the queue, answer 202. Nothing else.
// A body the queue cannot carry (a message is at most 128 KB) is claim-checked exactly as any
// ingress must: one R2 put, then the key is sent. Only the 512 KB scenario takes that branch.
const INLINE_MAX_BYTES = 100_000;

export default {
  async fetch(request, env) {
    const body = await request.text();
    if (body.length <= INLINE_MAX_BYTES) {
      await env.QUEUE.send(body);
    } else {
      const key = crypto.randomUUID();
      await env.PAYLOADS.put(key, body);
      await env.QUEUE.send(key);
    }
    return new Response('{"status":"accepted"}', { status: 202, headers: { 'content-type': 'application/json' } });
  },
  // Acks at once; the line lets the bench wait until the backlog is drained before the next run.
  async queue(batch) {
    batch.ackAll();
    console.log(`bench-baseline-consumed ${batch.messages.length}`);
  },
};
