/** `hasp webhooks show <slug|id>`: the webhook with its dependents. */
import type { Command } from 'commander';
import { printJson } from '../output';
import { leaf, type CliContext } from '../context';
import { resolveWebhook } from '../webhook-ref';
import { printWebhook } from './webhook-text';

export function registerWebhooksShow(webhooks: Command, ctx: CliContext): void {
  leaf(webhooks, 'show <webhook>', 'Show a webhook (by slug or id) with the workflows that depend on it').action(async (ref: string, opts: { json?: boolean }) => {
    const webhook = await resolveWebhook(ctx.client(), ref);
    if (opts.json) return printJson(webhook);
    printWebhook(webhook);
  });
}
