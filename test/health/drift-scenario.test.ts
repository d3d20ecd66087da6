/**
 * Schema drift end to end, through the ingress, the consumer and the health object: 100 events of
 * which 30 carry a field the schema lacks, and 12 refused because a field changed type. One
 * proposal names both, with its evidence and the workflows it would break; applied, the content
 * issue's kept requests replay and are accepted, each with its run.
 */
import { describe, expect, it } from 'vitest';
import type { EventView } from '../../shared/control/responses';
import type { IssueView } from '../../shared/health/issue-view';
import type { AppliedProposal, SchemaProposalView } from '../../shared/health/proposals';
import { allPages, api, apiProblem, createWebhookViaApi, createWorkflowViaApi, type Page, type WebhookBody } from '../helpers/control-api';
import { CHART_SAMPLE, CHART_SCHEMA, createProject, type TestProject } from '../helpers/fixtures';
import { postSigned } from '../helpers/send';
import { waitFor } from '../helpers/wait';

async function chartWebhook(project: TestProject): Promise<WebhookBody & { secret: string }> {
  const hook = await createWebhookViaApi(project.token, { name: `drift ${crypto.randomUUID().slice(0, 6)}`, schema: CHART_SCHEMA });
  if (hook.secret === undefined) throw new Error('no generated secret');
  return { ...hook, secret: hook.secret };
}

async function dispatchedOf(project: TestProject, webhookId: string): Promise<EventView[]> {
  const pages = await allPages<EventView>(project.token, `/v1/events?webhook_id=${webhookId}`, 100);
  return pages.flatMap((p) => p.data).filter((e) => e.status === 'dispatched');
}

/**
 * Sends the scenario's traffic: 100 accepted (30 with `priority`), 12 refused (`updated_fields` a
 * number). The accepted go 20 at a time, each lot dispatched before the next, so no consumer batch
 * holds more than the 20 a batch summarises per webhook: every event is summarised, and the
 * evidence counts exactly 30 of 100.
 */
async function sendTraffic(project: TestProject, hook: WebhookBody & { secret: string }): Promise<void> {
  for (let lot = 0; lot < 5; lot += 1) {
    for (let i = lot * 20; i < (lot + 1) * 20; i += 1) {
      const payload = i % 10 < 3 ? { ...CHART_SAMPLE, priority: 'stat' } : CHART_SAMPLE;
      expect((await postSigned(hook.url, hook.secret, payload, { id: `msg_ok_${i}_${crypto.randomUUID()}` })).status).toBe(202);
    }
    await waitFor(async () => (await dispatchedOf(project, hook.id)).length === (lot + 1) * 20, `${(lot + 1) * 20} dispatched events`, 30_000);
  }
  for (let i = 0; i < 12; i += 1) {
    expect((await postSigned(hook.url, hook.secret, { ...CHART_SAMPLE, updated_fields: 7 }, { id: `msg_bad_${i}_${crypto.randomUUID()}` })).status).toBe(400);
  }
}

async function proposalNamingBoth(project: TestProject, webhookId: string): Promise<SchemaProposalView> {
  return waitFor(
    async () => {
      const listed = await api<Page<SchemaProposalView>>(project.token, 'GET', `/v1/webhooks/${webhookId}/schema-proposals`);
      const [proposal] = listed.body.data;
      const paths = proposal?.diff.map((d) => `${d.op} ${d.path}`) ?? [];
      // Complete once the consumer has summarised every accepted event.
      return paths.includes('add-property /priority') && paths.includes('widen-type /updated_fields') && (proposal?.window.events_seen ?? 0) >= 100 && proposal;
    },
    'a proposal naming /priority and /updated_fields, over all 100 accepted events',
    45_000,
  );
}

describe('a schema proposal from what senders send', () => {
  it('proposes the new field and the widened type, applies, and replays the refused requests into runs', async () => {
    const project = await createProject();
    const hook = await chartWebhook(project);
    // Reads only patient_id: neither change can break it.
    const workflow = await createWorkflowViaApi(project.token, {
      name: 'Patient index',
      input_schema: { type: 'object', properties: { patient_id: { type: 'string' } }, required: ['patient_id'] },
      triggers: [{ webhook_id: hook.id, mapping: { patient_id: '/patient_id' } }],
    });
    await sendTraffic(project, hook);

    const proposal = await proposalNamingBoth(project, hook.id);
    expect(proposal.breaks).toEqual([]);
    const accepted = proposal.evidence.find((e) => e.path === '/priority');
    expect(accepted).toMatchObject({ source: 'accepted', type: 'string' });
    expect(accepted).toMatchObject({ count: 30, share: 0.3 });
    expect(proposal.window).toMatchObject({ events_seen: 100, events_summarised: 100 });
    expect(proposal.evidence.find((e) => e.path === '/updated_fields')).toMatchObject({ source: 'refused', type: 'integer', count: 12 });

    const issue = await waitFor(async () => {
      const list = await api<Page<IssueView & { kept_requests: number | null }>>(project.token, 'GET', `/v1/issues?webhook_id=${hook.id}&cause=content`);
      return list.body.data[0]?.count === 12 && list.body.data[0];
    }, 'the content issue counting 12', 30_000);

    const applied = await api<AppliedProposal<WebhookBody>>(project.token, 'POST', `/v1/webhooks/${hook.id}/schema-proposals/${proposal.id}/apply`);
    expect(applied.status).toBe(200);
    expect(applied.body.proposal.state).toBe('applied');

    const replay = await api<{ replayed: number; still_refused: number }>(project.token, 'POST', `/v1/issues/${issue.id}/replay`);
    expect(replay.body).toMatchObject({ replayed: 12, still_refused: 0 });
    const dispatched = await waitFor(async () => {
      const done = await dispatchedOf(project, hook.id);
      return done.length === 112 && done;
    }, '112 dispatched events', 45_000);
    const replayedRuns = await Promise.all(
      dispatched.slice(0, 12).map(async (e) => (await api<EventView>(project.token, 'GET', `/v1/events/${e.id}`)).body.runs.map((r) => r.workflow_id)),
    );
    expect(replayedRuns.every((runs) => runs.length === 1 && runs[0] === workflow.id)).toBe(true);
  }, 120_000);

  it('names a workflow the change would break, and applying it is refused as the schema PATCH refuses it', async () => {
    const project = await createProject();
    const hook = await chartWebhook(project);
    // Class A: its contract is the chart schema, updated_fields an array.
    const workflow = await createWorkflowViaApi(project.token, { name: 'Chart sync', triggers: [{ webhook_id: hook.id }] });
    await sendTraffic(project, hook);
    const proposal = await proposalNamingBoth(project, hook.id);
    expect(proposal.breaks.map((b) => b.id)).toEqual([workflow.id]);

    const refused = await apiProblem(project.token, 'POST', `/v1/webhooks/${hook.id}/schema-proposals/${proposal.id}/apply`);
    const patched = await apiProblem(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { schema: proposal.schema });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual(patched.body);
  }, 120_000);
});
