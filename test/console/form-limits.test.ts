/**
 * Console forms have byte limits, answered 413 before the form is parsed: 64 KiB for a form of a
 * few fields, more for the forms that carry a schema or a sample (url-encoding inflates JSON).
 */
import { describe, expect, it } from 'vitest';
import { allPages, api, createWebhookViaApi, type WebhookBody } from '../helpers/control-api';
import { ConsoleBrowser, signedIn, visibleText } from '../helpers/console';
import { follow } from '../helpers/console-prg';
import { CHART_SCHEMA, createProject, type TestProject } from '../helpers/fixtures';

/** The console's limits, as the README lists them. */
const FORM_LIMIT = 64 * 1024;
const JSON_FORM_LIMIT = 3 * 512 * 1024;

const NEW_HOOK = { name: 'Chart updated', slug: 'chart-updated', description: '', auth_choice: 'hmac', draft_auth: '', auth_header: '', schema: '', sample_payload: '' };

async function webhooksOf(project: TestProject): Promise<WebhookBody[]> {
  return (await allPages<WebhookBody>(project.token, '/v1/webhooks', 100)).flatMap((p) => p.data);
}

describe('console form limits', () => {
  it('Should refuse a settings form over 64 KiB with 413, stating the limit and changing nothing', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'Stays enabled' });
    const browser = await signedIn(project.token);
    const answer = await browser.post(`/webhooks/${hook.id}/enabled`, { enabled: 'false', pad: 'x'.repeat(FORM_LIMIT) });
    expect(answer.status).toBe(413);
    expect(visibleText(answer.html)).toContain(`${FORM_LIMIT} bytes`);
    expect(answer.html).toContain('Nothing was changed');
    const after = await api<WebhookBody>(project.token, 'GET', `/v1/webhooks/${hook.id}`);
    expect(after.body.enabled).toBe(true);
  });

  it('Should refuse a create form over its limit with 413 and create nothing', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    for (const size of [JSON_FORM_LIMIT, 8 * 1024 * 1024]) {
      const answer = await browser.post('/webhooks', { ...NEW_HOOK, sample_payload: JSON.stringify({ pad: 'x'.repeat(size) }) });
      expect(answer.status).toBe(413);
      expect(visibleText(answer.html)).toContain(`${JSON_FORM_LIMIT} bytes`);
    }
    expect(await webhooksOf(project)).toEqual([]);
  });

  it('Should still create from a form that carries a schema larger than 64 KiB', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    const properties: Record<string, unknown> = { ...CHART_SCHEMA.properties };
    for (let i = 0; properties && JSON.stringify(properties).length < 100 * 1024; i++) properties[`field_${i}`] = { type: 'string', description: 'A field the sender may add.' };
    const schema = JSON.stringify({ ...CHART_SCHEMA, properties }, null, 2);
    const answer = await browser.post('/webhooks', { ...NEW_HOOK, schema });
    expect(answer.status).toBe(303);
    expect((await webhooksOf(project)).map((h) => h.slug)).toEqual(['chart-updated']);
  });

  it('Should refuse an oversized sign-in form with 413', async () => {
    const browser = new ConsoleBrowser();
    await browser.get('/sign-in');
    const answer = await browser.post('/sign-in', { token: 'x'.repeat(FORM_LIMIT + 1) });
    expect(answer.status).toBe(413);
    expect(visibleText(answer.html)).toContain(`${FORM_LIMIT} bytes`);
  });

  it('Should show the API’s message when a name holds a right-to-left override', async () => {
    const project = await createProject();
    const browser = await signedIn(project.token);
    // Refused forms answer 303 too (a reload never re-posts): the review page it names shows why.
    const answer = await follow(browser, await browser.post('/webhooks', { ...NEW_HOOK, name: 'x\u202Egnp.exe' }));
    expect(answer.status).toBe(400);
    const text = visibleText(answer.html);
    expect(text).toContain('/name');
    expect(text).toContain('U+202E');
    expect(await webhooksOf(project)).toEqual([]);
  });
});
