/** `hasp domains list`: the project's custom hostnames with their state in words. */
import type { Command } from 'commander';
import { colour, line, printJson, table } from '../output';
import { leaf, type CliContext } from '../context';
import { statusLabel, when, type DomainView } from './domains-text';

export function registerDomainsList(domains: Command, ctx: CliContext): void {
  leaf(domains, 'list', "List the project's custom hostnames with their state").action(async (opts: { json?: boolean }) => {
    // Not paged: a project has a handful of hostnames, so the API answers them all at once.
    const { data } = await ctx.client().request<{ data: DomainView[] }>('GET', '/v1/domains');
    if (opts.json) return printJson(data);
    if (data.length === 0) return line(colour.dim('No custom hostnames yet. Add one: hasp domains add api.example.com'));
    table(
      ['HOSTNAME', 'STATUS', 'LAST CHECKED', 'STATE'],
      data.map((d) => [colour.bold(d.hostname), statusLabel(d.status), when(d.checked_at), d.status_text]),
    );
    if (data.some((d) => d.status !== 'active')) line(colour.dim('\nThe DNS records to create: hasp domains show <hostname>'));
  });
}
