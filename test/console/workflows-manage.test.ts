/** The console's workflow pages: create a workflow with its input fields, edit them, delete it. */
import { describe, expect, it } from 'vitest';
import { api, apiProblem, createWebhookViaApi, createWorkflowViaApi, type WorkflowBody } from '../helpers/control-api';
import { signedIn, visibleText, type ConsoleBrowser } from '../helpers/console';
import { submittedFields } from '../helpers/console-forms';
import { follow, redirectTarget } from '../helpers/console-prg';
import { CHART_SAMPLE, CHART_SCHEMA, createProject, type TestProject } from '../helpers/fixtures';

async function workflowsOf(project: TestProject): Promise<WorkflowBody[]> {
  return (await api<{ data: WorkflowBody[] }>(project.token, 'GET', '/v1/workflows?limit=100')).body.data;
}

/** Creates a workflow through the console's form; returns its id from the 303. */
async function createThroughConsole(browser: ConsoleBrowser, fields: Record<string, string>): Promise<string> {
  await browser.get('/workflows/new');
  const answer = await browser.post('/workflows', fields);
  expect(answer.status, visibleText(answer.html)).toBe(303);
  const id = answer.location?.split('/')[2] ?? '';
  expect(id).toMatch(/^wf_/);
  return id;
}

describe('console: create a workflow', () => {
  it('Should create a workflow from a name and input fields, answer 303 and show it', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    const form = await browser.get('/workflows/new');
    expect(form.status).toBe(200);
    expect(form.html).toContain('name="field_0_name"');

    const id = await createThroughConsole(browser, {
      name: 'Chart follow-up',
      field_0_name: 'patient_id',
      field_0_type: 'string',
      field_0_required: '1',
      field_1_name: 'updated_fields',
      field_1_type: 'string[]',
      field_2_name: '',
      field_2_type: 'string',
    });
    const created = await api<WorkflowBody>(project.token, 'GET', `/v1/workflows/${id}`);
    expect(created.body.name).toBe('Chart follow-up');
    expect(created.body.input_schema).toEqual({
      type: 'object',
      properties: { patient_id: { type: 'string' }, updated_fields: { type: 'array', items: { type: 'string' } } },
      required: ['patient_id'],
    });

    const page = await browser.get(`/workflows/${id}`);
    expect(page.status).toBe(200);
    const text = visibleText(page.html);
    expect(text).toContain('Created Chart follow-up.');
    expect(text).toMatch(/patient_id string required/);
    expect(text).toMatch(/updated_fields array of string optional/);
    expect(text).toContain('No triggers yet');
    // The flash is shown once.
    expect(visibleText((await browser.get(`/workflows/${id}`)).html)).not.toContain('Created Chart follow-up.');
    expect(visibleText((await browser.get('/workflows')).html)).toContain('Chart follow-up');
  });

  it('Should start from a webhook’s payload fields, which then attach as Class A', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'EHR chart updated', sample_payload: CHART_SAMPLE });
    const browser = await signedIn(project.token);
    const form = await browser.get(`/workflows/new?from=${hook.id}`);
    expect(form.status).toBe(200);
    const fields = submittedFields(form.html, '/workflows');
    expect([fields.field_0_name, fields.field_1_name, fields.field_2_name]).toEqual(['patient_id', 'event', 'updated_fields']);
    expect(fields.from).toBe(hook.id);
    const id = await createThroughConsole(browser, { ...fields, name: 'From the webhook' });
    const created = await api<WorkflowBody>(project.token, 'GET', `/v1/workflows/${id}`);
    expect(created.body.input_schema).toEqual(CHART_SCHEMA);
  });

  it('Should keep what was typed and name the field when the API refuses the name', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    await browser.get('/workflows/new');
    const answer = await browser.post('/workflows', { name: '  ', field_0_name: 'kept_field', field_0_type: 'integer', field_0_required: '1' });
    expect(redirectTarget(answer)).toMatch(/^\/workflows\/new\?refused=[A-Za-z0-9_-]{43}$/);
    const refused = await follow(browser, answer);
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('The workflow was not created');
    expect(refused.html).toContain('<code>/name</code>');
    const again = submittedFields(refused.html, '/workflows');
    expect([again.field_0_name, again.field_0_type, again.field_0_required]).toEqual(['kept_field', 'integer', '1']);
    expect(await workflowsOf(project)).toEqual([]);
  });

  it('Should refuse an input field given twice before calling the API', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    await browser.get('/workflows/new');
    const refused = await follow(browser, await browser.post('/workflows', { name: 'Twice', field_0_name: 'a', field_0_type: 'string', field_1_name: 'a', field_1_type: 'number' }));
    expect(refused.status).toBe(400);
    expect(visibleText(refused.html)).toContain('“a” is listed twice');
    expect(await workflowsOf(project)).toEqual([]);
  });

  it('Should refuse a form without the CSRF token and create nothing', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    const refused = await browser.post('/workflows', { _csrf: 'not-the-token', name: 'Forged', field_0_name: 'a', field_0_type: 'string' });
    expect(refused.status).toBe(403);
    expect(await workflowsOf(project)).toEqual([]);
  });
});

