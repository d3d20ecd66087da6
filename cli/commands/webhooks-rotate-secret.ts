/** `hasp webhooks rotate-secret <slug|id>`: the new secret is displayed once, here. */
import type { Command } from 'commander';
import { colour, line, printJson } from '../output';
import { leaf, type CliContext } from '../context';
import { wholeNumber } from '../options';
import { resolveWebhook } from '../webhook-ref';
import { printSecretOnce } from './webhook-text';
import type { RotatedSecret } from '../../shared/control/responses';

export function registerWebhooksRotateSecret(webhooks: Command, ctx: CliContext): void {
  leaf(webhooks, 'rotate-secret <webhook>', 'Give a webhook a new secret; the old ones keep verifying for the overlap')
    .option('--secret <secret>', "the sender's new secret (for senders that issue it); otherwise one is generated")
    // The upper bound is the API's (7 days), which answers a larger value with its own message.
    .option('--overlap <seconds>', 'how long the old secrets keep verifying, in seconds (default 86400; 0 stops them now)', wholeNumber('seconds', 0))
    .action(async (ref: string, opts: { secret?: string; overlap?: number; json?: boolean }) => {
      const client = ctx.client();
      const webhook = await resolveWebhook(client, ref);
      const body: Record<string, unknown> = {};
      if (opts.secret !== undefined) body.secret = opts.secret;
      if (opts.overlap !== undefined) body.overlap_seconds = opts.overlap;
      const rotated = await client.request<RotatedSecret>('POST', `/v1/webhooks/${webhook.id}/rotate-secret`, body);
      if (opts.json) return printJson(rotated);
      line(`${colour.green('✓')} New secret ${rotated.secret_id} for ${colour.bold(webhook.slug)}`);
      line(rotated.previous_secrets_expire_at === null ? colour.dim('Older secrets stopped verifying now.') : colour.dim(`Older secrets verify until ${rotated.previous_secrets_expire_at}.`));
      if (rotated.secret !== undefined) printSecretOnce(rotated.secret);
    });
}
