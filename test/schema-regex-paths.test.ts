/**
 * A tenant's catastrophic `pattern` (issue 27) on every path that validates a payload: the ingress,
 * the test event, the replay of a kept request, and bulk replay. On a backtracking engine
 * `^(a|a)*$` against this payload runs for longer than the universe; on the linear-time engine
 * each answer comes back at once, with the refusal that path gives for any mismatch. And what the
 * engine cannot run is refused when the schema is saved, naming the construct.
 */
import { describe, expect, it } from 'vitest';
import { api, apiProblem, createWebhookViaApi, createWorkflowViaApi, dispatchedEvent, errorPaths, sendToWebhook, type Page, type WebhookBody } from './helpers/control-api';
import { createProject, type TestProject } from './helpers/fixtures';
import { postSigned, problemOf } from './helpers/send';
import { waitFor } from './helpers/wait';
import { UNRUNNABLE_PATTERNS } from './helpers/patterns';

const CATASTROPHIC = '^(a|a)*$';
const PATTERN_SCHEMA = { type: 'object', properties: { name: { type: 'string', pattern: CATASTROPHIC } }, required: ['name'] };
const ADVERSARIAL = { name: 'a'.repeat(10_000) + '!' };
const MISMATCH = [{ path: '/name', message: `Expected a string matching the pattern ${CATASTROPHIC}` }];
// Generous for a shared machine: the engine itself takes well under a millisecond here.
const BOUND_MS = 2_000;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

async function webhookWith(project: TestProject, body: Record<string, unknown>): Promise<WebhookBody & { secret: string }> {
  const hook = await createWebhookViaApi(project.token, { name: `regex ${crypto.randomUUID().slice(0, 6)}`, ...body });
  if (hook.secret === undefined) throw new Error('no generated secret');
  return { ...hook, secret: hook.secret };
}

async function patchSchema(project: TestProject, webhookId: string, schema: unknown) {
  return api(project.token, 'PATCH', `/v1/webhooks/${webhookId}`, { schema });
}

describe('a catastrophic pattern on every validating path', () => {
  it('ingress: a signed POST is refused 400 schema-mismatch at once, and a matching one accepted', async () => {
    const project = await createProject();
    const hook = await webhookWith(project, { schema: PATTERN_SCHEMA });
    const { value: refused, ms } = await timed(() => postSigned(hook.url, hook.secret, ADVERSARIAL));
    expect(refused.status).toBe(400);
    const problem = await problemOf(refused);
    expect(problem.code).toBe('schema-mismatch');
    expect(problem.errors).toEqual(MISMATCH);
    expect(ms).toBeLessThan(BOUND_MS);
    expect((await postSigned(hook.url, hook.secret, { name: 'a'.repeat(10_000) })).status).toBe(202);
  });

  it('test event: passes on the ingress refusal at once', async () => {
    const project = await createProject();
    const hook = await webhookWith(project, { schema: PATTERN_SCHEMA });
    const { value: answer, ms } = await timed(() =>
      api<{ status: number; body: { code?: string; errors?: unknown } }>(project.token, 'POST', `/v1/webhooks/${hook.id}/test-event`, { payload: ADVERSARIAL }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe(400);
    expect(answer.body.body.code).toBe('schema-mismatch');
    expect(answer.body.body.errors).toEqual(MISMATCH);
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('kept-request replay: a request kept under the old schema is refused against the patterned one at once', async () => {
    const project = await createProject();
    // Kept for a type mismatch, so the pattern first runs on the replay itself.
    const hook = await webhookWith(project, { schema: { type: 'object', properties: { name: { type: 'integer' } }, required: ['name'] } });
    expect((await postSigned(hook.url, hook.secret, ADVERSARIAL)).status).toBe(400);
    const kept = await waitFor(async () => {
      const page = await api<Page<{ id: string }>>(project.token, 'GET', `/v1/rejections?webhook_id=${hook.id}`);
      return page.status === 200 && page.body.data[0];
    }, 'the kept request');
    expect((await patchSchema(project, hook.id, PATTERN_SCHEMA)).status).toBe(200);

    const { value: replay, ms } = await timed(() => apiProblem(project.token, 'POST', `/v1/rejections/${kept.id}/replay`));
    expect(replay.status).toBe(400);
    expect(replay.body.code).toBe('schema-mismatch');
    expect(replay.body.errors).toEqual(MISMATCH);
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('bulk replay: re-sends accepted events without validating them again, so the pattern costs it nothing', async () => {
    const project = await createProject();
    const hook = await webhookWith(project, { sample_payload: { name: 'x' } });
    // Accepted before the pattern existed; the schema applies when an event is accepted.
    const eventId = await sendToWebhook(hook, hook.secret, ADVERSARIAL);
    await dispatchedEvent(project.token, eventId);
    expect((await patchSchema(project, hook.id, PATTERN_SCHEMA)).status).toBe(200);
    const workflow = await createWorkflowViaApi(project.token, { name: 'late', triggers: [{ webhook_id: hook.id }] });

    const { value: job, ms } = await timed(async () => {
      const started = await api<{ id: string }>(project.token, 'POST', '/v1/replays', { webhook_id: hook.id });
      expect(started.status).toBe(202);
      return waitFor(async () => {
        const view = await api<{ status: string; replayed: number; failed: number }>(project.token, 'GET', `/v1/replays/${started.body.id}`);
        return view.body.status !== 'running' && view.body;
      }, 'the replay job');
    });
    expect(job).toMatchObject({ status: 'done', replayed: 1, failed: 0 });
    expect((await dispatchedEvent(project.token, eventId, 1)).runs.map((r) => r.workflow_id)).toEqual([workflow.id]);
    // The job's time is queue hops and polling; a backtracking check would never have finished.
    expect(ms).toBeLessThan(10 * BOUND_MS);
  });
});

describe('saving a pattern the linear-time engine cannot run', () => {
  it.each(UNRUNNABLE_PATTERNS)('PATCH with %s answers 400 naming the construct at the pattern', async (pattern, construct) => {
    const project = await createProject();
    const hook = await webhookWith(project, { schema: PATTERN_SCHEMA });
    const schema = { ...PATTERN_SCHEMA, properties: { name: { type: 'string', pattern } } };
    const refused = await apiProblem(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { schema });
    expect(refused.status).toBe(400);
    expect(errorPaths(refused.body)).toEqual(['/schema/properties/name/pattern']);
    expect(refused.body.errors?.[0]?.message).toContain(`pattern refused: ${construct} is not supported`);
  });
});
