/**
 * The console's Issues page and an issue's page: open and acknowledged issues first with their
 * webhook, cause in words, count and times; filters as a GET query; the open count beside
 * "Issues" in the navigation and as a badge that reads as words on the webhooks list; the buttons
 * that acknowledge, resolve and ignore an issue, each a 303 (post/redirect/get), with a refused
 * change shown from `?refused=` at the API's status. Nothing on these pages is a payload value.
 */
import { describe, expect, it } from 'vitest';
import type { IssueView } from '../../shared/console/components/issues/types';
import { api, createWebhookViaApi } from '../helpers/control-api';
import { openAuthenticationIssue } from '../helpers/console-issues';
import { signedIn, visibleText } from '../helpers/console';
import { follow, redirectTarget, submit } from '../helpers/console-prg';
import { CHART_SAMPLE, createProject } from '../helpers/fixtures';

async function setUp() {
  const project = await createProject();
  const labs = await createWebhookViaApi(project.token, { name: 'Lab results', sample_payload: CHART_SAMPLE });
  const quiet = await createWebhookViaApi(project.token, { name: 'Quiet feed', sample_payload: CHART_SAMPLE });
  const issue = await openAuthenticationIssue(project, labs.id);
  const browser = await signedIn(project.token);
  return { project, labs, quiet, issue, browser };
}

