/**
 * The schema editor on the webhook's page: it starts with the schema in force and its sample; a
 * change is checked first against the workflows that handle the webhook (the check the API runs on
 * PATCH), which saves nothing; saving answers with a 303, refused or done; and a refused request
 * that was kept comes with the schema change that would accept it, which the replay then proves.
 */
import { describe, expect, it } from 'vitest';
import type { KeptRequestView, WebhookView } from '../../shared/control/responses';
import { api, auditLog, createWebhookViaApi, createWorkflowViaApi, dispatchedEvent, type Page, type WebhookBody } from '../helpers/control-api';
import { formFields, signedIn, visibleText, type ConsoleBrowser } from '../helpers/console';
import { CHART_SAMPLE, CHART_SCHEMA, createProject, type TestProject } from '../helpers/fixtures';
import { postSigned, problemOf } from '../helpers/send';
import { waitFor } from '../helpers/wait';

const WORKFLOW = 'Chart follow-up';

/** The chart schema with an optional `status` string: a field the chart workflow does not read. */
const WITH_STATUS = { ...CHART_SCHEMA, properties: { ...CHART_SCHEMA.properties, status: { type: 'string' } } };

/** The chart schema without `patient_id`: what the chart workflow cannot lose. */
const WITHOUT_PATIENT = { type: 'object', properties: { event: { type: 'string' }, updated_fields: { type: 'array', items: { type: 'string' } } }, required: ['event', 'updated_fields'] };

interface Setup {
  project: TestProject;
  hook: WebhookBody & { secret: string };
  browser: ConsoleBrowser;
}

/** A webhook with `schema`, handled by a workflow whose contract is the chart's (Class A), and a signed-in console. */
async function chartWebhookWithWorkflow(schema: Record<string, unknown> = CHART_SCHEMA): Promise<Setup> {
  const project = await createProject();
  const hook = await createWebhookViaApi(project.token, { name: 'Chart updated', schema });
  if (hook.secret === undefined) throw new Error('no generated secret');
  await createWorkflowViaApi(project.token, { name: WORKFLOW, input_schema: CHART_SCHEMA, triggers: [{ webhook_id: hook.id }] });
  return { project, hook: { ...hook, secret: hook.secret }, browser: await signedIn(project.token) };
}

async function schemaOf(project: TestProject, id: string): Promise<unknown> {
  return (await api<WebhookView>(project.token, 'GET', `/v1/webhooks/${id}`)).body.schema;
}

const editor = (id: string) => `/webhooks/${id}/schema#schema-editor`;
const sampleEditor = (id: string) => `/webhooks/${id}/schema#sample-editor`;
const saveForm = (id: string) => `/webhooks/${id}/schema`;

