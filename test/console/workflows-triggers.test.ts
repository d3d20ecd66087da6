/**
 * The console's triggers: attach a webhook to a workflow as Class A or B (with the proposed mapping),
 * see a 422's unmet fields, detach, and reach each of these from the webhook's page and from the
 * refusals that name workflows.
 */
import { describe, expect, it } from 'vitest';
import type { ApiProblem } from '../../shared/console/api-client';
import { ProblemNotice } from '../../shared/console/components/problem-notice';
import { NESTED_SAMPLE, api, createWebhookViaApi, createWorkflowViaApi, type WebhookBody, type WorkflowBody } from '../helpers/control-api';
import { formFields, signedIn, visibleText, type ConsoleBrowser } from '../helpers/console';
import { follow, redirectTarget } from '../helpers/console-prg';
import { CHART_SAMPLE, CHART_SCHEMA, createProject, type TestProject } from '../helpers/fixtures';

async function triggersOf(project: TestProject, workflowId: string): Promise<WorkflowBody['triggers']> {
  return (await api<WorkflowBody>(project.token, 'GET', `/v1/workflows/${workflowId}`)).body.triggers;
}

function attachPath(workflowId: string, webhookId: string, back = ''): string {
  return `/workflows/attach?workflow_id=${workflowId}&webhook_id=${webhookId}${back === '' ? '' : `&back=${back}`}`;
}

/** The attach page's mapping box, as the browser would send it. */
async function attachPage(browser: ConsoleBrowser, workflowId: string, webhookId: string): Promise<{ text: string; html: string; fields: Record<string, string> }> {
  const page = await browser.get(attachPath(workflowId, webhookId));
  expect(page.status).toBe(200);
  return { text: visibleText(page.html), html: page.html, fields: formFields(page.html, `/workflows/${workflowId}/triggers`) };
}

async function chartSetup(): Promise<{ project: TestProject; browser: ConsoleBrowser; workflow: WorkflowBody }> {
  const project = await createProject();
  const workflow = await createWorkflowViaApi(project.token, { name: 'Chart follow-up', input_schema: CHART_SCHEMA });
  return { project, browser: await signedIn(project.token), workflow };
}

