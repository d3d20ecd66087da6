/** `/v1/workflows`: triggers classified A or B, 422 listing every unmet field, patch, detach, delete. */
import { describe, expect, it } from 'vitest';
import { CHART_SAMPLE, CHART_SCHEMA, createProject } from '../helpers/fixtures';
import {
  NESTED_MAPPING,
  NESTED_SAMPLE,
  api,
  apiProblem,
  createWebhookViaApi,
  createWorkflowViaApi,
  errorPaths,
  type WebhookBody,
  type WorkflowBody,
} from '../helpers/control-api';
import type { TestProject } from '../helpers/fixtures';
import type { Problem } from '../helpers/send';

async function twoWebhooks(project: TestProject): Promise<{ chart: WebhookBody; nested: WebhookBody }> {
  const chart = await createWebhookViaApi(project.token, { name: 'chart', sample_payload: CHART_SAMPLE });
  const nested = await createWebhookViaApi(project.token, { name: 'nested', sample_payload: NESTED_SAMPLE });
  return { chart, nested };
}

describe('POST /v1/workflows', () => {
  it('classifies each trigger; the input contract defaults to the first trigger’s schema', async () => {
    const project = await createProject();
    const { chart, nested } = await twoWebhooks(project);
    const response = await api<WorkflowBody>(project.token, 'POST', '/v1/workflows', {
      name: 'PHI-aware chart update',
      triggers: [{ webhook_id: chart.id }, { webhook_id: nested.id, mapping: NESTED_MAPPING }],
    });
    expect(response.status).toBe(201);
    expect(response.body.id).toMatch(/^wf_/);
    expect(response.body.input_schema).toEqual(chart.schema);
    expect(response.body.triggers).toEqual([
      { webhook_id: chart.id, webhook_slug: chart.slug, class: 'A' },
      { webhook_id: nested.id, webhook_slug: nested.slug, class: 'B', mapping: NESTED_MAPPING },
    ]);
    const dependents = await api<WebhookBody>(project.token, 'GET', `/v1/webhooks/${nested.id}`);
    expect(dependents.body.dependents).toEqual([{ id: response.body.id, name: 'PHI-aware chart update', enabled: true, class: 'B' }]);
  });

  it('takes an explicit input_schema and a workflow without triggers', async () => {
    const project = await createProject();
    const created = await createWorkflowViaApi(project.token, { name: 'manual', input_schema: CHART_SCHEMA });
    expect(created.triggers).toEqual([]);
    expect(created.input_schema).toEqual(CHART_SCHEMA);
  });

  it('answers 422 listing every unmet field of every refused trigger', async () => {
    const project = await createProject();
    const { chart, nested } = await twoWebhooks(project);
    const other = await createWebhookViaApi(project.token, { name: 'other', sample_payload: { unrelated: true } });
    const refused = await apiProblem(project.token, 'POST', '/v1/workflows', {
      name: 'refused',
      triggers: [{ webhook_id: chart.id }, { webhook_id: nested.id, mapping: { patient_id: '/patient/id', event: '/nope' } }, { webhook_id: other.id }],
    });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('incompatible-trigger');
    const paths = errorPaths(refused.body);
    expect(paths).toContain('/triggers/1/mapping/event');
    expect(paths).toContain('/triggers/1/mapping/updated_fields');
    expect(paths).toEqual(expect.arrayContaining(['/triggers/2/mapping/patient_id', '/triggers/2/mapping/event', '/triggers/2/mapping/updated_fields']));
    expect(paths.some((p) => p.startsWith('/triggers/0'))).toBe(false);
    expect((refused.body.triggers as { index: number }[]).map((t) => t.index)).toEqual([1, 2]);
    const list = await api<{ data: WorkflowBody[] }>(project.token, 'GET', '/v1/workflows');
    expect(list.body.data).toEqual([]);
  });

  it('answers 404 for a trigger webhook not in the project, 400 for duplicates, missing input and bad fields', async () => {
    const project = await createProject();
    const { chart } = await twoWebhooks(project);
    const missing = await apiProblem(project.token, 'POST', '/v1/workflows', { name: 'x', triggers: [{ webhook_id: chart.id }, { webhook_id: 'wh_nope' }] });
    expect(missing.status).toBe(404);
    expect(errorPaths(missing.body)).toEqual(['/triggers/1/webhook_id']);
    const duplicate = await apiProblem(project.token, 'POST', '/v1/workflows', { name: 'x', triggers: [{ webhook_id: chart.id }, { webhook_id: chart.id }] });
    expect(duplicate.status).toBe(400);
    expect(errorPaths(duplicate.body)).toEqual(['/triggers/1/webhook_id']);
    const noInput = await apiProblem(project.token, 'POST', '/v1/workflows', { name: 'x' });
    expect(errorPaths(noInput.body)).toEqual(['/input_schema']);
    const bad = await apiProblem(project.token, 'POST', '/v1/workflows', { triggers: [{ webhook_id: 'abc', mapping: { a: 1 } }], input_schema: { type: 'object', anyOf: [] } });
    expect(errorPaths(bad.body).sort()).toEqual(['/name', '/triggers/0/mapping/a', '/triggers/0/webhook_id']);
    const badInput = await apiProblem(project.token, 'POST', '/v1/workflows', { name: 'x', input_schema: { type: 'object', anyOf: [] } });
    expect(errorPaths(badInput.body)).toEqual(['/input_schema/anyOf']);
  });
});

