/** `hasp domains remove <hostname>`: removes it here and at Cloudflare; its webhook URLs stop answering. */
import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { CliError } from '../errors';
import { colour, isTTY, line, printJson } from '../output';
import { leaf, type CliContext } from '../context';
import { aboutDomain } from './domains-problems';
import { domainPath } from './domains-text';

async function confirmed(hostname: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(`Webhooks at https://${hostname}/ will answer 404 from now on. Type the hostname (${hostname}) to remove it: `)).trim().toLowerCase() === hostname;
  } finally {
    rl.close();
  }
}

export function registerDomainsRemove(domains: Command, ctx: CliContext): void {
  leaf(domains, 'remove <hostname>', 'Remove a custom hostname, at Cloudflare too; webhooks stop answering there')
    .option('-y, --yes', 'remove without asking')
    .action(async (given: string, opts: { yes?: boolean; json?: boolean }) => {
      const hostname = given.trim().toLowerCase();
      if (!opts.yes) {
        if (!isTTY || !process.stdin.isTTY) throw new CliError(`Refusing to remove ${hostname} without confirmation.`, 'Pass --yes to remove it without a prompt.');
        if (!(await confirmed(hostname))) throw new CliError('Not removed: the hostname did not match.');
      }
      await aboutDomain(hostname, () => ctx.client().request('DELETE', domainPath(hostname)));
      if (opts.json) return printJson({ hostname, removed: true });
      line(`${colour.green('✓')} Removed ${hostname}: webhooks are no longer served there. ${colour.dim('Its DNS records can go too.')}`);
    });
}
