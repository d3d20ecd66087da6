/** `hasp domains check <hostname>`: asks Cloudflare now (POST …/verify) instead of waiting for HASP's own check. */
import type { Command } from 'commander';
import { printJson } from '../output';
import { leaf, type CliContext } from '../context';
import { aboutDomain } from './domains-problems';
import { domainPath, printDomain, type DomainView } from './domains-text';

export function registerDomainsCheck(domains: Command, ctx: CliContext): void {
  leaf(domains, 'check <hostname>', 'Check a custom hostname at Cloudflare now and show its state')
    .addHelpText('after', '\nHASP re-checks pending hostnames by itself; this checks one now, e.g. right after creating its DNS records.\nExit code 0 when the check ran, whatever the state; with --json, read `status`.')
    .action(async (hostname: string, opts: { json?: boolean }) => {
      const domain = await aboutDomain(hostname, () => ctx.client().request<DomainView>('POST', domainPath(hostname, '/verify')));
      if (opts.json) return printJson(domain);
      printDomain(domain);
    });
}
