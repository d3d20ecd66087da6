/**
 * The hot path reads no D1 on a warm isolate, and a change reaches it within the stated bound.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import counted from '../bench/service/counted';
import { projectLog } from '../shared/eventlog/client';
import worker from '../workers/hasp/index';
import { TtlCache } from '../shared/ingress/ttl-cache';
import { addCustomHostname, CHART_SAMPLE, createProject, createWebhook } from './helpers/fixtures';
import { standardSignature, webhookUrl } from './helpers/send';

/** Sends to the Worker, or to the bench's counted copy of it, whose responses say what D1 work they did. */
async function send(url: string, secret: string, overrides: Partial<Env> = {}, target: Pick<typeof worker, 'fetch'> = worker) {
  const body = JSON.stringify(CHART_SAMPLE);
  const request = new Request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...standardSignature(secret, body) }, body });
  const ctx = createExecutionContext();
  const response = await target.fetch(request, { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe('isolate config cache', () => {
  it('answers a warm request, accepted or refused, without a D1 statement', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const url = webhookUrl(project.orgSlug, hook.slug);
    const warm = { CONFIG_TTL_SECONDS: '60' };
    const cold = await send(url, hook.secret, warm, counted);
    expect(cold.status).toBe(202);
    expect(Number(cold.headers.get('x-hasp-d1-statements'))).toBeGreaterThan(0);
    const accepted = await send(url, hook.secret, warm, counted);
    const forger = 'whsec_' + btoa('x'.repeat(32));
    const firstForged = await send(url, forger, warm, counted);
    const forged = await send(url, forger, warm, counted);
    const unknownSlug = await send(webhookUrl(project.orgSlug, 'nope'), hook.secret, warm, counted);
    expect([accepted.status, firstForged.status, forged.status]).toEqual([202, 401, 401]);
    expect(accepted.headers.get('x-hasp-d1-statements')).toBe('0');
    // The first refusal per (webhook, reason) writes one row to the project's log after the
    // response; later ones within FLUSH_INTERVAL_MS are counted in memory and written together when
    // it ends (send() waits for that flush). Neither touches D1.
    expect(firstForged.headers.get('x-hasp-d1-statements')).toBe('0');
    expect(firstForged.headers.get('x-hasp-d1-background-statements')).toBe('0');
    expect(forged.headers.get('x-hasp-d1-statements')).toBe('0');
    expect(forged.headers.get('x-hasp-d1-background-statements')).toBe('0');
    const refusals = await projectLog(env, project.projectId).listRejections({ webhookId: hook.id, limit: 10 });
    expect(refusals.items.map((r) => [r.reason, r.count])).toEqual([
      ['bad-signature', 1],
      ['bad-signature', 1],
    ]);
    // The first unknown slug of a warm org re-reads the org once, never the webhook.
    expect(Number(unknownSlug.headers.get('x-hasp-d1-statements'))).toBeLessThanOrEqual(1);
    const again = await send(webhookUrl(project.orgSlug, 'nope'), hook.secret, warm, counted);
    expect(again.headers.get('x-hasp-d1-statements')).toBe('0');
  });

  it('answers a warm request to an active custom hostname without a D1 statement', async () => {
    const project = await createProject({ plan: 'enterprise' });
    const hook = await createWebhook(project);
    const hostname = `warm.${project.orgSlug}-health.com`;
    await addCustomHostname(project, hostname, 'active');
    const url = `https://${hostname}/webhooks/${hook.slug}`;
    const warm = { CONFIG_TTL_SECONDS: '60' };
    const cold = await send(url, hook.secret, warm, counted);
    expect(cold.status).toBe(202);
    expect(Number(cold.headers.get('x-hasp-d1-statements'))).toBeGreaterThan(0);
    const accepted = await send(url, hook.secret, warm, counted);
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('x-hasp-d1-statements')).toBe('0');
  });

  it("answers a warm request, accepted or refused, without waiting on any of the project log's objects", async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const url = webhookUrl(project.orgSlug, hook.slug);
    // Every call to the log's objects is held until the response is out: a response that waited on one would never come.
    const calls: string[] = [];
    let release: () => void = () => undefined;
    let gate = Promise.resolve();
    const watch = <T extends Rpc.DurableObjectBranded | undefined>(namespace: DurableObjectNamespace<T>, object: string) =>
      ({
        idFromName: (name: string) => namespace.idFromName(name),
        get: (id: DurableObjectId) => {
          const stub = namespace.get(id) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
          return new Proxy({}, { get: (_t, method) => async (...args: unknown[]) => (calls.push(object), await gate, stub[String(method)]?.(...args)) });
        },
      }) as unknown as DurableObjectNamespace<T>;
    const logs = { PROJECT_LOG: watch(env.PROJECT_LOG, 'directory'), LOG_SEGMENTS: watch(env.LOG_SEGMENTS, 'segment'), LOG_INDEX: watch(env.LOG_INDEX, 'index') };
    const sendHeld = async (secret: string) => {
      gate = new Promise<void>((resolve) => (release = resolve));
      const body = JSON.stringify(CHART_SAMPLE);
      const ctx = createExecutionContext();
      const request = new Request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...standardSignature(secret, body) }, body });
      const answered = await Promise.race([
        worker.fetch(request, { ...env, CONFIG_TTL_SECONDS: '60', ...logs }, ctx).then((r) => r.status),
        new Promise<'held'>((resolve) => setTimeout(() => resolve('held'), 3_000)),
      ]);
      release();
      await waitOnExecutionContext(ctx);
      return answered;
    };
    expect(await sendHeld(hook.secret)).toBe(202);
    calls.length = 0;
    expect(await sendHeld(hook.secret)).toBe(202);
    expect(calls).toEqual([]);
    // A refusal is written to the log behind the response: the directory names the open segment, which takes the row.
    expect(await sendHeld('whsec_' + btoa('x'.repeat(32)))).toBe(401);
    expect(calls).toEqual(['directory', 'segment']);
  });

  it('refreshes a stale config after the response, never on its way', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const url = webhookUrl(project.orgSlug, hook.slug);
    const stale = { CONFIG_TTL_SECONDS: '0' };
    expect((await send(url, hook.secret, stale, counted)).status).toBe(202);
    const served = await send(url, hook.secret, stale, counted);
    expect(served.status).toBe(202);
    expect(served.headers.get('x-hasp-d1-statements')).toBe('0');
    // The org's directory and the webhook, each re-read by waitUntil.
    expect(Number(served.headers.get('x-hasp-d1-background-statements'))).toBeGreaterThanOrEqual(2);
  });

  it('stops accepting for a disabled webhook once the TTL has passed and one refresh ran', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const url = webhookUrl(project.orgSlug, hook.slug);
    expect((await send(url, hook.secret)).status).toBe(202);
    await env.DB.prepare('UPDATE webhooks SET enabled = 0 WHERE id = ?').bind(hook.id).run();
    // TTL 0: this request may still be served from the stale entry while it refreshes it.
    await send(url, hook.secret);
    expect((await send(url, hook.secret)).status).toBe(404);
  });
});

