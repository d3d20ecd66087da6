/**
 * The structured log lines (shared/observability/log-lines.ts): one per refusal at the ingress and
 * one per dead event, each with exactly its fields, and nothing a sender sent, no secret and no
 * header value in anything the Worker logs meanwhile.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { api, type Page } from './helpers/control-api';
import { CHART_SAMPLE, createProject, createWebhook, createWorkflow } from './helpers/fixtures';
import { deadLettersOf, deliver, eventMessage, inline } from './helpers/queue';
import { post, postSigned, standardSignature, webhookUrl } from './helpers/send';
import { waitFor } from './helpers/wait';
import worker from '../workers/hasp/index';

/** A value the sender sent: it may be read back from the sealed log, never from the logs. */
const PAYLOAD_MARKER = 'MARKER-PAYLOAD-4d1c';

let logs: MockInstance<typeof console.log>;
let errors: MockInstance<typeof console.error>;

beforeEach(() => {
  logs = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The structured lines logged so far whose `event` is `name`, parsed. */
function linesOf(name: string): Record<string, unknown>[] {
  const parsed = logs.mock.calls.flatMap(([first]) => {
    if (typeof first !== 'string' || !first.startsWith('{')) return [];
    try {
      return [JSON.parse(first) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
  return parsed.filter((line) => line.event === name);
}

/** Everything console.log and console.error were given, as one text. */
function everythingLogged(): string {
  return [...logs.mock.calls, ...errors.mock.calls].map((args) => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')).join('\n');
}

describe('a refused request', () => {
  it('logs one line with the problem code, the webhook, the kept request and the status, and nothing the sender sent', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const body = JSON.stringify({ ...CHART_SAMPLE, updated_fields: PAYLOAD_MARKER });
    const headers = standardSignature(hook.secret, body);
    const response = await post(webhookUrl(project.orgSlug, hook.slug), body, { headers });
    expect(response.status).toBe(400);

    const lines = linesOf('webhook.refused');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toStrictEqual({ event: 'webhook.refused', cause: 'schema-mismatch', webhook_id: hook.id, request_id: expect.stringMatching(/^req_/), status: 400 });
    // The id is the kept request's, which the control API shows (written after the response).
    const kept = await waitFor(async () => {
      const page = await api<Page<{ id: string }>>(project.token, 'GET', `/v1/rejections?webhook_id=${hook.id}`);
      return page.body.data[0];
    }, 'the kept request');
    expect(lines[0]?.request_id).toBe(kept.id);

    const logged = everythingLogged();
    expect(logged).not.toContain(PAYLOAD_MARKER);
    expect(logged).not.toContain(hook.secret);
    for (const value of Object.values(headers)) expect(logged).not.toContain(value);
  });

  it('logs a refusal before authentication without a request id, since nothing was kept', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const forged = `whsec_${btoa('another secret of 32 bytes, not hers')}`;
    const response = await postSigned(webhookUrl(project.orgSlug, hook.slug), forged, { ...CHART_SAMPLE, patient_id: PAYLOAD_MARKER });
    expect(response.status).toBe(401);

    expect(linesOf('webhook.refused')).toStrictEqual([{ event: 'webhook.refused', cause: 'bad-signature', webhook_id: hook.id, status: 401 }]);
    const logged = everythingLogged();
    expect(logged).not.toContain(PAYLOAD_MARKER);
    expect(logged).not.toContain(forged);
  });

  it('writes no line where the config turns refusal lines off (npm run dev), and still refuses', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const forged = `whsec_${btoa('another secret of 32 bytes, not hers')}`;
    const body = JSON.stringify(CHART_SAMPLE);
    const request = new Request(webhookUrl(project.orgSlug, hook.slug), { method: 'POST', headers: { 'content-type': 'application/json', ...standardSignature(forged, body) }, body });
    const ctx = createExecutionContext();
    const response = await worker.fetch(request as Parameters<typeof worker.fetch>[0], { ...env, REFUSAL_LOG_LINES: 'off' }, ctx);
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(401);
    expect(linesOf('webhook.refused')).toEqual([]);
  });

  it('logs nothing for an accepted event', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const response = await postSigned(webhookUrl(project.orgSlug, hook.slug), hook.secret, CHART_SAMPLE);
    expect(response.status).toBe(202);
    expect(linesOf('webhook.refused')).toEqual([]);
  });
});

describe('a dead event', () => {
  it('logs one line when a dead letter is recorded dead: the cause, the webhook and the event, not its payload', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const message = eventMessage(project, hook, inline(JSON.stringify({ ...CHART_SAMPLE, patient_id: PAYLOAD_MARKER })));
    const result = await deliver([message], deadLettersOf(project), 6);
    expect(result.explicitAcks).toHaveLength(1);

    expect(linesOf('event.dead')).toStrictEqual([{ event: 'event.dead', cause: 'retries-exhausted', webhook_id: hook.id, event_id: message.event_id }]);
    expect(everythingLogged()).not.toContain(PAYLOAD_MARKER);
  });

  it('logs one line when a payload that does not open is recorded dead', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const key = `events/garbage/${crypto.randomUUID()}.json`;
    await env.PAYLOADS.put(key, `v1.not.sealed.${PAYLOAD_MARKER}`);
    // Only an event a workflow listens to has its payload opened by the fan-out.
    await createWorkflow(project, [hook.id]);
    const message = eventMessage(project, hook, { payload_key: key });
    const result = await deliver([message]);
    expect(result.explicitAcks).toHaveLength(1);

    expect(linesOf('event.dead')).toStrictEqual([{ event: 'event.dead', cause: 'undecryptable-payload', webhook_id: hook.id, event_id: message.event_id }]);
    expect(everythingLogged()).not.toContain(PAYLOAD_MARKER);
  });
});
