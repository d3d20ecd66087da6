/** `hasp webhooks delete <slug|id>`: refused (with the dependents listed) while workflows use it. */
import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { CliError } from '../errors';
import { colour, isTTY, line, printJson } from '../output';
import { leaf, type CliContext } from '../context';
import { resolveWebhook } from '../webhook-ref';

async function confirmed(slug: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(`Its URL will answer 404 from now on. Type the slug (${slug}) to delete it: `)).trim() === slug;
  } finally {
    rl.close();
  }
}

export function registerWebhooksDelete(webhooks: Command, ctx: CliContext): void {
  leaf(webhooks, 'delete <webhook>', 'Delete a webhook no workflow depends on')
    .option('-y, --yes', 'delete without asking')
    .action(async (ref: string, opts: { yes?: boolean; json?: boolean }) => {
      const client = ctx.client();
      const webhook = await resolveWebhook(client, ref);
      if (!opts.yes) {
        if (!isTTY || !process.stdin.isTTY) throw new CliError(`Refusing to delete ${webhook.slug} without confirmation.`, 'Pass --yes to delete without a prompt.');
        if (!(await confirmed(webhook.slug))) throw new CliError('Not deleted: the slug did not match.');
      }
      await client.request('DELETE', `/v1/webhooks/${webhook.id}`);
      if (opts.json) return printJson({ id: webhook.id, slug: webhook.slug, deleted: true });
      line(`${colour.green('✓')} Deleted ${webhook.slug} (${webhook.id}).`);
    });
}
