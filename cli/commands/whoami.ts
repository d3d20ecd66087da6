/** `hasp whoami`: which API and token the CLI uses, and whether the API accepts the token. */
import type { Command } from 'commander';
import { maskToken } from '../config';
import { CliError } from '../errors';
import { colour, fields, printJson } from '../output';
import { leaf, type CliContext } from '../context';
import type { WebhookView } from '../webhook-ref';

export function registerWhoami(program: Command, ctx: CliContext): void {
  leaf(program, 'whoami', 'Show the API URL and token in use, checked against the control API').action(async (opts: { json?: boolean }) => {
    const config = ctx.config();
    if (config.token === null) throw new CliError('Not logged in: no API token is configured.', 'Run `hasp login --token <project API token>`, or set HASP_API_TOKEN.');
    const page = await ctx.client().request<{ data: WebhookView[]; has_more: boolean }>('GET', '/v1/webhooks?limit=1');
    // The org host is in every webhook URL; a project without webhooks has none to show yet.
    const orgHost = page.data[0] === undefined ? null : new URL(page.data[0].url).origin;
    const view = { api_url: config.apiUrl, token: maskToken(config.token), token_source: config.tokenSource, config_file: config.file, org_host: orgHost };
    if (opts.json) return printJson(view);
    fields([
      ['API', config.apiUrl],
      ['Token', `${maskToken(config.token)} ${colour.dim(`(from ${config.tokenSource ?? '—'}) `)}${colour.green('valid')}`],
      ['Org host', orgHost ?? colour.dim('— (no webhooks yet)')],
      ['Config', config.file],
    ]);
  });
}
