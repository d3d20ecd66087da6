/**
 * An event's page (`/webhooks/:id/events/:eventId`): its runs and its request's metadata, and its
 * payload only in the answer to an explicit "Show the payload", which the API records in the audit
 * log; "Expunge the payload" deletes it and answers with a 303. An event no workflow listened to
 * reads "accepted — no workflow listens", here and in the webhook's list of events.
 */
import { describe, expect, it } from 'vitest';
import type { EventView } from '../../shared/control/responses';
import { api, auditLog, createWebhookViaApi, createWorkflowViaApi, dispatchedEvent, tokenIdOf, type WebhookBody } from '../helpers/control-api';
import { signedIn, visibleText, type ConsoleBrowser } from '../helpers/console';
import { CHART_SAMPLE, createProject, type TestProject } from '../helpers/fixtures';
import { postSigned } from '../helpers/send';

const WORKFLOW = 'Chart follow-up';

/** A payload value a page must not show unasked: markup, so an unescaped copy would be found too. */
const MARKER = '<script>alert("p-4711")</script>';

interface Sent {
  project: TestProject;
  hook: WebhookBody;
  browser: ConsoleBrowser;
  eventId: string;
  deliveryId: string;
}

/** A chart webhook (with a workflow unless `listened` is false), one event sent to it and dispatched, and a signed-in console. */
async function sentEvent(listened = true): Promise<Sent> {
  const project = await createProject();
  const hook = await createWebhookViaApi(project.token, { name: 'Chart updated', sample_payload: CHART_SAMPLE });
  if (listened) await createWorkflowViaApi(project.token, { name: WORKFLOW, triggers: [{ webhook_id: hook.id }] });
  const deliveryId = `msg_${crypto.randomUUID()}`;
  const response = await postSigned(hook.url, hook.secret ?? '', { ...CHART_SAMPLE, patient_id: MARKER }, { id: deliveryId });
  expect(response.status).toBe(202);
  const eventId = (await response.json<{ event_id: string }>()).event_id;
  await dispatchedEvent(project.token, eventId, listened ? 1 : 0);
  return { project, hook, browser: await signedIn(project.token), eventId, deliveryId };
}

function eventPage(s: Sent): string {
  return `/webhooks/${s.hook.id}/events/${s.eventId}`;
}

async function payloadReads(project: TestProject, eventId: string) {
  return (await auditLog(project.token)).filter((e) => e.action === 'event.payload.read' && e.resource_id === eventId);
}