describe('GET /v1/workflows and /v1/workflows/{id}', () => {
  it('lists newest first and gets one; 404 for an unknown id', async () => {
    const project = await createProject();
    const a = await createWorkflowViaApi(project.token, { name: 'a', input_schema: CHART_SCHEMA });
    const b = await createWorkflowViaApi(project.token, { name: 'b', input_schema: CHART_SCHEMA });
    const list = await api<{ data: WorkflowBody[]; has_more: boolean }>(project.token, 'GET', '/v1/workflows?limit=1');
    expect(list.body.data.map((w) => w.id)).toEqual([b.id]);
    expect(list.body.has_more).toBe(true);
    const got = await api<WorkflowBody>(project.token, 'GET', `/v1/workflows/${a.id}`);
    expect(got.body.name).toBe('a');
    expect((await apiProblem(project.token, 'GET', '/v1/workflows/wf_nope')).status).toBe(404);
    expect((await apiProblem(project.token, 'GET', '/v1/workflows?limit=0')).status).toBe(400);
  });
});

describe('PATCH /v1/workflows/{id}', () => {
  it('renames, disables, and replaces the trigger list (detaching by omission)', async () => {
    const project = await createProject();
    const { chart, nested } = await twoWebhooks(project);
    const workflow = await createWorkflowViaApi(project.token, { name: 'wf', triggers: [{ webhook_id: chart.id }, { webhook_id: nested.id, mapping: NESTED_MAPPING }] });
    const patched = await api<WorkflowBody>(project.token, 'PATCH', `/v1/workflows/${workflow.id}`, { name: 'renamed', enabled: false, triggers: [{ webhook_id: nested.id, mapping: NESTED_MAPPING }] });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'renamed', enabled: false });
    expect(patched.body.triggers.map((t) => [t.webhook_id, t.class])).toEqual([[nested.id, 'B']]);
    const chartView = await api<WebhookBody>(project.token, 'GET', `/v1/webhooks/${chart.id}`);
    expect(chartView.body.dependents).toEqual([]);
  });

  it('reclassifies every trigger against a new input_schema, and refuses one that breaks a trigger', async () => {
    const project = await createProject();
    const { chart } = await twoWebhooks(project);
    const workflow = await createWorkflowViaApi(project.token, { name: 'wf', triggers: [{ webhook_id: chart.id }] });
    const renamed = { type: 'object', properties: { patient: { type: 'string' } }, required: ['patient'] };
    const reclassified = await api<WorkflowBody>(project.token, 'PATCH', `/v1/workflows/${workflow.id}`, { input_schema: renamed });
    expect(reclassified.status).toBe(422);
    expect(errorPaths(reclassified.body as unknown as Problem)).toEqual(['/triggers/0/mapping/patient']);
    const withMapping = await api<WorkflowBody>(project.token, 'PATCH', `/v1/workflows/${workflow.id}`, { input_schema: renamed, triggers: [{ webhook_id: chart.id, mapping: { patient: '/patient_id' } }] });
    expect(withMapping.status).toBe(200);
    expect(withMapping.body.triggers[0]).toMatchObject({ class: 'B', mapping: { patient: '/patient_id' } });
    expect(withMapping.body.input_schema).toEqual(renamed);
  });

  it('answers 400 for bad fields, 404 for an unknown workflow or a foreign trigger webhook', async () => {
    const project = await createProject();
    const workflow = await createWorkflowViaApi(project.token, { name: 'wf', input_schema: CHART_SCHEMA });
    const bad = await apiProblem(project.token, 'PATCH', `/v1/workflows/${workflow.id}`, { name: '', enabled: 'no' });
    expect(errorPaths(bad.body).sort()).toEqual(['/enabled', '/name']);
    expect((await apiProblem(project.token, 'PATCH', '/v1/workflows/wf_nope', { name: 'x' })).status).toBe(404);
    const foreign = await apiProblem(project.token, 'PATCH', `/v1/workflows/${workflow.id}`, { triggers: [{ webhook_id: 'wh_nope' }] });
    expect(foreign.status).toBe(404);
  });
});

