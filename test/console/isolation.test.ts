import { describe, expect, it } from 'vitest';
import { createWebhookViaApi, createWorkflowViaApi, api, type WorkflowBody } from '../helpers/control-api';
import { signedIn } from '../helpers/console';
import { CHART_SAMPLE, createProject } from '../helpers/fixtures';

describe('console isolation between projects', () => {
  it('Should show a session of project B nothing of project A', async () => {
    const a = await createProject();
    const b = await createProject();
    const hookA = await createWebhookViaApi(a.token, { name: 'A only hook', slug: 'a-only-hook', sample_payload: CHART_SAMPLE });
    const workflowA = await createWorkflowViaApi(a.token, { name: 'A only workflow', triggers: [{ webhook_id: hookA.id }] });
    const hookB = await createWebhookViaApi(b.token, { name: 'B hook', sample_payload: CHART_SAMPLE });
    const browser = await signedIn(b.token);

    const list = await browser.get('/');
    expect(list.status).toBe(200);
    expect(list.html).toContain(hookB.id);
    expect(list.html).not.toContain(hookA.id);
    expect(list.html).not.toContain('a-only-hook');
    expect(list.html).not.toContain(a.orgSlug);

    const view = await browser.get(`/webhooks/${hookA.id}`);
    expect(view.status).toBe(404);
    expect(view.html).not.toContain('A only hook');

    const workflows = await browser.get('/workflows');
    expect(workflows.html).not.toContain(workflowA.id);
    expect(workflows.html).not.toContain('A only workflow');

    // B cannot attach its webhook to A's workflow, nor A's webhook to anything.
    const attach = await browser.post(`/workflows/${workflowA.id}/triggers`, { webhook_id: hookB.id, mapping: '' });
    expect(attach.status).toBe(404);
    const after = await api<WorkflowBody>(a.token, 'GET', `/v1/workflows/${workflowA.id}`);
    expect(after.body.triggers.map((t) => t.webhook_id)).toEqual([hookA.id]);
  });

  it('Should not let a header claim another principal', async () => {
    const a = await createProject();
    const hookA = await createWebhookViaApi(a.token, { name: 'A secret-ish hook' });
    const b = await createProject();
    const browser = await signedIn(b.token);
    const tokenIdA = (await api<{ data: { token_id: string }[] }>(a.token, 'GET', '/v1/audit')).body.data[0]?.token_id ?? '';
    expect(tokenIdA).toMatch(/^tok_/);
    for (const header of ['x-hasp-token-id', 'x-console-token', 'x-principal']) {
      const page = await browser.request(`/webhooks/${hookA.id}`, { headers: { [header]: tokenIdA } });
      expect(page.status).toBe(404);
    }
  });
});
