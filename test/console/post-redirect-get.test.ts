/**
 * Every console form on a webhook that changes something answers 303 to a page (post/redirect/get),
 * done or refused, so a reload never repeats it. A refusal survives the redirect as a sealed,
 * session-bound handoff named in `?refused=`: the page shows it, with the API's status, on every
 * reload until it expires, and no one else's session sees it.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { api, createWebhookViaApi, createWorkflowViaApi, dispatchedEvent, sendToWebhook, type WebhookBody } from '../helpers/control-api';
import { signedIn, visibleText, type ConsoleBrowser } from '../helpers/console';
import { follow, redirectTarget, submit } from '../helpers/console-prg';
import { CHART_SAMPLE, createProject, newStandardSecret, type TestProject } from '../helpers/fixtures';

async function setUp(): Promise<{ project: TestProject; hook: WebhookBody; browser: ConsoleBrowser }> {
  const project = await createProject();
  const hook = await createWebhookViaApi(project.token, { name: 'PRG hook', sample_payload: CHART_SAMPLE });
  const browser = await signedIn(project.token);
  await browser.get(`/webhooks/${hook.id}`);
  return { project, hook, browser };
}

async function webhook(project: TestProject, id: string): Promise<WebhookBody> {
  return (await api<WebhookBody>(project.token, 'GET', `/v1/webhooks/${id}`)).body;
}

describe('console: every form on a webhook answers with a redirect', () => {
  it('Should answer 303 to each action that is done, and show what was done once', async () => {
    const { project, hook, browser } = await setUp();
    const view = `/webhooks/${hook.id}`;
    const newSecret = newStandardSecret();
    const done: [string, Record<string, string>, RegExp][] = [
      [`${view}/enabled`, { enabled: 'false' }, /^Disabled/],
      [`${view}/enabled`, { enabled: 'true' }, /^Enabled/],
      [`${view}/controls`, { rate_limit: '10/10', ip_allowlist: '203.0.113.0/24' }, /^Saved: at most 10 requests per 10 seconds/],
      [`${view}/controls`, { rate_limit: '', ip_allowlist: '' }, /^Saved: no rate limit/],
      [`${view}/test-event`, { payload: '' }, /^Test event accepted as evt_/],
      [`${view}/rotate-secret`, { secret: newSecret, overlap_seconds: '3600' }, /^Secret rotated/],
    ];
    for (const [path, fields, said] of done) {
      const answer = await browser.post(path, fields);
      expect(redirectTarget(answer), path).toBe(view);
      const page = await follow(browser, answer);
      expect(visibleText(/<div class="flash notice"[^>]*>([^<]*)<\/div>/.exec(page.html)?.[1] ?? ''), path).toMatch(said);
      // The message is shown once: a reload is the page as it stands.
      expect((await browser.get(view)).html, path).not.toContain('class="flash notice"');
    }
    // Replays are forms too: done (an event) or refused (a request that is not kept), each a 303.
    const eventId = await sendToWebhook(hook, newSecret, CHART_SAMPLE);
    await dispatchedEvent(project.token, eventId);
    const replayed = await submit(browser, `${view}/events/${eventId}/replay`);
    expect(replayed.path).toBe(view);
    expect(visibleText(replayed.html)).toContain(`Replay of ${eventId} queued`);
    const notKept = await submit(browser, `${view}/rejections/req_00000000000000000000000000/replay`);
    expect(notKept.path).toMatch(/\?refused=/);
    expect(notKept.status).toBe(404);
    expect(visibleText(notKept.html)).toContain('Replay req_00000000000000000000000000: refused');
    const after = await webhook(project, hook.id);
    expect(after.enabled).toBe(true);
    expect(after.secrets).toHaveLength(2);

    const deleted = await browser.post(`${view}/delete`, { confirm: hook.slug });
    expect(redirectTarget(deleted)).toBe('/');
    expect((await api(project.token, 'GET', `/v1/webhooks/${hook.id}`)).status).toBe(404);
  });

  it('Should redirect a refused form to a page that shows why, again on reload, changing nothing', async () => {
    const { project, hook, browser } = await setUp();
    const answer = await browser.post(`/webhooks/${hook.id}/controls`, { rate_limit: '7/3', ip_allowlist: '10.0.0.0/8' });
    const target = redirectTarget(answer);
    expect(target).toMatch(new RegExp(`^/webhooks/${hook.id}\\?refused=[A-Za-z0-9_-]{43}$`));
    for (let load = 0; load < 2; load++) {
      const page = await browser.get(target);
      expect(page.status).toBe(400);
      const text = visibleText(page.html);
      expect(text).toContain('Save the rate limit and IP allowlist: refused');
      expect(text).toContain('/rate_limit/period_seconds');
    }
    const after = await webhook(project, hook.id);
    expect(after.rate_limit).toBeNull();
    expect(after.ip_allowlist).toEqual([]);
    // The refusal is this session's: another one sees the page as it stands.
    const other = await signedIn(project.token);
    const elsewhere = await other.get(target);
    expect(elsewhere.status).toBe(200);
    expect(visibleText(elsewhere.html)).not.toContain('Save the rate limit and IP allowlist: refused');
  });

  it('Should show the API’s refusal of a delete, naming the workflow that depends on it', async () => {
    const { project, hook, browser } = await setUp();
    await createWorkflowViaApi(project.token, { name: 'Needs the hook', triggers: [{ webhook_id: hook.id }] });
    const page = await submit(browser, `/webhooks/${hook.id}/delete`, { confirm: hook.slug });
    expect(page.status).toBe(409);
    expect(visibleText(page.html)).toContain('Delete the webhook: refused');
    expect(page.html).toContain('Needs the hook');
    const wrong = await submit(browser, `/webhooks/${hook.id}/delete`, { confirm: 'not-the-slug' });
    expect(wrong.status).toBe(400);
    expect(visibleText(wrong.html)).toContain(`Type the slug ${hook.slug} exactly.`);
    expect((await api(project.token, 'GET', `/v1/webhooks/${hook.id}`)).status).toBe(200);
  });

  it('Should not keep a typed secret when a rotation is refused', async () => {
    const { project, hook, browser } = await setUp();
    const typed = 'not-a-standard-secret!';
    const page = await submit(browser, `/webhooks/${hook.id}/rotate-secret`, { secret: typed, overlap_seconds: '3600' });
    expect(page.status).toBe(400);
    expect(visibleText(page.html)).toContain('Rotate the secret: refused');
    expect(page.html).toContain('<code>/secret</code>');
    expect(page.html).not.toContain(typed);
    const rows = await env.DB.prepare('SELECT sealed FROM console_handoffs').all<{ sealed: string | null }>();
    for (const row of rows.results) expect(row.sealed ?? '').not.toContain(typed);
    for (const value of browser.cookies.values()) expect(decodeURIComponent(value)).not.toContain(typed);
    expect((await webhook(project, hook.id)).secrets).toHaveLength(1);
  });

  it('Should redirect refused test events too', async () => {
    const { hook, browser } = await setUp();
    const testEvent = await submit(browser, `/webhooks/${hook.id}/test-event`, { payload: '{"patient_id": 7}' });
    expect(testEvent.path).toMatch(/\?refused=/);
    expect(visibleText(testEvent.html)).toContain('Send a test event: refused');
    expect(testEvent.html).toContain('/patient_id');
    const notJson = await submit(browser, `/webhooks/${hook.id}/test-event`, { payload: '{nope' });
    expect(notJson.status).toBe(400);
    expect(visibleText(notJson.html)).toContain('The payload is not valid JSON.');
  });

  it('Should show the page without the refusal once the refusal expired', async () => {
    const { hook, browser } = await setUp();
    const target = redirectTarget(await browser.post(`/webhooks/${hook.id}/controls`, { rate_limit: 'x', ip_allowlist: '' }));
    expect(visibleText((await browser.get(target)).html)).toContain('Pick a limit from the list.');
    await env.DB.prepare('UPDATE console_handoffs SET expires_at = ?').bind(Date.now() - 1).run();
    const page = await browser.get(target);
    expect(page.status).toBe(200);
    expect(visibleText(page.html)).not.toContain('Save the rate limit and IP allowlist: refused');
  });
});