describe('TtlCache', () => {
  const never = () => undefined;

  it('loads a key once for concurrent misses', async () => {
    const cache = new TtlCache<number>(10);
    let loads = 0;
    const load = async () => {
      loads += 1;
      return 7;
    };
    const values = await Promise.all([cache.get('k', 0, 1000, load, never), cache.get('k', 0, 1000, load, never)]);
    expect(values).toEqual([7, 7]);
    expect(loads).toBe(1);
  });

  it('serves a stale value at once and refreshes it in the background', async () => {
    const cache = new TtlCache<string>(10);
    await cache.get('k', 0, 1000, async () => 'old', never);
    const pending: Promise<unknown>[] = [];
    const stale = await cache.get('k', 2000, 1000, async () => 'new', (work) => pending.push(work()));
    expect(stale).toBe('old');
    expect(pending).toHaveLength(1);
    await Promise.all(pending);
    expect(await cache.get('k', 2001, 1000, async () => 'newer', never)).toBe('new');
  });

  it('holds at most its size bound, dropping the oldest entry first', async () => {
    const cache = new TtlCache<number>(3);
    for (let i = 0; i < 10; i++) await cache.get(`k${i}`, 0, 1000, async () => i, never);
    expect(cache.size).toBe(3);
    let reloaded = false;
    await cache.get('k0', 0, 1000, async () => {
      reloaded = true;
      return 0;
    }, never);
    expect(reloaded).toBe(true);
  });
});
