/**
 * Refused requests kept for replay reach their project's log in batches: a flood of bad payloads
 * from an authenticated sender costs the log one write per batch, and a batch the log refuses
 * leaves no sealed body behind in R2.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { KEPT_BATCH_MAX, KEPT_BATCH_MAX_BYTES, KEPT_FLUSH_MS, KeptRequestBatches } from '../shared/ingress/kept-request-batches';
import { newRequestId, type RefusedContent } from '../shared/ingress/kept-requests';
import worker from '../workers/hasp/index';
import { CHART_SAMPLE, createProject, createWebhook, dataKeyOf, type TestProject, type TestWebhook } from './helpers/fixtures';
import { standardSignature, webhookUrl } from './helpers/send';
import { sumInLog } from './helpers/log-storage';

/** LOG_SEGMENTS as the Worker sees it (kept requests go to the open segment), with each keepRequests call's row count recorded (or refused). */
function watchedSegments(keepCalls: number[], refuse = false): Env['LOG_SEGMENTS'] {
  const real = env.LOG_SEGMENTS;
  const watched: Pick<Env['LOG_SEGMENTS'], 'idFromName' | 'get'> = {
    idFromName: (name) => real.idFromName(name),
    get: (id) => {
      const stub = real.get(id);
      return new Proxy(stub, {
        get(target, method) {
          if (method === 'keepRequests') {
            return (rows: Parameters<typeof target.keepRequests>[0]) => {
              keepCalls.push(rows.length);
              return refuse ? Promise.reject(new Error('log unavailable')) : target.keepRequests(rows);
            };
          }
          // Called as a method of the stub: an RPC method taken off it would not know its object.
          const methods = target as unknown as Record<string | symbol, (...args: unknown[]) => unknown>;
          return (...args: unknown[]) => methods[method]?.(...args);
        },
      });
    },
  };
  return watched as Env['LOG_SEGMENTS'];
}

/** LOG_INDEX as the Worker sees it, with each call's partition and method recorded. */
function watchedIndex(calls: { partition: string; method: string }[]): Env['LOG_INDEX'] {
  const real = env.LOG_INDEX;
  const watched: Pick<Env['LOG_INDEX'], 'idFromName' | 'get'> = {
    idFromName: (name) => real.idFromName(name),
    get: (id) => {
      const stub = real.get(id);
      const methods = stub as unknown as Record<string | symbol, (...args: unknown[]) => unknown>;
      return new Proxy(stub, {
        get(_target, method) {
          return (...args: unknown[]) => {
            calls.push({ partition: id.toString(), method: String(method) });
            return methods[method]?.(...args);
          };
        },
      });
    },
  };
  return watched as Env['LOG_INDEX'];
}

/** Sends `count` schema-refused requests at once and waits for everything they left after their responses. */
async function floodWithBadPayloads(project: TestProject, hook: TestWebhook, count: number, overrides: Partial<Env>, pad = 0): Promise<number[]> {
  const url = webhookUrl(project.orgSlug, hook.slug);
  const sent = Array.from({ length: count }, async () => {
    const body = JSON.stringify({ ...CHART_SAMPLE, updated_fields: 'allergies', pad: 'x'.repeat(pad) });
    const request = new Request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...standardSignature(hook.secret, body) }, body });
    const ctx = createExecutionContext();
    const response = await worker.fetch(request, { ...env, ...overrides }, ctx);
    await waitOnExecutionContext(ctx);
    return response.status;
  });
  return Promise.all(sent);
}

async function keptCount(project: TestProject): Promise<number> {
  return sumInLog(project.projectId, 'SELECT count(*) AS n FROM kept_requests');
}