describe('attaching and detaching a trigger', () => {
  it('attaches as Class B, refuses an incompatible one with 422 at /mapping, detaches with 204', async () => {
    const project = await createProject();
    const { chart, nested } = await twoWebhooks(project);
    const workflow = await createWorkflowViaApi(project.token, { name: 'wf', triggers: [{ webhook_id: chart.id }] });
    const refused = await apiProblem(project.token, 'POST', `/v1/workflows/${workflow.id}/triggers`, { webhook_id: nested.id });
    expect(refused.status).toBe(422);
    expect(errorPaths(refused.body)).toEqual(expect.arrayContaining(['/mapping/patient_id', '/mapping/event', '/mapping/updated_fields']));
    const attached = await api<WorkflowBody>(project.token, 'POST', `/v1/workflows/${workflow.id}/triggers`, { webhook_id: nested.id, mapping: NESTED_MAPPING });
    expect(attached.status).toBe(201);
    expect(attached.body.triggers.map((t) => t.class)).toEqual(['A', 'B']);
    expect((await api(project.token, 'DELETE', `/v1/workflows/${workflow.id}/triggers/${nested.id}`)).status).toBe(204);
    expect((await apiProblem(project.token, 'DELETE', `/v1/workflows/${workflow.id}/triggers/${nested.id}`)).status).toBe(404);
    const after = await api<WorkflowBody>(project.token, 'GET', `/v1/workflows/${workflow.id}`);
    expect(after.body.triggers.map((t) => t.webhook_id)).toEqual([chart.id]);
    expect((await apiProblem(project.token, 'POST', `/v1/workflows/${workflow.id}/triggers`, { webhook_id: 'wh_nope' })).status).toBe(404);
    expect(errorPaths((await apiProblem(project.token, 'POST', `/v1/workflows/${workflow.id}/triggers`, {})).body)).toEqual(['/webhook_id']);
  });
});

describe('DELETE /v1/workflows/{id}', () => {
  it('deletes the workflow and its triggers, freeing its webhooks for deletion', async () => {
    const project = await createProject();
    const { chart } = await twoWebhooks(project);
    const workflow = await createWorkflowViaApi(project.token, { name: 'wf', triggers: [{ webhook_id: chart.id }] });
    expect((await api(project.token, 'DELETE', `/v1/workflows/${workflow.id}`)).status).toBe(204);
    expect((await apiProblem(project.token, 'GET', `/v1/workflows/${workflow.id}`)).status).toBe(404);
    expect((await apiProblem(project.token, 'DELETE', `/v1/workflows/${workflow.id}`)).status).toBe(404);
    expect((await api(project.token, 'DELETE', `/v1/webhooks/${chart.id}`)).status).toBe(204);
  });
});
