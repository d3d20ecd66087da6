/**
 * Schema drift end to end in workerd: shape summaries and refused paths told to the project's
 * health object over RPC, the proposals they make read through `/v1/webhooks/{id}/schema-proposals`,
 * applied under the schema PATCH's rules (its 409 included) or dismissed for good.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { AuditEntryView, ListPage, WebhookView } from '../../shared/control/responses';
import type { AppliedProposal, SchemaProposalView } from '../../shared/health/proposals';
import { summariseShapes } from '../../shared/health/shapes';
import type { FailedPath } from '../../shared/health/types';
import { api, apiProblem, createWebhookViaApi, createWorkflowViaApi, type WebhookBody } from '../helpers/control-api';
import { CHART_SAMPLE, CHART_SCHEMA, createProject, type TestProject } from '../helpers/fixtures';
import { postSigned } from '../helpers/send';

function health(project: TestProject) {
  return env.SENDER_HEALTH.get(env.SENDER_HEALTH.idFromName(project.projectId));
}

/** 100 accepted chart events at `at`, `withPriority` of them carrying a field the schema lacks. */
async function observeEvents(project: TestProject, webhookId: string, at: number, withPriority: number, total = 100): Promise<void> {
  const receivedAt = new Date(at).toISOString();
  const events = Array.from({ length: total }, (_, i) => ({
    webhookId,
    receivedAt,
    json: JSON.stringify(i < withPriority ? { ...CHART_SAMPLE, priority: 'high' } : CHART_SAMPLE),
  }));
  await health(project).observeAccepted(project.projectId, [], summariseShapes(events), at);
}

async function observeRefusals(project: TestProject, webhookId: string, paths: FailedPath[], at: number): Promise<void> {
  await health(project).observeRefusedPaths(project.projectId, webhookId, paths, at);
}

function proposalsPath(webhookId: string, rest = ''): string {
  return `/v1/webhooks/${webhookId}/schema-proposals${rest}`;
}

async function openProposals(project: TestProject, webhookId: string): Promise<SchemaProposalView[]> {
  const listed = await api<ListPage<SchemaProposalView>>(project.token, 'GET', proposalsPath(webhookId));
  expect(listed.status).toBe(200);
  return listed.body.data;
}

async function onlyOpenProposal(project: TestProject, webhookId: string): Promise<SchemaProposalView> {
  const open = await openProposals(project, webhookId);
  expect(open).toHaveLength(1);
  const [proposal] = open;
  if (proposal === undefined) throw new Error('no open proposal');
  return proposal;
}

/** A webhook with the chart schema, and a workflow whose contract is that schema (Class A). */
async function chartWithDependent(project: TestProject) {
  const hook = await createWebhookViaApi(project.token, { name: 'chart drift', schema: CHART_SCHEMA });
  const workflow = await createWorkflowViaApi(project.token, { name: 'Chart sync', triggers: [{ webhook_id: hook.id }] });
  return { hook, workflow };
}