describe('console: attach a webhook to a workflow', () => {
  it('Should show the class it will be, and attach a matching payload as Class A with no mapping', async () => {
    const { project, browser, workflow } = await chartSetup();
    const hook = await createWebhookViaApi(project.token, { name: 'chart', sample_payload: CHART_SAMPLE });
    const page = await attachPage(browser, workflow.id, hook.id);
    expect(page.text).toContain(`Attach ${hook.slug} to Chart follow-up`);
    expect(page.text).toContain('Class A. The payload already carries every input field');
    // Side by side: the workflow's input fields and the payload's paths.
    expect(page.text).toContain('Workflow input fields');
    expect(page.text).toContain(`Payload of ${hook.slug}`);
    expect(page.text).toMatch(/\/updated_fields array of string always/);
    expect(page.fields.mapping).toBe('');

    const attached = await browser.post(`/workflows/${workflow.id}/triggers`, page.fields);
    expect(attached.status).toBe(303);
    expect(attached.location).toBe(`/workflows/${workflow.id}`);
    expect(await triggersOf(project, workflow.id)).toEqual([{ webhook_id: hook.id, webhook_slug: hook.slug, class: 'A' }]);
    const after = await browser.get(`/workflows/${workflow.id}`);
    expect(visibleText(after.html)).toContain(`Attached ${hook.slug} to Chart follow-up as Class A.`);
  });

  it('Should propose the Class B mapping, prefilled, and attach with it', async () => {
    const { project, browser, workflow } = await chartSetup();
    const hook = await createWebhookViaApi(project.token, { name: 'nested', sample_payload: { patient: { id: 'p2' }, Event: 'chart_updated', updated_fields: ['x'] } });
    const page = await attachPage(browser, workflow.id, hook.id);
    expect(page.text).toContain('Class B. The mapping below fills every required input field');
    expect(page.text).toMatch(/patient_id string, required \/patient\/id \(its path reads as the name\)/);
    expect(page.text).toMatch(/event string, required \/Event \(same name, other case style\)/);
    expect(page.fields.mapping).toBe('patient_id = /patient/id\nevent = /Event\nupdated_fields = /updated_fields');

    const attached = await browser.post(`/workflows/${workflow.id}/triggers`, page.fields);
    expect(attached.status).toBe(303);
    expect(await triggersOf(project, workflow.id)).toEqual([
      { webhook_id: hook.id, webhook_slug: hook.slug, class: 'B', mapping: { patient_id: '/patient/id', event: '/Event', updated_fields: '/updated_fields' } },
    ]);
    // Attached, the page offers to change the mapping, starting from the one it has.
    const again = await attachPage(browser, workflow.id, hook.id);
    expect(again.text).toContain('is already a trigger of this workflow (Class B)');
    expect(again.fields.mapping).toBe('patient_id = /patient/id\nevent = /Event\nupdated_fields = /updated_fields');
  });

  it('Should list the unmet fields before and after a refused attach (422), keeping the mapping typed', async () => {
    const { project, browser, workflow } = await chartSetup();
    const hook = await createWebhookViaApi(project.token, { name: 'nested', sample_payload: NESTED_SAMPLE });
    const page = await attachPage(browser, workflow.id, hook.id);
    expect(page.text).toContain('This mapping would be refused');
    expect(page.fields.mapping).toBe('patient_id = /patient/id');

    const typed = 'patient_id = /patient/id\nevent = /kind';
    const answer = await browser.post(`/workflows/${workflow.id}/triggers`, { ...page.fields, mapping: typed });
    expect(redirectTarget(answer)).toMatch(new RegExp(`^/workflows/attach\\?workflow_id=${workflow.id}&webhook_id=${hook.id}&refused=`));
    const refused = await follow(browser, answer);
    expect(refused.status).toBe(422);
    const text = visibleText(refused.html);
    expect(text).toContain('The webhook was not attached');
    expect(text).toContain(`Unmet input fields for webhook ${hook.slug}`);
    expect(text).toMatch(/updated_fields\s*: missing/);
    expect(text).not.toMatch(/\bevent\s*: missing/);
    expect(formFields(refused.html, `/workflows/${workflow.id}/triggers`).mapping).toBe(typed);
    expect(await triggersOf(project, workflow.id)).toEqual([]);

    const fixed = await browser.post(`/workflows/${workflow.id}/triggers`, { ...page.fields, mapping: `${typed}\nupdated_fields = /fields` });
    expect(fixed.status).toBe(303);
    expect((await triggersOf(project, workflow.id)).map((t) => t.class)).toEqual(['B']);
  });

  it('Should refuse a mapping it cannot read without calling the API', async () => {
    const { project, browser, workflow } = await chartSetup();
    const hook = await createWebhookViaApi(project.token, { name: 'chart', sample_payload: CHART_SAMPLE });
    const page = await attachPage(browser, workflow.id, hook.id);
    const refused = await follow(browser, await browser.post(`/workflows/${workflow.id}/triggers`, { ...page.fields, mapping: 'patient_id /patient_id' }));
    expect(refused.status).toBe(400);
    expect(visibleText(refused.html)).toContain('is not of the form input_field = /json/pointer');
    expect(await triggersOf(project, workflow.id)).toEqual([]);
  });

  it('Should ask for the workflow and webhook when the page is not given both', async () => {
    const { project, browser, workflow } = await chartSetup();
    const hook = await createWebhookViaApi(project.token, { name: 'chart', sample_payload: CHART_SAMPLE });
    const chooser = await browser.get('/workflows/attach?back=webhook');
    expect(chooser.status).toBe(200);
    const fields = formFields(chooser.html, '/workflows/attach');
    expect(fields).toEqual({ back: 'webhook', workflow_id: workflow.id, webhook_id: hook.id });
  });
});