describe('console: the schema editor', () => {
  it('Should start with the schema in force and its sample prefilled', async () => {
    const { hook, browser } = await chartWebhookWithWorkflow();
    const page = await browser.get(`/webhooks/${hook.id}`);
    expect(page.status).toBe(200);
    const schemaForm = formFields(page.html, editor(hook.id));
    expect(schemaForm.kind).toBe('schema');
    expect(JSON.parse(schemaForm.text ?? '')).toEqual(hook.schema);
    const sampleForm = formFields(page.html, sampleEditor(hook.id));
    expect(sampleForm.kind).toBe('sample_payload');
    expect(Object.keys(JSON.parse(sampleForm.text ?? '') as object)).toEqual(['patient_id', 'event', 'updated_fields']);
    // Nothing to save before a check.
    expect(page.html).not.toContain(`action="${saveForm(hook.id)}"`);
  });

  it('Should name the workflows a change would break, with the fields they would lose, and save nothing', async () => {
    const { project, hook, browser } = await chartWebhookWithWorkflow();
    await browser.get(`/webhooks/${hook.id}`);
    const text = JSON.stringify(WITHOUT_PATIENT, null, 2);
    const checked = await browser.post(saveForm(hook.id), { kind: 'schema', text, step: 'check' });
    expect(checked.status).toBe(200);
    const words = visibleText(checked.html);
    expect(words).toContain('Saving this would break:');
    expect(words).toContain(WORKFLOW);
    expect(words).toContain('patient_id');
    expect(words).toContain('Nothing was saved.');
    // No Save button for a change that would break a workflow; the text stays to edit.
    expect(checked.html).not.toContain(`action="${saveForm(hook.id)}"`);
    expect(JSON.parse(formFields(checked.html, editor(hook.id)).text ?? '')).toEqual(WITHOUT_PATIENT);

    expect(await schemaOf(project, hook.id)).toEqual(hook.schema);
    expect((await auditLog(project.token)).filter((e) => e.action === 'webhook.update')).toEqual([]);
  });

  it('Should check a sample’s inferred schema the same way', async () => {
    const { project, hook, browser } = await chartWebhookWithWorkflow();
    await browser.get(`/webhooks/${hook.id}`);
    const checked = await browser.post(saveForm(hook.id), { kind: 'sample_payload', text: JSON.stringify({ event: 'chart_updated', updated_fields: [] }), step: 'check' });
    expect(checked.status).toBe(200);
    expect(visibleText(checked.html)).toContain(`Saving this would break: ${WORKFLOW}`);
    expect(await schemaOf(project, hook.id)).toEqual(hook.schema);
  });

  it('Should say no dependent workflow breaks, and save exactly the checked schema with a 303', async () => {
    const { project, hook, browser } = await chartWebhookWithWorkflow();
    await browser.get(`/webhooks/${hook.id}`);
    const checked = await browser.post(saveForm(hook.id), { kind: 'schema', text: JSON.stringify(WITH_STATUS), step: 'check' });
    expect(checked.status).toBe(200);
    expect(visibleText(checked.html)).toContain('No dependent workflow breaks');
    expect(visibleText(checked.html)).toContain('Checked 1 workflow that handles this webhook');
    expect(await schemaOf(project, hook.id)).toEqual(hook.schema);

    const fields = formFields(checked.html, saveForm(hook.id));
    expect(fields).toMatchObject({ step: 'save', kind: 'schema' });
    expect(JSON.parse(fields.text ?? '')).toEqual(WITH_STATUS);
    const saved = await browser.post(saveForm(hook.id), fields);
    expect(saved.status).toBe(303);
    expect(saved.location).toBe(`/webhooks/${hook.id}`);
    expect(saved.headers.get('location')).toBe(`/webhooks/${hook.id}#schema`);
    expect(await schemaOf(project, hook.id)).toEqual(WITH_STATUS);
    const after = await browser.get(`/webhooks/${hook.id}`);
    expect(visibleText(after.html)).toContain('Schema saved.');
    // The editor now starts from the saved schema.
    expect(JSON.parse(formFields(after.html, editor(hook.id)).text ?? '')).toEqual(WITH_STATUS);
  });

  it('Should answer a refused save with a 303 to the page, which shows the API’s reason and the text typed', async () => {
    const { project, hook, browser } = await chartWebhookWithWorkflow();
    await browser.get(`/webhooks/${hook.id}`);
    const text = JSON.stringify(WITHOUT_PATIENT, null, 2);
    const refused = await browser.post(saveForm(hook.id), { kind: 'schema', text, step: 'save' });
    expect(refused.status).toBe(303);
    const back = refused.headers.get('location') ?? '';
    expect(back.startsWith(`/webhooks/${hook.id}`)).toBe(true);

    const page = await browser.get(back);
    expect(page.status).toBe(409);
    expect(visibleText(page.html)).toContain(WORKFLOW);
    expect(formFields(page.html, editor(hook.id)).text).toBe(text);
    // A reload shows the same and changes nothing.
    expect((await browser.get(back)).status).toBe(409);
    expect(await schemaOf(project, hook.id)).toEqual(hook.schema);
  });

  it('Should point at text that is not JSON, or not a schema the API would store, and save nothing', async () => {
    const { project, hook, browser } = await chartWebhookWithWorkflow();
    await browser.get(`/webhooks/${hook.id}`);
    const notJson = await browser.post(saveForm(hook.id), { kind: 'schema', text: '{"type": object}', step: 'check' });
    expect(notJson.status).toBe(400);
    expect(visibleText(notJson.html)).toContain('The text is not valid JSON.');
    expect(formFields(notJson.html, editor(hook.id)).text).toBe('{"type": object}');

    const backreference = { type: 'object', properties: { code: { type: 'string', pattern: '(a)\\1' } } };
    const unenforceable = await browser.post(saveForm(hook.id), { kind: 'schema', text: JSON.stringify(backreference), step: 'check' });
    expect(unenforceable.status).toBe(400);
    expect(unenforceable.html).toContain('<code>/schema/properties/code/pattern</code>');
    expect(await schemaOf(project, hook.id)).toEqual(hook.schema);
  });

  it('Should offer the fix that accepts a refused kept request, and replaying the request then passes', async () => {
    const { project, hook, browser } = await chartWebhookWithWorkflow(WITH_STATUS);
    const deliveryId = `msg_${crypto.randomUUID()}`;
    const sent = await postSigned(hook.url, hook.secret, { ...CHART_SAMPLE, status: 3 }, { id: deliveryId });
    expect(sent.status).toBe(400);
    expect((await problemOf(sent)).errors).toEqual([{ path: '/status', message: 'Expected string but received number' }]);
    // The ingress keeps it a moment after its answer.
    const kept = await waitFor(async () => {
      const page = await api<Page<KeptRequestView>>(project.token, 'GET', `/v1/rejections?webhook_id=${hook.id}`);
      return page.body.data[0];
    }, 'the kept request');

    const view = await browser.get(`/webhooks/${hook.id}`);
    expect(visibleText(view.html)).toContain('Fix that would accept it: widen status to accept number too.');
    const offer = `/webhooks/${hook.id}/schema/fix?request=${kept.id}`;
    expect(view.html).toContain(`href="${offer}#schema-editor"`);

    const proposed = await browser.get(offer);
    expect(proposed.status).toBe(200);
    const words = visibleText(proposed.html);
    expect(words).toContain(`Proposed so that ${kept.id} is accepted: widen status to accept number too.`);
    // Checked at once: the chart workflow does not read `status`.
    expect(words).toContain('No dependent workflow breaks');
    const editorText = formFields(proposed.html, editor(hook.id));
    expect(editorText.fix_for).toBe(kept.id);
    const fields = formFields(proposed.html, saveForm(hook.id));
    expect(JSON.parse(fields.text ?? '')).toMatchObject({ properties: { status: { type: ['string', 'number'] } } });
    expect(await schemaOf(project, hook.id)).toEqual(hook.schema);

    const saved = await browser.post(saveForm(hook.id), fields);
    expect(saved.status).toBe(303);
    expect(visibleText((await browser.get(`/webhooks/${hook.id}`)).html)).toContain(`Replay ${kept.id} under Recent refusals`);

    const replayed = await browser.post(`/webhooks/${hook.id}/rejections/${kept.id}/replay`);
    expect(replayed.status).toBe(303);
    expect(visibleText((await browser.get(`/webhooks/${hook.id}`)).html)).toContain(`${kept.id} passes today’s checks: accepted as ${kept.event_id}`);
    const event = await dispatchedEvent(project.token, kept.event_id, 1);
    expect(event.delivery_id).toBe(deliveryId);
  });

  it('Should offer no fix for a request another webhook kept', async () => {
    const { project, hook, browser } = await chartWebhookWithWorkflow(WITH_STATUS);
    const other = await createWebhookViaApi(project.token, { name: 'Other', schema: WITH_STATUS });
    const sent = await postSigned(other.url, other.secret ?? '', { ...CHART_SAMPLE, status: 3 });
    expect(sent.status).toBe(400);
    const kept = await waitFor(async () => (await api<Page<KeptRequestView>>(project.token, 'GET', `/v1/rejections?webhook_id=${other.id}`)).body.data[0], 'the kept request');
    const page = await browser.get(`/webhooks/${hook.id}/schema/fix?request=${kept.id}`);
    expect(page.status).toBe(404);
    expect(page.html).not.toContain('Proposed so that');
  });
});