describe('console: an event’s page', () => {
  it('Should be linked from the webhook’s events, and show the runs and metadata but not the payload', async () => {
    const s = await sentEvent();
    const list = await s.browser.get(`/webhooks/${s.hook.id}`);
    expect(list.html).toContain(`href="${eventPage(s)}"`);

    const page = await s.browser.get(eventPage(s));
    expect(page.status).toBe(200);
    const event = (await api<EventView>(s.project.token, 'GET', `/v1/events/${s.eventId}`)).body;
    const run = event.runs[0];
    if (run === undefined) throw new Error('no run');
    const words = visibleText(page.html);
    expect(words).toContain(s.eventId);
    expect(words).toContain(s.deliveryId);
    expect(words).toContain(event.received_at);
    expect(words).toContain(`${run.id} ${WORKFLOW} dispatched`);
    expect(words).toContain('Status dispatched');
    expect(words).toContain('kept, encrypted; shown only when you ask for it below');
    // Not the payload, in any form, and no read of it.
    expect(page.html).not.toContain('p-4711');
    expect(page.html).toContain('Show the payload');
    expect(await payloadReads(s.project, s.eventId)).toEqual([]);
  });

  it('Should show the payload only on an explicit request, escaped, not stored, and audited as a read by the session’s token', async () => {
    const s = await sentEvent();
    await s.browser.get(eventPage(s));
    const shown = await s.browser.post(`${eventPage(s)}/payload`);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('cache-control')).toBe('no-store');
    expect(shown.html).toContain(String.raw`&quot;patient_id&quot;: &quot;&lt;script&gt;alert(\&quot;p-4711\&quot;)&lt;/script&gt;&quot;`);
    expect(shown.html).not.toContain(MARKER);
    expect(visibleText(shown.html)).toContain('recorded in the project’s audit log');

    const reads = await payloadReads(s.project, s.eventId);
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ token_id: await tokenIdOf(s.project), outcome: 'ok' });
    // The next page is without it again.
    expect((await s.browser.get(eventPage(s))).html).not.toContain('p-4711');
  });

  it('Should expunge the payload with a 303, after which the page says it is gone and shows nothing', async () => {
    const s = await sentEvent();
    await s.browser.get(eventPage(s));
    const expunged = await s.browser.post(`${eventPage(s)}/expunge`);
    expect(expunged.status).toBe(303);
    expect(expunged.location).toBe(eventPage(s));
    expect((await api<EventView>(s.project.token, 'GET', `/v1/events/${s.eventId}?include=payload`)).body).toMatchObject({ payload_state: 'expunged', payload: 'expunged' });

    const page = await s.browser.get(eventPage(s));
    const words = visibleText(page.html);
    expect(words).toContain(`The payload of ${s.eventId} is expunged`);
    expect(words).toContain('expunged: deleted wherever it was kept; the metadata and runs stay');
    expect(page.html).not.toContain('Show the payload');
    // Its runs stay.
    expect(words).toContain(WORKFLOW);
    const asked = await s.browser.post(`${eventPage(s)}/payload`);
    expect(asked.html).not.toContain('p-4711');
    const audit = await auditLog(s.project.token);
    expect(audit.find((e) => e.action === 'event.payload.expunge')).toMatchObject({ resource_id: s.eventId, outcome: 'ok' });
    expect(audit.filter((e) => e.action === 'event.payload.read')).toEqual([]);
  });

  it('Should say "accepted — no workflow listens" for an event no workflow listened to, here and in the webhook’s events', async () => {
    const s = await sentEvent(false);
    const list = await s.browser.get(`/webhooks/${s.hook.id}`);
    const row = new RegExp(`<tr id="${s.eventId}">([\\s\\S]*?)</tr>`).exec(list.html)?.[1] ?? '';
    expect(visibleText(row)).toContain('accepted — no workflow listens');
    expect(visibleText(row)).not.toContain('dispatched');

    const words = visibleText((await s.browser.get(eventPage(s))).html);
    expect(words).toContain('Status accepted — no workflow listens');
    expect(words).toContain('None: no workflow listened to this webhook when the event arrived.');
    expect(words).not.toContain('dispatched');
  });

  it('Should not show, read or expunge an event under another webhook’s address, nor another project’s event', async () => {
    const s = await sentEvent(false);
    const other = await createWebhookViaApi(s.project.token, { name: 'Other', sample_payload: CHART_SAMPLE });
    const elsewhere = `/webhooks/${other.id}/events/${s.eventId}`;
    expect((await s.browser.get(elsewhere)).status).toBe(404);
    const read = await s.browser.post(`${elsewhere}/payload`);
    expect(read.status).toBe(404);
    expect(read.html).not.toContain('p-4711');
    expect((await s.browser.post(`${elsewhere}/expunge`)).status).toBe(404);
    expect((await api<EventView>(s.project.token, 'GET', `/v1/events/${s.eventId}`)).body.payload_state).toBe('kept');

    const stranger = await signedIn((await createProject()).token);
    expect((await stranger.get(eventPage(s))).status).toBe(404);
    expect((await stranger.get(`/webhooks/${s.hook.id}/events/not-an-id`)).status).toBe(404);
    expect(await payloadReads(s.project, s.eventId)).toEqual([]);
  });
});