describe('kept requests in batches', () => {
  it('keeps every one of a flood of refused requests in a handful of log writes', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const keepCalls: number[] = [];
    const count = KEPT_BATCH_MAX + 50;
    const statuses = await floodWithBadPayloads(project, hook, count, { LOG_SEGMENTS: watchedSegments(keepCalls) });
    expect(new Set(statuses)).toEqual(new Set([400]));
    expect(await keptCount(project)).toBe(count);
    expect(keepCalls.reduce((a, b) => a + b, 0)).toBe(count);
    // One write per full batch and one for the rest; never one per request.
    expect(keepCalls.length).toBeLessThanOrEqual(4);
    expect(Math.max(...keepCalls)).toBeLessThanOrEqual(KEPT_BATCH_MAX);
  });

  it('costs each index partition a batch reaches one call, for its ids and its events together', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const keepCalls: number[] = [];
    const indexCalls: { partition: string; method: string }[] = [];
    const count = 40;
    const statuses = await floodWithBadPayloads(project, hook, count, { LOG_SEGMENTS: watchedSegments(keepCalls), LOG_INDEX: watchedIndex(indexCalls) });
    expect(new Set(statuses)).toEqual(new Set([400]));
    expect(await keptCount(project)).toBe(count);
    expect(keepCalls).toEqual([count]);
    // 40 request ids and 40 event ids over the partitions: each partition reached once, not once per kind.
    const partitions = indexCalls.map((c) => c.partition);
    expect(partitions.length).toBeGreaterThan(1);
    expect(new Set(partitions).size).toBe(partitions.length);
    expect(new Set(indexCalls.map((c) => c.method))).toEqual(new Set(['indexKept']));
  });

  it('closes a batch at its byte bound, so bodies near the inline limit go in several writes', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const keepCalls: number[] = [];
    // Just under the inline limit (100 KB): each is kept in its row, not in R2.
    const count = Math.ceil(KEPT_BATCH_MAX_BYTES / 95_000) + 2;
    const statuses = await floodWithBadPayloads(project, hook, count, { LOG_SEGMENTS: watchedSegments(keepCalls) }, 95_000);
    expect(new Set(statuses)).toEqual(new Set([400]));
    expect(await keptCount(project)).toBe(count);
    expect(keepCalls.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...keepCalls)).toBeLessThanOrEqual(Math.ceil(KEPT_BATCH_MAX_BYTES / 95_000));
    expect((await env.PAYLOADS.list({ prefix: 'requests/' })).objects).toEqual([]);
  });

  it('deletes the R2 bodies of a batch the log refused, and still answers the senders 400', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const keepCalls: number[] = [];
    // Over the inline limit (100 KB), so each body is sealed into R2 before the log write.
    const statuses = await floodWithBadPayloads(project, hook, 3, { LOG_SEGMENTS: watchedSegments(keepCalls, true) }, 120_000);
    expect(statuses).toEqual([400, 400, 400]);
    expect(keepCalls.reduce((a, b) => a + b, 0)).toBe(3);
    expect(await keptCount(project)).toBe(0);
    expect((await env.PAYLOADS.list({ prefix: 'requests/' })).objects).toEqual([]);
  });

  it('puts a body for R2 only when its batch is written: a batch lost within its interval leaves nothing behind', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const request: RefusedContent = {
      id: newRequestId(),
      webhookId: hook.id as RefusedContent['webhookId'],
      projectId: project.projectId,
      payloadRetentionDays: 7,
      metadataRetentionDays: 7,
      reason: 'schema-mismatch',
      httpStatus: 400,
      detail: 'The payload does not match this webhook schema at 1 path(s).',
      errors: null,
      contentType: 'application/json',
      deliveryId: null,
      receivedAt: Date.now(),
      body: new TextEncoder().encode(JSON.stringify({ pad: 'x'.repeat(120_000) })),
    };
    const afterResponse: Promise<unknown>[] = [];
    new KeptRequestBatches().keep(env, request, await dataKeyOf(project), (work) => void afterResponse.push(work()));
    const inR2 = async () => (await env.PAYLOADS.list({ prefix: `requests/${request.id}` })).objects.length;

    // Halfway through the batch's interval: an isolate evicted now loses the batch, and must leave no object.
    await new Promise((resolve) => setTimeout(resolve, KEPT_FLUSH_MS / 2));
    expect(await inR2()).toBe(0);

    await Promise.all(afterResponse);
    expect(await inR2()).toBe(1);
    expect(await keptCount(project)).toBe(1);
  });
});