describe('GET /v1/webhooks/{id}/schema-proposals', () => {
  it('proposes a field that 30 of 100 accepted events carried, with its counts, breaking no workflow', async () => {
    const project = await createProject();
    const { hook } = await chartWithDependent(project);
    const now = Date.now();
    await observeEvents(project, hook.id, now, 30);

    const proposal = await onlyOpenProposal(project, hook.id);
    expect(proposal.id).toMatch(/^prp_/);
    expect(proposal).toMatchObject({ webhook_id: hook.id, state: 'open', breaks: [], closed_at: null });
    expect(proposal.diff).toEqual([{ op: 'add-property', path: '/priority', to: { type: 'string' } }]);
    expect(proposal.evidence).toEqual([expect.objectContaining({ source: 'accepted', path: '/priority', type: 'string', count: 30, share: 0.3 })]);
    expect(proposal.window).toEqual({ hours: 24, events_seen: 100, events_summarised: 100, refusals: 0 });
    expect(proposal.schema).toMatchObject({ properties: { priority: { type: 'string' } }, required: CHART_SCHEMA.required });

    const one = await api<SchemaProposalView>(project.token, 'GET', proposalsPath(hook.id, `/${proposal.id}`));
    expect(one.body).toEqual(proposal);
  });

  it('compares evidence with the schema from D1 by itself, at most once a minute per webhook', async () => {
    const project = await createProject();
    const { hook } = await chartWithDependent(project);
    const diffs = () =>
      runInDurableObject(health(project), (_instance, state) =>
        state.storage.sql
          .exec<{ diff: string }>(`SELECT diff FROM drift_proposals WHERE webhook_id = ? AND state = 'open'`, hook.id)
          .toArray()
          .map((r) => (JSON.parse(r.diff) as { path: string }[]).map((d) => d.path)),
      );
    const t0 = Date.now();
    await observeEvents(project, hook.id, t0, 30);
    expect(await diffs()).toEqual([['/priority']]);
    await observeRefusals(project, hook.id, [{ path: '/event', type: 'integer', count: 12 }], t0 + 10_000);
    // Within the minute: kept, not yet compared.
    expect(await diffs()).toEqual([['/priority']]);
    await health(project).evaluateSchemaDrift(project.projectId, t0 + 61_000);
    expect(await diffs()).toEqual([['/event', '/priority']]);
  });

  it('updates the one open proposal in place as evidence grows, and names the workflows a change would break', async () => {
    const project = await createProject();
    const { hook, workflow } = await chartWithDependent(project);
    const now = Date.now();
    await observeEvents(project, hook.id, now, 30);
    const first = await onlyOpenProposal(project, hook.id);

    // The sender now sends `event` as a number: 12 refusals at one path, one type.
    await observeRefusals(project, hook.id, [{ path: '/event', type: 'integer', count: 12 }], now + 1_000);
    const grown = await onlyOpenProposal(project, hook.id);
    expect(grown.id).toBe(first.id);
    expect(grown.diff).toEqual([
      { op: 'widen-type', path: '/event', from: ['string'], to: ['string', 'integer'] },
      { op: 'add-property', path: '/priority', to: { type: 'string' } },
    ]);
    expect(grown.evidence).toContainEqual(expect.objectContaining({ source: 'refused', path: '/event', type: 'integer', count: 12, share: 1 }));
    expect(grown.window.refusals).toBe(12);
    expect(grown.breaks).toEqual([{ id: workflow.id, name: 'Chart sync', unmet: [expect.objectContaining({ field: 'event' })] }]);
  });

  it('answers 404 for another project’s webhook, an unknown proposal and a malformed id; 400 for an unknown state', async () => {
    const project = await createProject();
    const other = await createProject();
    const { hook } = await chartWithDependent(project);
    await observeEvents(project, hook.id, Date.now(), 30);
    const proposal = await onlyOpenProposal(project, hook.id);
    expect((await apiProblem(other.token, 'GET', proposalsPath(hook.id))).status).toBe(404);
    expect((await apiProblem(other.token, 'POST', proposalsPath(hook.id, `/${proposal.id}/apply`))).status).toBe(404);
    expect((await apiProblem(project.token, 'GET', proposalsPath(hook.id, '/prp_00000000000000000000000000'))).status).toBe(404);
    expect((await apiProblem(project.token, 'POST', proposalsPath(hook.id, '/not-an-id/dismiss'))).status).toBe(404);
    expect((await apiProblem(project.token, 'GET', proposalsPath(hook.id, '?state=closed'))).status).toBe(400);
  });
});

