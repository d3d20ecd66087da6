/**
 * End to end through the public surfaces only: webhooks and a multi-trigger workflow created with
 * the control API, signed events sent through the ingress, runs read back from the events API and
 * the inputs the workflow runtime received.
 */
import { describe, expect, it } from 'vitest';
import { CHART_SAMPLE, createProject } from '../helpers/fixtures';
import { NESTED_MAPPING, NESTED_SAMPLE, api, createWebhookViaApi, createWorkflowViaApi } from '../helpers/control-api';
import { occurrences, receiptsOf } from '../helpers/queue';
import { postSigned } from '../helpers/send';
import { waitFor } from '../helpers/wait';

interface EventWithRuns {
  id: string;
  status: string;
  runs: { id: string; workflow_id: string; status: string }[];
}

describe('a workflow with a Class A and a Class B trigger', () => {
  it('starts one run per event, each with the input its trigger class gives', async () => {
    const project = await createProject();
    const chart = await createWebhookViaApi(project.token, { name: 'EHR chart updated', sample_payload: CHART_SAMPLE });
    const nested = await createWebhookViaApi(project.token, { name: 'Partner chart feed', sample_payload: [NESTED_SAMPLE, { ...NESTED_SAMPLE, source: 'lab' }] });
    const workflow = await createWorkflowViaApi(project.token, {
      name: 'PHI-aware chart update',
      triggers: [{ webhook_id: chart.id }, { webhook_id: nested.id, mapping: NESTED_MAPPING }],
    });
    expect(workflow.triggers.map((t) => t.class)).toEqual(['A', 'B']);

    const payloadA = { patient_id: 'p1', event: 'chart_updated', updated_fields: ['allergies'] };
    const payloadB = { patient: { id: 'p2' }, kind: 'chart_updated', fields: ['medications', 'vitals'], source: 'partner' };
    const sentA = await postSigned(chart.url, chart.secret ?? '', payloadA);
    const sentB = await postSigned(nested.url, nested.secret ?? '', payloadB);
    expect([sentA.status, sentB.status]).toEqual([202, 202]);
    const eventA = (await sentA.json<{ event_id: string }>()).event_id;
    const eventB = (await sentB.json<{ event_id: string }>()).event_id;

    for (const eventId of [eventA, eventB]) {
      const event = await waitFor(async () => {
        const response = await api<EventWithRuns>(project.token, 'GET', `/v1/events/${eventId}`);
        return response.status === 200 && response.body.status === 'dispatched' && response.body;
      }, `event ${eventId} dispatched`);
      expect(event.runs).toMatchObject([{ workflow_id: workflow.id, status: 'dispatched' }]);
    }

    const [receiptA] = await waitFor(async () => {
      const receipts = await receiptsOf(project, eventA);
      return receipts.length === 1 && receipts;
    }, 'the runtime to receive run A');
    const [receiptB] = await waitFor(async () => {
      const receipts = await receiptsOf(project, eventB);
      return receipts.length === 1 && receipts;
    }, 'the runtime to receive run B');
    const envelopeA = receiptA?.envelope;
    const envelopeB = receiptB?.envelope;

    expect(envelopeA).toMatchObject({ event_id: eventA, workflow_id: workflow.id, webhook: { id: chart.id, slug: chart.slug, org: project.orgSlug, project: project.projectId } });
    expect(envelopeA?.input).toEqual(payloadA);
    expect(envelopeA?.payload).toEqual(payloadA);
    // As sent, the Class A run carries its payload once (its input is the payload), the Class B run
    // its payload once beside the mapped input.
    expect(occurrences(receiptA?.json ?? '', JSON.stringify(payloadA))).toBe(1);
    expect(JSON.parse(receiptA?.json ?? '{}')).not.toHaveProperty('input');
    expect(occurrences(receiptB?.json ?? '', JSON.stringify(payloadB))).toBe(1);

    expect(envelopeB).toMatchObject({ event_id: eventB, workflow_id: workflow.id, webhook: { id: nested.id, slug: nested.slug } });
    expect(envelopeB?.payload).toEqual(payloadB);
    expect(envelopeB?.input).toEqual({ patient_id: 'p2', event: 'chart_updated', updated_fields: ['medications', 'vitals'] });
  });

  it('refuses a third trigger that is neither Class A nor Class B, and the workflow keeps its two', async () => {
    const project = await createProject();
    const chart = await createWebhookViaApi(project.token, { name: 'chart', sample_payload: CHART_SAMPLE });
    const workflow = await createWorkflowViaApi(project.token, { name: 'wf', triggers: [{ webhook_id: chart.id }] });
    const billing = await createWebhookViaApi(project.token, { name: 'billing', sample_payload: { invoice: 'in_1', amount: 10 } });
    const refused = await api<{ errors: { path: string }[] }>(project.token, 'POST', `/v1/workflows/${workflow.id}/triggers`, { webhook_id: billing.id, mapping: { patient_id: '/invoice' } });
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((e) => e.path).sort()).toEqual(['/mapping/event', '/mapping/updated_fields']);
  });
});