/** The text of the `<a>` in the site navigation that goes to `href`. */
function navLink(html: string, href: string): string {
  const nav = /<nav aria-label="Console">([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? '';
  return visibleText(new RegExp(`<a href="${href}"[^>]*>([\\s\\S]*?)</a>`).exec(nav)?.[1] ?? '');
}

async function stateOf(token: string, id: string): Promise<IssueView['state']> {
  return (await api<IssueView>(token, 'GET', `/v1/issues/${id}`)).body.state;
}

describe('console: the Issues page', () => {
  it('Should list an open issue with its webhook, cause in words, count and times, and count it in the navigation', async () => {
    const { labs, issue, browser } = await setUp();
    expect(issue.state).toBe('open');
    const page = await browser.get('/issues');
    expect(page.status).toBe(200);
    const text = visibleText(page.html);
    expect(text).toContain('Open and acknowledged');
    expect(text).toContain('Failing authentication');
    expect(text).toContain('Lab results');
    expect(text).toContain('20 refused requests');
    expect(text).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(page.html).toContain(`href="/issues/${issue.id}"`);
    expect(page.html).toContain(`href="/webhooks/${labs.id}"`);
    expect(navLink(page.html, '/issues')).toBe('Issues 1 open');
    // Every page carries the count, not only the Issues page.
    expect(navLink((await browser.get('/workflows')).html, '/issues')).toBe('Issues 1 open');
  });

  it('Should filter by state, cause and webhook from the query, and leave out values it does not offer', async () => {
    const { labs, quiet, issue, browser } = await setUp();
    const byWebhook = await browser.get(`/issues?webhook=${quiet.id}`);
    expect(visibleText(byWebhook.html)).toContain('No open issues match these filters.');
    expect(byWebhook.html).not.toContain(`href="/issues/${issue.id}"`);
    expect((await browser.get(`/issues?webhook=${labs.id}&cause=authentication`)).html).toContain(`href="/issues/${issue.id}"`);
    expect((await browser.get('/issues?cause=content')).html).not.toContain(`href="/issues/${issue.id}"`);
    const resolved = await browser.get('/issues?state=resolved');
    expect(visibleText(resolved.html)).toContain('Resolved issues');
    expect(visibleText(resolved.html)).toContain('No issues match these filters.');
    expect((await browser.get('/issues?state=open')).html).toContain(`href="/issues/${issue.id}"`);
    // The filter form keeps what was chosen.
    expect((await browser.get('/issues?state=open&cause=authentication')).html).toMatch(/<option value="authentication" selected="">/);
    const odd = await browser.get('/issues?state=everything&cause=%3Cscript%3E&webhook=nope');
    expect(odd.status).toBe(200);
    expect(odd.html).toContain(`href="/issues/${issue.id}"`);
    expect(odd.html).not.toContain('<script>');
  });

  it('Should show each webhook’s open issues as a badge in words on the webhooks list, linking to them', async () => {
    const { labs, quiet, browser } = await setUp();
    const list = await browser.get('/');
    expect(list.html).toContain(`<a class="badge bad" href="/issues?webhook=${labs.id}">1 open issue</a>`);
    const quietRow = list.html.slice(list.html.indexOf(`href="/webhooks/${quiet.id}"`));
    expect(visibleText(quietRow.slice(0, quietRow.indexOf('</tr>')))).toContain('None open');
    expect(visibleText(list.html)).toContain('Issues');
  });
});

describe('console: an issue’s page', () => {
  it('Should show the summary, timeline, samples and the next step, with the webhook named', async () => {
    const { labs, issue, browser } = await setUp();
    const page = await browser.get(`/issues/${issue.id}`);
    expect(page.status).toBe(200);
    const text = visibleText(page.html);
    expect(text).toContain('Failing authentication on Lab results');
    expect(text).toContain(issue.summary);
    expect(text).toContain('First refusal seen');
    expect(text).toContain('Opened');
    expect(text).toContain('Signature does not match the secret');
    expect(text).toContain('bad-signature');
    expect(text).toContain('Next step:');
    expect(page.html).toContain(`href="/webhooks/${labs.id}#auth"`);
    // Authentication issues keep no requests: nothing to replay.
    expect(page.html).not.toContain(`/issues/${issue.id}/replay`);
  });

  it('Should acknowledge, resolve and ignore with 303s, each shown once, and the count follow', async () => {
    const { project, issue, browser } = await setUp();
    const at = `/issues/${issue.id}`;
    await browser.get(at);

    const acknowledged = await browser.post(`${at}/acknowledge`);
    expect(redirectTarget(acknowledged)).toBe(at);
    const afterAck = await follow(browser, acknowledged);
    expect(visibleText(/<div class="flash notice"[^>]*>([^<]*)<\/div>/.exec(afterAck.html)?.[1] ?? '')).toMatch(/^Acknowledged/);
    expect(afterAck.html).not.toContain(`action="${at}/acknowledge"`);
    expect(afterAck.html).toContain('<span class="badge warn">Acknowledged</span>');
    expect(await stateOf(project.token, issue.id)).toBe('acknowledged');
    // Acknowledged still wants attention: it is counted and listed first.
    expect(navLink(afterAck.html, '/issues')).toBe('Issues 1 open');
    expect((await browser.get(at)).html).not.toContain('class="flash notice"');

    const resolved = await submit(browser, `${at}/resolve`);
    expect(resolved.path).toBe(at);
    expect(visibleText(resolved.html)).toContain('Resolved: it re-opens by itself');
    expect(await stateOf(project.token, issue.id)).toBe('resolved');
    expect(navLink(resolved.html, '/issues')).toBe('Issues');
    const list = visibleText((await browser.get('/issues')).html);
    expect(list).toContain('No open issues: every sender is being answered as expected.');
    expect(list).toContain('Recently resolved and ignored');

    const ignored = await submit(browser, `${at}/ignore`);
    expect(ignored.path).toBe(at);
    expect(await stateOf(project.token, issue.id)).toBe('ignored');
    expect(ignored.html).toContain('Stop ignoring (resolve)');
  });

  it('Should redirect a refused change to the page that says why, again on reload, for this session only', async () => {
    const { project, issue, browser } = await setUp();
    const at = `/issues/${issue.id}`;
    await submit(browser, `${at}/resolve`);
    // A tab left open on the issue while it was resolved still offers "Acknowledge".
    const answer = await browser.post(`${at}/acknowledge`);
    const target = redirectTarget(answer);
    expect(target).toMatch(new RegExp(`^${at}\\?refused=[A-Za-z0-9_-]{43}$`));
    for (let load = 0; load < 2; load++) {
      const page = await browser.get(target);
      expect(page.status).toBe(409);
      const text = visibleText(page.html);
      expect(text).toContain('Acknowledge the issue: refused');
      expect(text).toContain('Only an open issue can be acknowledged');
    }
    expect(await stateOf(project.token, issue.id)).toBe('resolved');
    const other = await signedIn(project.token);
    const elsewhere = await other.get(target);
    expect(elsewhere.status).toBe(200);
    expect(visibleText(elsewhere.html)).not.toContain('Acknowledge the issue: refused');
  });

  it('Should answer 404 for an issue that is not this project’s, and 303 for a POST about one that went', async () => {
    const { browser } = await setUp();
    const other = await createProject();
    const hook = await createWebhookViaApi(other.token, { name: 'Elsewhere', sample_payload: CHART_SAMPLE });
    const theirs = await openAuthenticationIssue(other, hook.id);
    expect((await browser.get(`/issues/${theirs.id}`)).status).toBe(404);
    expect((await browser.get('/issues/not-an-id')).status).toBe(404);
    const post = await browser.post(`/issues/${theirs.id}/acknowledge`);
    expect(redirectTarget(post)).toBe(`/issues/${theirs.id}`);
    expect(await stateOf(other.token, theirs.id)).toBe('open');
    expect((await browser.post('/issues/not-an-id/resolve')).status).toBe(404);
  });
});