describe('POST …/schema-proposals/{proposal_id}/apply', () => {
  it('refuses a breaking proposal with exactly the 409 a schema PATCH gives, and changes nothing', async () => {
    const project = await createProject();
    const { hook, workflow } = await chartWithDependent(project);
    await observeRefusals(project, hook.id, [{ path: '/event', type: 'integer', count: 12 }], Date.now());
    const proposal = await onlyOpenProposal(project, hook.id);

    const applied = await apiProblem(project.token, 'POST', proposalsPath(hook.id, `/${proposal.id}/apply`));
    const patched = await apiProblem(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { schema: proposal.schema });
    expect(applied.status).toBe(409);
    expect(applied.body).toEqual(patched.body);
    expect(applied.body.workflows).toMatchObject([{ id: workflow.id, name: 'Chart sync' }]);

    const unchanged = await api<WebhookBody>(project.token, 'GET', `/v1/webhooks/${hook.id}`);
    expect(unchanged.body.schema).toEqual(CHART_SCHEMA);
    expect((await onlyOpenProposal(project, hook.id)).id).toBe(proposal.id);
  });

  it('makes the proposed schema the webhook’s, as a PATCH would: the edge enforces it, the proposal is applied', async () => {
    const project = await createProject();
    const { hook } = await chartWithDependent(project);
    await observeEvents(project, hook.id, Date.now(), 30);
    const proposal = await onlyOpenProposal(project, hook.id);

    const applied = await api<AppliedProposal<WebhookView>>(project.token, 'POST', proposalsPath(hook.id, `/${proposal.id}/apply`));
    expect(applied.status).toBe(200);
    expect(applied.body.proposal).toMatchObject({ id: proposal.id, state: 'applied', breaks: [] });
    expect(applied.body.proposal.closed_at).not.toBeNull();
    expect(applied.body.webhook.schema).toEqual(proposal.schema);
    const stored = await api<WebhookBody>(project.token, 'GET', `/v1/webhooks/${hook.id}`);
    expect(stored.body.schema).toEqual(proposal.schema);

    // The edge enforces the new property's type, and still takes the events it took before.
    expect((await postSigned(hook.url, hook.secret ?? '', { ...CHART_SAMPLE, priority: 'high' })).status).toBe(202);
    expect((await postSigned(hook.url, hook.secret ?? '', { ...CHART_SAMPLE, priority: 5 })).status).toBe(400);

    expect(await openProposals(project, hook.id)).toEqual([]);
    const listed = await api<ListPage<SchemaProposalView>>(project.token, 'GET', proposalsPath(hook.id, '?state=applied'));
    expect(listed.body.data.map((p) => p.id)).toEqual([proposal.id]);
    // A retried apply answers as the first did.
    const again = await api<AppliedProposal<WebhookView>>(project.token, 'POST', proposalsPath(hook.id, `/${proposal.id}/apply`));
    expect(again.status).toBe(200);
    expect(again.body.proposal.state).toBe('applied');

    const audit = await api<ListPage<AuditEntryView>>(project.token, 'GET', '/v1/audit');
    expect(audit.body.data.filter((e) => e.action === 'webhook.schema_proposal.apply').map((e) => [e.resource_id, e.outcome])).toEqual([
      [hook.id, 'ok'],
      [hook.id, 'ok'],
    ]);
  });

  it('refuses a proposal the schema moved past: a PATCH supersedes it', async () => {
    const project = await createProject();
    const { hook } = await chartWithDependent(project);
    await observeEvents(project, hook.id, Date.now(), 30);
    const proposal = await onlyOpenProposal(project, hook.id);
    const schema = { ...CHART_SCHEMA, properties: { ...CHART_SCHEMA.properties, priority: { type: 'string' } } };
    expect((await api(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { schema })).status).toBe(200);

    expect(await openProposals(project, hook.id)).toEqual([]);
    const superseded = await api<ListPage<SchemaProposalView>>(project.token, 'GET', proposalsPath(hook.id, '?state=superseded'));
    expect(superseded.body.data.map((p) => p.id)).toEqual([proposal.id]);
    const refused = await apiProblem(project.token, 'POST', proposalsPath(hook.id, `/${proposal.id}/apply`));
    expect(refused.status).toBe(409);
    expect(refused.body.state).toBe('superseded');
  });
});

describe('POST …/schema-proposals/{proposal_id}/dismiss', () => {
  it('closes the proposal, and the same changes are never proposed again', async () => {
    const project = await createProject();
    const { hook } = await chartWithDependent(project);
    const now = Date.now();
    await observeEvents(project, hook.id, now, 30);
    await observeRefusals(project, hook.id, [{ path: '/event', type: 'integer', count: 12 }], now);
    const proposal = await onlyOpenProposal(project, hook.id);

    const dismissed = await api<SchemaProposalView>(project.token, 'POST', proposalsPath(hook.id, `/${proposal.id}/dismiss`));
    expect(dismissed.status).toBe(200);
    expect(dismissed.body).toMatchObject({ id: proposal.id, state: 'dismissed', breaks: [] });

    // More of the same evidence, minutes later.
    await observeEvents(project, hook.id, now + 120_000, 60);
    await observeRefusals(project, hook.id, [{ path: '/event', type: 'integer', count: 30 }], now + 240_000);
    expect(await openProposals(project, hook.id)).toEqual([]);

    // Something new is still proposed, without what was dismissed.
    await observeRefusals(project, hook.id, [{ path: '/patient_id', type: 'missing', count: 6 }], now + 360_000);
    const next = await onlyOpenProposal(project, hook.id);
    expect(next.id).not.toBe(proposal.id);
    expect(next.diff).toEqual([{ op: 'make-optional', path: '/patient_id', from: 'required', to: 'optional' }]);

    const repeated = await api<SchemaProposalView>(project.token, 'POST', proposalsPath(hook.id, `/${proposal.id}/dismiss`));
    expect(repeated.status).toBe(200);
    expect((await apiProblem(project.token, 'POST', proposalsPath(hook.id, `/${proposal.id}/apply`))).status).toBe(409);
    const audit = await api<ListPage<AuditEntryView>>(project.token, 'GET', '/v1/audit');
    expect(audit.body.data.filter((e) => e.action === 'webhook.schema_proposal.dismiss').map((e) => e.resource_id)).toEqual([proposal.id, proposal.id]);
  });
});
