/**
 * Control API bodies have a byte limit, answered 413 before anything parses them: a Content-Length
 * over it is refused unread, and a body without one is read only until it passes the limit.
 */
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { API, api, apiProblem, createWebhookViaApi, type WebhookBody } from '../helpers/control-api';
import { createProject, type TestProject } from '../helpers/fixtures';
import type { Problem } from '../helpers/send';

/** The control API's body limit, as the README lists it. */
const LIMIT = 512 * 1024;
const MIB = 1024 * 1024;

/** A JSON body of exactly `bytes` bytes: `fields` plus a padding string in `pad` inside `sample_payload`. */
function jsonOfSize(bytes: number, fields: Record<string, unknown>, padAt: 'sample_payload' | 'samples' = 'sample_payload'): string {
  const shape = (pad: string) => JSON.stringify({ ...fields, [padAt]: padAt === 'samples' ? [{ pad }] : { pad } });
  const overhead = shape('').length;
  return shape('x'.repeat(bytes - overhead));
}

async function webhooksOf(project: TestProject): Promise<WebhookBody[]> {
  return (await api<{ data: WebhookBody[] }>(project.token, 'GET', '/v1/webhooks?limit=100')).body.data;
}

function expectTooLarge(problem: Problem & Record<string, unknown>): void {
  expect(problem).toMatchObject({ code: 'payload-too-large', status: 413, limit_bytes: LIMIT });
  expect(problem.detail).toContain(String(LIMIT));
}

/** A body stream of `total` bytes in 64 KiB chunks, counting how many bytes the server pulled. */
function countedStream(total: number): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) {
        controller.close();
        return;
      }
      sent += chunk.length;
      controller.enqueue(chunk.slice());
    },
  });
  return { stream, pulled: () => sent };
}

describe('control API body limit', () => {
  it('Should refuse a POST /v1/webhooks body one byte over the limit with 413, creating nothing', async () => {
    const project = await createProject();
    const body = jsonOfSize(LIMIT + 1, { name: 'Too big' });
    const response = await apiProblem(project.token, 'POST', '/v1/webhooks', undefined, { raw: body });
    expect(response.status).toBe(413);
    expectTooLarge(response.body);
    expect(await webhooksOf(project)).toEqual([]);
  });

  it('Should refuse a much larger POST /v1/webhooks body with 413, creating nothing', async () => {
    const project = await createProject();
    const body = jsonOfSize(8 * MIB, { name: 'Far too big' });
    const response = await apiProblem(project.token, 'POST', '/v1/webhooks', undefined, { raw: body });
    expect(response.status).toBe(413);
    expectTooLarge(response.body);
    expect(await webhooksOf(project)).toEqual([]);
  });

  it('Should accept a POST /v1/webhooks body exactly at the limit', async () => {
    const project = await createProject();
    const body = jsonOfSize(LIMIT, { name: 'Just fits' });
    expect(new TextEncoder().encode(body).length).toBe(LIMIT);
    const response = await api<WebhookBody>(project.token, 'POST', '/v1/webhooks', undefined, { raw: body });
    expect(response.status).toBe(201);
    expect((await webhooksOf(project)).map((h) => h.name)).toEqual(['Just fits']);
  });

  it('Should refuse POST /v1/schemas/infer bodies over the limit and infer from one just under it', async () => {
    const project = await createProject();
    for (const size of [LIMIT + 1, 8 * MIB]) {
      const response = await apiProblem(project.token, 'POST', '/v1/schemas/infer', undefined, { raw: jsonOfSize(size, {}, 'samples') });
      expect(response.status).toBe(413);
      expectTooLarge(response.body);
    }
    const fits = await api<{ schema: Record<string, unknown> }>(project.token, 'POST', '/v1/schemas/infer', undefined, { raw: jsonOfSize(LIMIT - 1, {}, 'samples') });
    expect(fits.status).toBe(200);
    expect(fits.body.schema).toMatchObject({ type: 'object', properties: { pad: { type: 'string' } } });
  });

  it('Should refuse a PATCH /v1/webhooks/{id} body over the limit and leave the webhook as it was', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'Unchanged' });
    for (const size of [LIMIT + 1, 8 * MIB]) {
      const response = await apiProblem(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, undefined, { raw: jsonOfSize(size, { name: 'Changed' }) });
      expect(response.status).toBe(413);
      expectTooLarge(response.body);
    }
    const after = await api<WebhookBody>(project.token, 'GET', `/v1/webhooks/${hook.id}`);
    expect(after.body.name).toBe('Unchanged');
    expect(after.body.schema).toEqual(hook.schema);
  });

  it('Should stop reading a chunked body without Content-Length as soon as it passes the limit', async () => {
    const project = await createProject();
    const { stream, pulled } = countedStream(64 * MIB);
    const response = await SELF.fetch(`${API}/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${project.token}`, 'content-type': 'application/json' },
      body: stream,
    });
    expect(response.status).toBe(413);
    expectTooLarge(await response.json<Problem & Record<string, unknown>>());
    // The body on offer is 64 MiB; a reader that stops at the limit pulls little more than it.
    expect(pulled()).toBeLessThan(4 * MIB);
    expect(await webhooksOf(project)).toEqual([]);
  });

  it('Should read a chunked body within the limit once, as the route then parses it', async () => {
    const project = await createProject();
    const bytes = new TextEncoder().encode(JSON.stringify({ name: 'Streamed in', sample_payload: { id: 'p1' } }));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 10));
        controller.enqueue(bytes.slice(10));
        controller.close();
      },
    });
    const response = await SELF.fetch(`${API}/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${project.token}`, 'content-type': 'application/json' },
      body: stream,
    });
    expect(response.status).toBe(201);
    expect(await response.json<WebhookBody>()).toMatchObject({ name: 'Streamed in', schema: { properties: { id: { type: 'string' } } } });
  });

  it('Should refuse an oversized Content-Length before looking at the token', async () => {
    const response = await apiProblem(null, 'POST', '/v1/webhooks', undefined, { raw: jsonOfSize(LIMIT + 1, { name: 'Anonymous' }) });
    expect(response.status).toBe(413);
    expectTooLarge(response.body);
  });
});