describe('console: edit a workflow', () => {
  it('Should rename it and change its input fields, keeping rules a row cannot show', async () => {
    const project = await createProject();
    const workflow = await createWorkflowViaApi(project.token, {
      name: 'Before',
      input_schema: { type: 'object', properties: { at: { type: 'string', format: 'date-time' }, n: { type: 'integer' } }, required: ['at'], additionalProperties: false },
    });
    const browser = await signedIn(project.token);
    const page = await browser.get(`/workflows/${workflow.id}`);
    expect(page.status).toBe(200);
    const fields = submittedFields(page.html, `/workflows/${workflow.id}/edit`);
    expect(fields.field_0_type).toBe('keep');
    expect(fields.field_1_type).toBe('integer');
    expect(fields.field_0_required).toBe('1');
    expect(fields.field_1_required).toBeUndefined();

    const saved = await browser.post(`/workflows/${workflow.id}/edit`, { ...fields, name: 'After', field_1_required: '1', field_2_name: 'note', field_2_type: 'string' });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe(`/workflows/${workflow.id}`);
    const after = await api<WorkflowBody>(project.token, 'GET', `/v1/workflows/${workflow.id}`);
    expect(after.body.name).toBe('After');
    expect(after.body.input_schema).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: { at: { type: 'string', format: 'date-time' }, n: { type: 'integer' }, note: { type: 'string' } },
      required: ['at', 'n'],
    });
    expect(visibleText((await browser.get(`/workflows/${workflow.id}`)).html)).toContain('Saved After: its input fields changed');
  });

  it('Should refuse a change a trigger cannot fill with 422, name the trigger’s unmet field and link to fixing it', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'chart', sample_payload: CHART_SAMPLE });
    const workflow = await createWorkflowViaApi(project.token, { name: 'Chart', triggers: [{ webhook_id: hook.id }] });
    const browser = await signedIn(project.token);
    const page = await browser.get(`/workflows/${workflow.id}`);
    const fields = submittedFields(page.html, `/workflows/${workflow.id}/edit`);
    const answer = await browser.post(`/workflows/${workflow.id}/edit`, { ...fields, field_3_name: 'ward', field_3_type: 'string', field_3_required: '1' });
    expect(redirectTarget(answer)).toMatch(new RegExp(`^/workflows/${workflow.id}\\?refused=`));
    const refused = await follow(browser, answer);
    expect(refused.status).toBe(422);
    // A reload shows the refusal again and sends nothing.
    expect((await browser.get(refused.path)).status).toBe(422);
    const text = visibleText(refused.html);
    expect(text).toContain('The changes were not saved');
    expect(text).toContain(`Unmet input fields for webhook ${hook.slug}`);
    expect(text).toMatch(/ward\s*: missing/);
    expect(refused.html).toContain(`href="/workflows/attach?workflow_id=${workflow.id}&amp;webhook_id=${hook.id}"`);
    expect(refused.html).toContain(`href="/workflows/${workflow.id}/detach?webhook_id=${hook.id}"`);
    // What was typed is still there, and nothing changed.
    expect(submittedFields(refused.html, `/workflows/${workflow.id}/edit`).field_3_name).toBe('ward');
    const after = await api<WorkflowBody>(project.token, 'GET', `/v1/workflows/${workflow.id}`);
    expect(after.body.input_schema).toEqual(workflow.input_schema);
  });
});

describe('console: delete a workflow', () => {
  it('Should delete only when the name is typed, then answer 303 to the list', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'chart', sample_payload: CHART_SAMPLE });
    const workflow = await createWorkflowViaApi(project.token, { name: 'Doomed', triggers: [{ webhook_id: hook.id }] });
    const browser = await signedIn(project.token);
    const page = await browser.get(`/workflows/${workflow.id}`);
    expect(visibleText(page.html)).toContain(`Deleting removes Doomed and its 1 trigger: events of ${hook.slug} no longer start runs of it.`);

    const wrong = await follow(browser, await browser.post(`/workflows/${workflow.id}/delete`, { confirm: 'doomed' }));
    expect(wrong.status).toBe(400);
    expect(visibleText(wrong.html)).toContain('Type the workflow’s name, Doomed, exactly.');
    expect((await api(project.token, 'GET', `/v1/workflows/${workflow.id}`)).status).toBe(200);

    const deleted = await browser.post(`/workflows/${workflow.id}/delete`, { confirm: 'Doomed' });
    expect(deleted.status).toBe(303);
    expect(deleted.location).toBe('/workflows');
    expect(visibleText((await browser.get('/workflows')).html)).toContain('Deleted Doomed and its 1 trigger.');
    expect((await apiProblem(project.token, 'GET', `/v1/workflows/${workflow.id}`)).status).toBe(404);
    // The webhook has no dependent left: it can be deleted now.
    expect((await api<{ dependents: unknown[] }>(project.token, 'GET', `/v1/webhooks/${hook.id}`)).body.dependents).toEqual([]);
  });

  it('Should answer 404 for a workflow of another project, and delete nothing', async () => {
    const a = await createProject();
    const b = await createProject();
    const theirs = await createWorkflowViaApi(a.token, { name: 'Theirs', input_schema: CHART_SCHEMA });
    const browser = await signedIn(b.token);
    expect((await browser.get(`/workflows/${theirs.id}`)).status).toBe(404);
    expect((await browser.post(`/workflows/${theirs.id}/delete`, { confirm: 'Theirs' })).status).toBe(404);
    expect((await api(a.token, 'GET', `/v1/workflows/${theirs.id}`)).status).toBe(200);
  });
});
