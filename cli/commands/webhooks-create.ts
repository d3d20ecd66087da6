/**
 * `hasp webhooks create (--name … | --describe "…")`: the secret is displayed once, here. With
 * `--describe … --dry-run` it shows the draft (and the other slugs that would fit) and creates nothing.
 */
import type { Command } from 'commander';
import { CliError } from '../errors';
import { colour, line, printJson } from '../output';
import { leaf, type CliContext } from '../context';
import { authSpec, parseJsonText, readFile } from './input';
import { printSecretOnce, printWebhook } from './webhook-text';
import type { CreatedWebhook, WebhookDraft } from '../../shared/control/responses';
import { printDraft } from './draft-text';

interface CreateOptions {
  name?: string;
  describe?: string;
  slug?: string;
  sample?: string;
  auth?: string;
  secret?: string;
  dryRun?: boolean;
  json?: boolean;
}

/** The shell-quoted text, for the command a person copies next. */
function quoted(text: string): string {
  return `"${text.replace(/(["\\$`])/g, '\\$1')}"`;
}


export function registerWebhooksCreate(webhooks: Command, ctx: CliContext): void {
  leaf(webhooks, 'create', 'Create a webhook by name, or from a description of what the sender sends')
    .option('--name <name>', 'the webhook name')
    .option('--describe <text>', 'describe the sender and its events; HASP drafts name, slug, auth and schema')
    .option('--slug <slug>', 'the URL slug (default: derived from the name)')
    .option('--sample <file.json>', 'a sample payload; the schema is inferred from it')
    .option('--auth <spec>', 'a preset (stripe, github, …), hmac, header[:X-Name], bearer, none, or the auth object as JSON')
    .option('--secret <secret>', 'the secret your sender issued (Stripe, GitHub, …); otherwise one is generated when the scheme allows')
    .option('--dry-run', 'with --describe: show the draft (name, slug and alternative slugs, auth, schema, notes) and create nothing')
    .addHelpText('after', '\nExamples:\n  hasp webhooks create --describe "Stripe sends invoice.paid with customer id and amount"\n  hasp webhooks create --name "Chart updated" --sample chart.json\n  hasp webhooks create --name GitHub --auth github --secret "$GITHUB_WEBHOOK_SECRET"')
    .action(async (opts: CreateOptions) => {
      if (opts.name === undefined && opts.describe === undefined) {
        throw new CliError('Give --name or --describe.', 'e.g. hasp webhooks create --describe "Our EHR sends chart.updated with patient_id"');
      }
      if (opts.dryRun) {
        if (opts.describe === undefined) throw new CliError('--dry-run shows what --describe would create: give --describe.', 'e.g. hasp webhooks create --describe "Our EHR sends chart.updated with patient_id" --dry-run', null, 2);
        const request: Record<string, unknown> = { description: opts.describe };
        if (opts.sample !== undefined) request.sample_payload = parseJsonText(readFile(opts.sample), opts.sample);
        const draft = await ctx.client().request<WebhookDraft>('POST', '/v1/webhooks/draft', request);
        if (opts.json) return printJson(draft);
        line(`Draft ${colour.bold(draft.slug)} ${colour.dim('(nothing created)')}`);
        line();
        printDraft(draft);
        const pick = draft.alternatives[0] === undefined ? '' : ` (or pick another slug: --slug ${draft.alternatives[0]})`;
        line(colour.dim(`\nCreate it: hasp webhooks create --describe ${quoted(opts.describe)}${pick}`));
        return;
      }
      const body: Record<string, unknown> = {};
      if (opts.name !== undefined) body.name = opts.name;
      if (opts.describe !== undefined) body.description = opts.describe;
      if (opts.slug !== undefined) body.slug = opts.slug;
      if (opts.sample !== undefined) body.sample_payload = parseJsonText(readFile(opts.sample), opts.sample);
      if (opts.auth !== undefined) body.auth = authSpec(opts.auth);
      if (opts.secret !== undefined) body.secret = opts.secret;
      const created = await ctx.client().request<CreatedWebhook>('POST', '/v1/webhooks', body);
      if (opts.json) return printJson(created);
      line(`${colour.green('✓')} Created ${colour.bold(created.slug)}`);
      line();
      printWebhook(created);
      for (const note of created.notes ?? []) line(colour.dim(`note: ${note}`));
      if (created.secret !== undefined) printSecretOnce(created.secret);
      if (created.next_step !== undefined) line(`\n${colour.yellow('Next:')} ${created.next_step}\n${colour.dim(`  hasp webhooks rotate-secret ${created.slug} --secret <the sender's secret> --overlap 0`)}`);
      line(colour.dim(`\nSend a signed test event: hasp send ${created.slug}`));
    });
}
