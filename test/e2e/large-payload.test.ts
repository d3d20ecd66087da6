/**
 * A 1 MiB event end to end: accepted by the ingress (its payload claim-checked in R2), fanned out
 * to its one workflow (the run envelope, too large for a message, claim-checked as well, carrying
 * the payload once) and recorded by the stand-in runtime by the envelope's R2 key.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { CHART_SAMPLE, createProject, createWebhook, createWorkflow } from '../helpers/fixtures';
import { occurrences, receiptsOf, runsOf } from '../helpers/queue';
import { postSigned, webhookUrl } from '../helpers/send';
import { waitFor } from '../helpers/wait';

const MIB = 1024 * 1024;

describe('a 1 MiB event', () => {
  it('reaches its workflow whole, in an envelope that carries the payload once and that the runtime records by key', async () => {
    const project = await createProject();
    // The default limit is 1 MiB of body; a webhook may take up to 5 MiB.
    const hook = await createWebhook(project, { schema: { type: 'object' }, bodyLimitBytes: 2 * MIB });
    const workflowId = await createWorkflow(project, [hook.id]);
    const payload = { ...CHART_SAMPLE, notes: 'MARKER-MIB-PHI '.repeat(Math.ceil(MIB / 15)) };
    const payloadJson = JSON.stringify(payload);
    expect(payloadJson.length).toBeGreaterThan(MIB);

    const response = await postSigned(webhookUrl(project.orgSlug, hook.slug), hook.secret, payload);
    expect(response.status).toBe(202);
    const { event_id: eventId } = await response.json<{ event_id: string }>();
    const [receipt] = await waitFor(async () => {
      const found = await receiptsOf(project, eventId);
      return found.length === 1 && found;
    }, 'the run of the 1 MiB event at the runtime', 15_000);
    const [run] = await runsOf(project, eventId);
    const key = `runs/${run?.id}.json`;

    // Recorded by reference: the receipt row holds the key, not the envelope.
    expect(receipt).toMatchObject({ run_id: run?.id, envelopeKey: key, sealed: null });
    expect(receipt?.envelope).toMatchObject({
      event_id: eventId,
      run_id: run?.id,
      workflow_id: workflowId,
      webhook: { id: hook.id, slug: hook.slug, org: project.orgSlug, project: project.projectId },
    });
    expect(Object.keys(receipt?.envelope ?? {}).sort()).toEqual(['delivery_id', 'event_id', 'input', 'payload', 'received_at', 'run_id', 'webhook', 'workflow_id']);
    expect(receipt?.envelope.payload).toEqual(payload);
    expect(receipt?.envelope.input).toEqual(payload);

    // The envelope as sent carries the payload once: its sealed object is about the payload's
    // size (base64 adds a third), not twice it.
    expect(occurrences(receipt?.json ?? '', payloadJson)).toBe(1);
    const object = await env.PAYLOADS.head(key);
    expect(object?.size).toBeGreaterThan(payloadJson.length);
    expect(object?.size).toBeLessThan(payloadJson.length * 1.4);
  });
});
