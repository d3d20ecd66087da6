/**
 * Schema proposals in the webhook's resource view: the change in words, the evidence (paths,
 * types, counts — never a value), the workflows it would break, and Apply / Dismiss, each a 303.
 * Applying follows a schema PATCH's rules: a proposal that would break a workflow is refused (409)
 * and the page names the workflow from `?refused=`; applied, the issue's kept requests replay.
 */
import { describe, expect, it } from 'vitest';
import type { ProposalView } from '../../shared/console/components/issues/types';
import { api, createWorkflowViaApi, type Page } from '../helpers/control-api';
import { issueOf, REFUSED, refusedSender } from '../helpers/console-issues';
import { signedIn, visibleText } from '../helpers/console';
import { follow, redirectTarget, submit } from '../helpers/console-prg';
import { CHART_SCHEMA } from '../helpers/fixtures';
import { waitFor } from '../helpers/wait';

const PHI = `John Doe, DOB ${crypto.randomUUID().slice(0, 8)}`;

async function openProposal(token: string, webhookId: string): Promise<ProposalView> {
  return waitFor(async () => {
    const list = await api<Page<ProposalView>>(token, 'GET', `/v1/webhooks/${webhookId}/schema-proposals`);
    return list.body.data.find((p) => p.state === 'open');
  }, 'an open schema proposal');
}

describe('console: schema proposals on the webhook’s page', () => {
  it('Should show the change, its evidence and no breaks, and apply it with a 303 so the issue’s requests replay', async () => {
    const { project, hook } = await refusedSender(PHI);
    const proposal = await openProposal(project.token, hook.id);
    const browser = await signedIn(project.token);
    const view = `/webhooks/${hook.id}`;
    const page = await browser.get(view);
    const card = page.html.slice(page.html.indexOf(`<article class="proposal" id="${proposal.id}"`));
    const text = visibleText(card.slice(0, card.indexOf('</article>')));
    expect(text).toMatch(/\/updated_fields\s*: accept array or string, not only array/);
    expect(text).toMatch(/\/updated_fields sent as string: in \d+ refusals/);
    expect(text).toContain('No workflow breaks');
    expect(page.html).not.toContain(PHI);

    const applied = await browser.post(`${view}/proposals/${proposal.id}/apply`);
    expect(redirectTarget(applied)).toBe(view);
    const after = await follow(browser, applied);
    expect(visibleText(after.html)).toContain('Schema changed as proposed.');
    expect(after.html).not.toContain(`id="${proposal.id}"`);
    const schema = (await api<{ schema: { properties: Record<string, { type: unknown }> } }>(project.token, 'GET', `/v1/webhooks/${hook.id}`)).body.schema;
    expect(schema.properties.updated_fields?.type).toEqual(['array', 'string']);

    const issue = await issueOf(project, hook.id, 'content');
    const replayed = await submit(browser, `/issues/${issue.id}/replay`);
    expect(visibleText(replayed.html)).toContain(`${REFUSED} requests accepted, 0 still refused`);
  });

  it('Should name the workflow a proposal would break, and show the refused apply from ?refused=', async () => {
    const { project, hook } = await refusedSender(PHI);
    await createWorkflowViaApi(project.token, { name: 'Needs an array', input_schema: CHART_SCHEMA, triggers: [{ webhook_id: hook.id }] });
    const proposal = await openProposal(project.token, hook.id);
    expect(proposal.breaks.map((b) => b.name)).toEqual(['Needs an array']);
    const browser = await signedIn(project.token);
    const view = `/webhooks/${hook.id}`;
    const page = await browser.get(view);
    expect(visibleText(page.html)).toContain('It would break 1 workflow');
    expect(visibleText(page.html)).toContain('Needs an array would lose');

    const answer = await browser.post(`${view}/proposals/${proposal.id}/apply`);
    const target = redirectTarget(answer);
    expect(target).toMatch(new RegExp(`^${view}\\?refused=[A-Za-z0-9_-]{43}$`));
    const refused = await browser.get(target);
    expect(refused.status).toBe(409);
    expect(visibleText(refused.html)).toContain('Apply the proposed schema change: refused');
    expect(refused.html).toContain('Needs an array');
    expect((await api<{ schema: unknown }>(project.token, 'GET', `/v1/webhooks/${hook.id}`)).body.schema).toMatchObject(CHART_SCHEMA);
  });

  it('Should dismiss a proposal with a 303, and not show it again', async () => {
    const { project, hook } = await refusedSender(PHI);
    const proposal = await openProposal(project.token, hook.id);
    const browser = await signedIn(project.token);
    const view = `/webhooks/${hook.id}`;
    await browser.get(view);
    const dismissed = await submit(browser, `${view}/proposals/${proposal.id}/dismiss`);
    expect(dismissed.path).toBe(view);
    expect(visibleText(dismissed.html)).toContain('Proposal dismissed: the schema stays as it is.');
    expect(dismissed.html).not.toContain(`id="${proposal.id}"`);
    expect(visibleText(dismissed.html)).toContain('No schema change proposed');
    // Dismissed already: a second post (a stale tab) is a refusal shown on the page, not an error.
    const again = await submit(browser, `${view}/proposals/${proposal.id}/dismiss`);
    expect(again.path).toBe(view);
    const bogus = await browser.post(`${view}/proposals/not-a-proposal/apply`);
    expect(bogus.status).toBe(404);
  });
});
