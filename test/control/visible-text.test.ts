/**
 * Names and descriptions hold no bidirectional controls and no zero-width characters: text that
 * reads differently from what is stored ("x\u202Egnp.exe" shows as "xexe.png") is refused with 400.
 */
import { describe, expect, it } from 'vitest';
import { api, apiProblem, createWebhookViaApi, createWorkflowViaApi, type WebhookBody, type WorkflowBody } from '../helpers/control-api';
import { CHART_SCHEMA, createProject, type TestProject } from '../helpers/fixtures';

const EHR = "Create a webhook so our EHR system can notify us when a patient's chart is updated.";

async function webhooksOf(project: TestProject): Promise<WebhookBody[]> {
  return (await api<{ data: WebhookBody[] }>(project.token, 'GET', '/v1/webhooks?limit=100')).body.data;
}

async function workflowsOf(project: TestProject): Promise<WorkflowBody[]> {
  return (await api<{ data: WorkflowBody[] }>(project.token, 'GET', '/v1/workflows?limit=100')).body.data;
}

/** The one field error of a 400 `invalid-request`. */
async function refusal(project: TestProject, method: string, path: string, body: Record<string, unknown>): Promise<{ path: string; message: string }> {
  const response = await apiProblem(project.token, method, path, body);
  expect(response.status).toBe(400);
  expect(response.body.code).toBe('invalid-request');
  const errors = response.body.errors ?? [];
  expect(errors).toHaveLength(1);
  const [error] = errors;
  if (error === undefined) throw new Error('no field error');
  return error;
}

describe('invisible and direction-changing characters in names and descriptions', () => {
  it('Should refuse "x\\u202Egnp.exe" as a webhook name, naming U+202E and where it is, storing nothing', async () => {
    const project = await createProject();
    const error = await refusal(project, 'POST', '/v1/webhooks', { name: 'x\u202Egnp.exe' });
    expect(error.path).toBe('/name');
    expect(error.message).toContain('U+202E');
    expect(error.message).toContain('character 2');
    expect(await webhooksOf(project)).toEqual([]);
  });

  it('Should refuse a zero-width space in a webhook description', async () => {
    const project = await createProject();
    const error = await refusal(project, 'POST', '/v1/webhooks', { name: 'Chart updated', description: 'Sent by the\u200B EHR' });
    expect(error).toMatchObject({ path: '/description' });
    expect(error.message).toContain('U+200B');
    expect(error.message).toContain('character 12');
    expect(await webhooksOf(project)).toEqual([]);
  });

  it('Should refuse each bidirectional control and zero-width character in a name', async () => {
    const project = await createProject();
    const refused = [0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200b, 0x200c, 0x200d, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xfeff, 0x180e];
    for (const code of refused) {
      const hex = code.toString(16).toUpperCase().padStart(4, '0');
      const error = await refusal(project, 'POST', '/v1/webhooks', { name: `ab${String.fromCodePoint(code)}cd` });
      expect(error.path, `U+${hex}`).toBe('/name');
      expect(error.message, `U+${hex}`).toContain(`U+${hex}`);
    }
    expect(await webhooksOf(project)).toEqual([]);
  });

  it('Should refuse a slug with a right-to-left override', async () => {
    const project = await createProject();
    const error = await refusal(project, 'POST', '/v1/webhooks', { name: 'Chart', slug: 'chart\u202Eexe' });
    expect(error.path).toBe('/slug');
    expect(await webhooksOf(project)).toEqual([]);
  });

  it('Should refuse a webhook created from a description alone when it holds a left-to-right mark', async () => {
    const project = await createProject();
    const error = await refusal(project, 'POST', '/v1/webhooks', { description: `${EHR}\u200E` });
    expect(error.path).toBe('/description');
    expect(error.message).toContain('U+200E');
    expect(await webhooksOf(project)).toEqual([]);
  });

  it('Should refuse a draft description with a zero-width space', async () => {
    const project = await createProject();
    const error = await refusal(project, 'POST', '/v1/webhooks/draft', { description: EHR.replace('EHR', 'E\u200BHR') });
    expect(error.path).toBe('/description');
    expect(error.message).toContain('U+200B');
  });

  it('Should refuse a PATCH that sets such a name or description, leaving the webhook as it was', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'Chart updated', description: 'From the EHR' });
    expect((await refusal(project, 'PATCH', `/v1/webhooks/${hook.id}`, { name: 'Chart\u2067 updated' })).path).toBe('/name');
    expect((await refusal(project, 'PATCH', `/v1/webhooks/${hook.id}`, { description: '\uFEFFFrom the EHR' })).path).toBe('/description');
    const after = await api<WebhookBody>(project.token, 'GET', `/v1/webhooks/${hook.id}`);
    expect(after.body).toMatchObject({ name: 'Chart updated', description: 'From the EHR' });
  });

  it('Should refuse a workflow name with a left-to-right isolate, on create and on PATCH', async () => {
    const project = await createProject();
    const error = await refusal(project, 'POST', '/v1/workflows', { name: 'Chart \u2066sync', input_schema: CHART_SCHEMA });
    expect(error.path).toBe('/name');
    expect(error.message).toContain('U+2066');
    expect(await workflowsOf(project)).toEqual([]);
    const workflow = await createWorkflowViaApi(project.token, { name: 'Chart sync', input_schema: CHART_SCHEMA });
    expect((await refusal(project, 'PATCH', `/v1/workflows/${workflow.id}`, { name: 'Chart \u2066sync' })).path).toBe('/name');
    expect((await workflowsOf(project)).map((w) => w.name)).toEqual(['Chart sync']);
  });

  it('Should keep accents, CJK, right-to-left scripts and emoji, including emoji joined with U+200D', async () => {
    const project = await createProject();
    const names = ['Crème brûlée commandée', '患者カルテ更新', 'עדכון תיק מטופל', 'تحديث الملف', 'Deploys 🚀', 'On call 👩🏽‍💻 team', 'Family 👨‍👩‍👧 events', 'Pride 🏳️‍🌈'];
    for (const name of names) {
      const hook = await createWebhookViaApi(project.token, { name, description: `About ${name}` });
      expect(hook.name).toBe(name);
      expect(hook.description).toBe(`About ${name}`);
    }
    const workflow = await createWorkflowViaApi(project.token, { name: '同步 🔁', input_schema: CHART_SCHEMA });
    expect(workflow.name).toBe('同步 🔁');
  });

  it('Should refuse U+200D between letters, where it joins nothing visible', async () => {
    const project = await createProject();
    for (const name of ['ab\u200Dcd', '\u200D🚀', '🚀\u200D', 'a\u200D🚀']) {
      const error = await refusal(project, 'POST', '/v1/webhooks', { name });
      expect(error.message, JSON.stringify(name)).toContain('U+200D');
    }
  });
});