describe('console: triggers from the webhook’s page', () => {
  async function attachedWorkflow(): Promise<{ project: TestProject; browser: ConsoleBrowser; hook: WebhookBody; workflow: WorkflowBody }> {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'EHR chart updated', sample_payload: CHART_SAMPLE });
    const workflow = await createWorkflowViaApi(project.token, { name: 'Chart follow-up', triggers: [{ webhook_id: hook.id }] });
    return { project, browser: await signedIn(project.token), hook, workflow };
  }

  it('Should link each workflow that handles it to opening and detaching it, and offer to attach one', async () => {
    const { browser, hook, workflow } = await attachedWorkflow();
    const view = await browser.get(`/webhooks/${hook.id}`);
    expect(view.status).toBe(200);
    expect(view.html).toContain(`href="/workflows/${workflow.id}"`);
    expect(view.html).toMatch(/<a href="\/workflows\/wf_[0-9a-z]+\/detach\?(?:webhook_id=wh_[0-9a-z]+&amp;)?back=webhook">Detach…<\/a>/);
    expect(view.html).toMatch(/<a href="\/workflows\/attach\?(?:webhook_id=wh_[0-9a-z]+&amp;)?back=webhook">Attach a workflow<\/a>/);
  });

  it('Should detach after a page that says what it does, and return to the webhook with 303', async () => {
    const { project, browser, hook, workflow } = await attachedWorkflow();
    const confirm = await browser.get(`/workflows/${workflow.id}/detach?back=webhook`);
    expect(confirm.status).toBe(200);
    expect(visibleText(confirm.html)).toContain(`Accepted events of ${hook.slug} will no longer start runs of Chart follow-up.`);
    const fields = formFields(confirm.html, `/workflows/${workflow.id}/detach`);
    expect(fields).toMatchObject({ webhook_id: hook.id, back: 'webhook' });
    const detached = await browser.post(`/workflows/${workflow.id}/detach`, fields);
    expect(detached.status).toBe(303);
    expect(detached.location).toBe(`/webhooks/${hook.id}`);
    expect(await triggersOf(project, workflow.id)).toEqual([]);
    const view = await browser.get(`/webhooks/${hook.id}`);
    expect(visibleText(view.html)).toContain(`Detached ${hook.slug} from Chart follow-up`);
    expect(visibleText(view.html)).toContain('No workflow handles this webhook’s requests yet');

    // A second detach (a stale tab) is refused on the page, and says so.
    const stale = await follow(browser, await browser.post(`/workflows/${workflow.id}/detach`, fields));
    expect(stale.status).toBe(404);
    expect(visibleText(stale.html)).toContain('Nothing was detached');
  });

  it('Should attach from the webhook’s page and return there', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'chart', sample_payload: CHART_SAMPLE });
    const workflow = await createWorkflowViaApi(project.token, { name: 'Later', input_schema: CHART_SCHEMA });
    const browser = await signedIn(project.token);
    const page = await browser.get(attachPath(workflow.id, hook.id, 'webhook'));
    const fields = formFields(page.html, `/workflows/${workflow.id}/triggers`);
    expect(fields.back).toBe('webhook');
    const attached = await browser.post(`/workflows/${workflow.id}/triggers`, fields);
    expect(attached.status).toBe(303);
    expect(attached.location).toBe(`/webhooks/${hook.id}`);
    expect(visibleText((await browser.get(`/webhooks/${hook.id}`)).html)).toContain(`Attached ${hook.slug} to Later as Class A.`);
  });

  it('Should link a refused webhook delete to detaching it from, or deleting, each dependent workflow', async () => {
    const { browser, hook, workflow } = await attachedWorkflow();
    const refused = await follow(browser, await browser.post(`/webhooks/${hook.id}/delete`, { confirm: hook.slug }));
    expect(refused.status).toBe(409);
    expect(visibleText(refused.html)).toMatch(/Next step: Detach this webhook from each workflow below/);
    expect(refused.html).toMatch(new RegExp(`href="/workflows/${workflow.id}/detach\\?(?:webhook_id=${hook.id}&amp;)?back=webhook"`));
    expect(refused.html).toContain(`href="/workflows/${workflow.id}#delete"`);
  });
});

describe('ProblemNotice links the workflows a refusal names', () => {
  const render = async (props: Parameters<typeof ProblemNotice>[0]): Promise<string> => String(await ProblemNotice(props));

  it('Should link a schema change’s broken workflows to changing their mapping and detaching', async () => {
    const problem: ApiProblem = {
      code: 'conflict',
      title: 'Conflict',
      status: 409,
      detail: 'This schema change would break 1 dependent workflow(s): Chart (wf_1). Change or detach their triggers first.',
      workflows: [{ id: 'wf_1', name: 'Chart', unmet: [{ field: 'event', reason: 'missing' }] }],
    };
    const without = await render({ problem });
    expect(without).toContain('href="/workflows/wf_1#triggers"');
    expect(without).toContain('href="/workflows/wf_1/detach?back=webhook"');
    // The API's words stay as they are.
    expect(without).toContain('Change or detach their triggers first.');
    const withWebhook = await render({ problem, webhookId: 'wh_9' });
    expect(withWebhook).toContain('href="/workflows/attach?workflow_id=wf_1&amp;webhook_id=wh_9&amp;back=webhook"');
    expect(withWebhook).toContain('href="/workflows/wf_1/detach?webhook_id=wh_9&amp;back=webhook"');
  });
});
