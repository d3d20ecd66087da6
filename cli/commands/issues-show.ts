/** `hasp issues show <id>`: one issue with its timeline, failing paths and sample refusals. */
import type { Command } from 'commander';
import { leaf, type CliContext } from '../context';
import { printJson } from '../output';
import type { WebhookView } from '../webhook-ref';
import { aboutIssue, issuePath, printIssue, type IssueView } from './issues-text';

export function registerIssuesShow(issues: Command, ctx: CliContext): void {
  leaf(issues, 'show <id>', 'Show an issue: what happened, when, the failing paths and sample refusals (never a payload value)').action(async (id: string, opts: { json?: boolean }) => {
    const client = ctx.client();
    const issue = await aboutIssue(id, () => client.request<IssueView>('GET', issuePath(id)));
    if (opts.json) return printJson(issue);
    // The webhook by slug when it can be read; the issue is shown either way.
    const webhook = await client.request<WebhookView>('GET', `/v1/webhooks/${encodeURIComponent(issue.webhook_id)}`).catch(() => null);
    printIssue(issue, webhook);
  });
}
