/** `hasp issues list`: the project's sender-health issues; by default the open and acknowledged ones. */
import { Option, type Command } from 'commander';
import { leaf, type CliContext } from '../context';
import type { ApiClient } from '../http';
import { colour, line, printJson } from '../output';
import { resolveWebhook } from '../webhook-ref';
import { ISSUE_CAUSES, ISSUE_STATES, printIssues, type IssueView } from './issues-text';

interface ListOptions {
  webhook?: string;
  state?: IssueView['state'] | 'all';
  cause?: IssueView['cause'];
  json?: boolean;
}

/** `/v1/issues?…` for the filters; `state` undefined lists every state. */
export function issuesQuery(filter: { webhookId?: string | undefined; state?: string | undefined; cause?: string | undefined }): string {
  const query = new URLSearchParams();
  if (filter.webhookId !== undefined) query.set('webhook_id', filter.webhookId);
  if (filter.cause !== undefined) query.set('cause', filter.cause);
  if (filter.state !== undefined) query.set('state', filter.state);
  const text = query.toString();
  return text === '' ? '/v1/issues' : `/v1/issues?${text}`;
}

/** Every issue matching the filters: without a state, the open then the acknowledged ones; `all` for every state. */
async function matching(client: ApiClient, opts: ListOptions, webhookId: string | undefined): Promise<IssueView[]> {
  const base = { webhookId, cause: opts.cause };
  if (opts.state === 'all') return client.all<IssueView>(issuesQuery(base));
  if (opts.state !== undefined) return client.all<IssueView>(issuesQuery({ ...base, state: opts.state }));
  const [open, acknowledged] = await Promise.all([client.all<IssueView>(issuesQuery({ ...base, state: 'open' })), client.all<IssueView>(issuesQuery({ ...base, state: 'acknowledged' }))]);
  return [...open, ...acknowledged];
}

export function registerIssuesList(issues: Command, ctx: CliContext): void {
  leaf(issues, 'list', 'List sender-health issues: by default the open and acknowledged ones, newest activity first')
    .option('--webhook <webhook>', 'only this webhook’s issues (slug or id)')
    .addOption(new Option('--state <state>', 'only issues in this state, or every state').choices([...ISSUE_STATES, 'all']))
    .addOption(new Option('--cause <cause>', 'only issues of this cause').choices([...ISSUE_CAUSES]))
    .addHelpText('after', '\nExamples:\n  hasp issues list\n  hasp issues list --webhook ehr-chart-updated --state all\n  hasp issues list --cause authentication --json')
    .action(async (opts: ListOptions) => {
      const client = ctx.client();
      const webhook = opts.webhook === undefined ? null : await resolveWebhook(client, opts.webhook);
      const found = await matching(client, opts, webhook?.id);
      if (opts.json) return printJson(found);
      if (found.length === 0) {
        const what = opts.state === undefined ? 'No open issues' : opts.state === 'all' ? 'No issues' : `No ${opts.state} issues`;
        return line(colour.dim(`${what}${webhook === null ? '' : ` for ${webhook.slug}`}.${opts.state === undefined ? ' Every sender is being answered as expected.' : ''}`));
      }
      const slugs = webhook === null ? new Map((await client.all<{ id: string; slug: string }>('/v1/webhooks')).map((w) => [w.id, w.slug])) : new Map([[webhook.id, webhook.slug]]);
      printIssues(found, slugs);
      line(colour.dim('\nDetails: hasp issues show <id>'));
    });
}
