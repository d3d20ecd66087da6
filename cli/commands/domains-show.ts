/** `hasp domains show <hostname>`: its state, Cloudflare's reasons, when it was checked, its DNS records. */
import type { Command } from 'commander';
import { printJson } from '../output';
import { leaf, type CliContext } from '../context';
import { aboutDomain } from './domains-problems';
import { domainPath, printDomain, type DomainView } from './domains-text';

export function registerDomainsShow(domains: Command, ctx: CliContext): void {
  leaf(domains, 'show <hostname>', 'Show a custom hostname: its state, the reasons Cloudflare gives, when it was checked, its DNS records')
    .addHelpText('after', '\nThis shows the state HASP last recorded; `hasp domains check <hostname>` asks Cloudflare now.')
    .action(async (hostname: string, opts: { json?: boolean }) => {
      const domain = await aboutDomain(hostname, () => ctx.client().request<DomainView>('GET', domainPath(hostname)));
      if (opts.json) return printJson(domain);
      printDomain(domain);
    });
}
