/** `hasp webhooks list`. */
import type { Command } from 'commander';
import { colour, line, printJson, table } from '../output';
import { leaf, type CliContext } from '../context';
import type { WebhookView } from '../webhook-ref';
import { authLabel } from './webhook-text';

export function registerWebhooksList(webhooks: Command, ctx: CliContext): void {
  leaf(webhooks, 'list', "List the project's webhooks, newest first").action(async (opts: { json?: boolean }) => {
    const all = await ctx.client().all<WebhookView>('/v1/webhooks');
    if (opts.json) return printJson(all);
    if (all.length === 0) return line(colour.dim('No webhooks yet. Create one: hasp webhooks create --describe "…"'));
    table(
      ['SLUG', 'ID', 'AUTH', 'DEPENDENTS', 'URL'],
      all.map((w) => [w.enabled ? colour.bold(w.slug) : colour.dim(`${w.slug} (disabled)`), w.id, authLabel(w), String(w.dependents.length), w.url]),
    );
  });
}
