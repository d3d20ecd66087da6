/** `hasp domains add <hostname>`: creates the custom hostname and prints the DNS records to create. */
import type { Command } from 'commander';
import { colour, line, printJson } from '../output';
import { leaf, type CliContext } from '../context';
import { aboutDomain } from './domains-problems';
import { printDomain, type DomainView } from './domains-text';

export function registerDomainsAdd(domains: Command, ctx: CliContext): void {
  leaf(domains, 'add <hostname>', 'Add a custom hostname (enterprise orgs) and print the DNS records to create for it')
    .addHelpText(
      'after',
      '\nExample:\n  hasp domains add api.acme-health.com\n\nCreate the records it prints at your DNS provider; HASP checks them by itself, or now with\n`hasp domains check <hostname>`. Webhooks answer at https://<hostname>/webhooks/<slug> once it is active.\nAdding a hostname this project already has is safe: it prints the hostname as it is.',
    )
    .action(async (hostname: string, opts: { json?: boolean }) => {
      const added = await aboutDomain(hostname, () => ctx.client().request<DomainView>('POST', '/v1/domains', { hostname }));
      if (opts.json) return printJson(added);
      line(`${colour.green('✓')} Added ${colour.bold(added.hostname)}`);
      line();
      printDomain(added);
      if (added.status !== 'active') line(colour.dim(`\nOnce the records are in place: hasp domains check ${added.hostname}`));
    });
}
