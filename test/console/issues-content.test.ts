/**
 * A content issue in the console: the paths payloads fail at with the types sent there, the kept
 * requests to replay once the schema is fixed ("Replay these N requests", a 303 to the issue's page
 * with what the replay did), and never a payload value, though the refused payloads carried one.
 * The webhook's page lists its open issues, each linking to its page.
 */
import { describe, expect, it } from 'vitest';
import { api } from '../helpers/control-api';
import { issueOf, REFUSED, refusedSender } from '../helpers/console-issues';
import { signedIn, visibleText } from '../helpers/console';
import { submit } from '../helpers/console-prg';

/** A value a refused payload carries, which no page may show. */
const PHI = `Jane Roe, MRN ${crypto.randomUUID().slice(0, 8)}`;

describe('console: a content issue', () => {
  it('Should name the failing path and the type sent, offer the replay and the schema editor, and never show the value', async () => {
    const { project, hook } = await refusedSender(PHI);
    const issue = await issueOf(project, hook.id, 'content');
    expect(issue.kept_requests).toBe(REFUSED);
    const browser = await signedIn(project.token);
    const page = await browser.get(`/issues/${issue.id}`);
    expect(page.status).toBe(200);
    const text = visibleText(page.html);
    expect(text).toContain('Payloads refused on Chart updates');
    expect(text).toContain('/updated_fields');
    expect(text).toMatch(/\/updated_fields string \d+/);
    expect(text).toContain(`Replay these ${REFUSED} requests`);
    expect(page.html).toContain(`action="/issues/${issue.id}/replay"`);
    expect(page.html).toContain(`href="/webhooks/${hook.id}#schema"`);
    for (const path of ['/issues', `/issues/${issue.id}`, `/webhooks/${hook.id}`, '/']) {
      const html = (await browser.get(path)).html;
      expect(html, path).not.toContain(PHI);
      expect(html, path).not.toContain(PHI.replace(/,/g, '&#44;'));
    }
  });

  it('Should replay the kept requests once the schema accepts them, with a 303 to what the replay did', async () => {
    const { project, hook } = await refusedSender(PHI);
    const issue = await issueOf(project, hook.id, 'content');
    const browser = await signedIn(project.token);
    await browser.get(`/issues/${issue.id}`);

    // Before the fix: every one is still refused, and they stay kept.
    const early = await submit(browser, `/issues/${issue.id}/replay`);
    expect(early.path).toMatch(new RegExp(`^/issues/${issue.id}\\?replayed=[A-Za-z0-9_-]{43}$`));
    expect(visibleText(early.html)).toContain(`0 requests accepted, ${REFUSED} still refused`);
    expect(early.html).toContain(`/webhooks/${hook.id}/schema/fix?request=req_`);
    expect(early.html).not.toContain(PHI);

    const schema = { type: 'object', properties: { patient_id: { type: 'string' }, event: { type: 'string' }, updated_fields: { type: ['array', 'string'] } }, required: ['patient_id', 'event'] };
    expect((await api(project.token, 'PATCH', `/v1/webhooks/${hook.id}`, { schema })).status).toBe(200);
    const replayed = await submit(browser, `/issues/${issue.id}/replay`);
    expect(visibleText(replayed.html)).toContain(`${REFUSED} requests accepted, 0 still refused`);
    expect(replayed.html).toContain(`href="/webhooks/${hook.id}#events"`);
    // A reload shows the same result and replays nothing again.
    expect(visibleText((await browser.get(replayed.path)).html)).toContain(`${REFUSED} requests accepted`);
    const after = await browser.get(`/issues/${issue.id}`);
    expect(visibleText(after.html)).toContain('No refused requests wait for a replay');
    expect(after.html).not.toContain(`action="/issues/${issue.id}/replay"`);
  });

  it('Should list the webhook’s open issues on its page, each linking to its own', async () => {
    const { project, hook } = await refusedSender(PHI);
    const issue = await issueOf(project, hook.id, 'content');
    const browser = await signedIn(project.token);
    const page = await browser.get(`/webhooks/${hook.id}`);
    expect(page.status).toBe(200);
    const text = visibleText(page.html);
    expect(text).toContain('Sender health');
    expect(text).toContain('Payloads refused');
    expect(page.html).toContain(`href="/issues/${issue.id}"`);
    expect(page.html).toContain('<a class="badge bad" href="#health">1 open issue</a>');
    expect(text).toContain('Proposed schema changes');
  });
});
