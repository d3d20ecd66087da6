/**
 * `hasp webhooks drift <webhook>`: the schema changes HASP proposes from what the sender actually
 * sends (new fields, refusals concentrated on one path and type), each with its diff, its
 * evidence and the workflows it would break; `--apply` and `--dismiss` act on one.
 */
import type { Command } from 'commander';
import type { AppliedProposal, ProposalChange, SchemaProposalView } from '../../shared/health/proposals';
import type { JsonSchema } from '../../shared/schema/json-schema';
import { CliError } from '../errors';
import { colour, fields, line, printJson, table } from '../output';
import { leaf, type CliContext } from '../context';
import { resolveWebhook, type WebhookView } from '../webhook-ref';

const PROPOSAL_ID = /^prp_[0-9a-z]+$/;

function typesText(schema: JsonSchema): string {
  const types = schema.type === undefined ? ['any type'] : Array.isArray(schema.type) ? schema.type : [schema.type];
  const names = Object.keys(schema.properties ?? {});
  return `${types.join(' or ')}${names.length === 0 ? '' : ` with ${names.join(', ')}`}`;
}

/** One change in words: `+ /priority  add optional property: string`. */
export function changeText(change: ProposalChange): [string, string, string] {
  switch (change.op) {
    case 'add-property':
      return [colour.green('+'), change.path, `add optional property: ${typesText(change.to)}`];
    case 'widen-type':
      return [colour.yellow('~'), change.path, `accept ${change.to.join(' or ')} (was ${change.from.join(' or ')})${change.dropped === undefined ? '' : `, dropping its ${change.dropped.join(' and ')}`}`];
    case 'make-optional':
      return [colour.yellow('?'), change.path, 'make optional (was required)'];
  }
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** A proposal as a person reads it: what changes, on what evidence, and what it would break. */
export function printProposal(proposal: SchemaProposalView): void {
  const w = proposal.window;
  fields([
    ['Proposal', `${proposal.id}  ${proposal.state === 'open' ? colour.green('open') : colour.dim(proposal.state)}`],
    ['Updated', proposal.updated_at],
    ['Evidence', `last ${w.hours} h: ${w.events_summarised} of ${w.events_seen} accepted events summarised, ${w.refusals} content refusals`],
  ]);
  line();
  line(colour.bold('Changes'));
  table(['', 'PATH', 'CHANGE'], proposal.diff.map(changeText));
  line();
  line(colour.bold('Evidence'));
  table(
    ['PATH', 'TYPE', 'FROM', 'COUNT', 'SHARE', 'FIRST SEEN', 'LAST SEEN'],
    proposal.evidence.map((e) => [e.path, e.type, e.source === 'accepted' ? 'accepted events' : 'refusals', String(e.count), percent(e.share), e.first_seen_at, e.last_seen_at]),
  );
  line();
  if (proposal.state !== 'open') return;
  if (proposal.breaks.length === 0) {
    line(colour.dim('Breaks no workflow: applying it keeps every dependent’s trigger contract.'));
    return;
  }
  line(colour.red(`Would break ${proposal.breaks.length} workflow(s):`));
  for (const broken of proposal.breaks) {
    line(`  ${broken.id}  ${broken.name}`);
    for (const u of broken.unmet) line(`    ${u.field === '' ? '' : `${u.field}: `}${u.reason}`);
  }
}

function proposalPath(webhook: WebhookView, id = '', action = ''): string {
  return `/v1/webhooks/${webhook.id}/schema-proposals${id === '' ? '' : `/${encodeURIComponent(id)}`}${action}`;
}

function checkedId(id: string, flag: string): string {
  if (!PROPOSAL_ID.test(id)) throw new CliError(`"${id}" is not a schema proposal id (prp_…).`, `Give ${flag} the id \`hasp webhooks drift <webhook>\` lists.`, null, 2);
  return id;
}

async function apply(ctx: CliContext, webhook: WebhookView, id: string, json: boolean): Promise<void> {
  let applied: AppliedProposal<WebhookView>;
  try {
    applied = await ctx.client().request<AppliedProposal<WebhookView>>('POST', proposalPath(webhook, id, '/apply'));
  } catch (err) {
    if (err instanceof CliError && err.problem?.status === 409 && Array.isArray(err.problem.workflows)) {
      throw new CliError(err.message, 'Change or detach those workflows’ triggers first, or dismiss the proposal with --dismiss.', err.problem);
    }
    throw err;
  }
  if (json) return printJson(applied);
  line(`${colour.green('✓')} Applied ${applied.proposal.id} to ${colour.bold(webhook.slug)}: the edge enforces the new schema from now on.`);
  table(['', 'PATH', 'CHANGE'], applied.proposal.diff.map(changeText));
  line(colour.dim('Refused requests the new schema accepts can be replayed: hasp events replay req_…'));
}

async function dismiss(ctx: CliContext, webhook: WebhookView, id: string, json: boolean): Promise<void> {
  const dismissed = await ctx.client().request<SchemaProposalView>('POST', proposalPath(webhook, id, '/dismiss'));
  if (json) return printJson(dismissed);
  line(`${colour.green('✓')} Dismissed ${dismissed.id}: these changes will not be proposed again for ${colour.bold(webhook.slug)}.`);
}

export function registerWebhooksDrift(webhooks: Command, ctx: CliContext): void {
  leaf(webhooks, 'drift <webhook>', 'Show the schema changes proposed from what the sender sends, and apply or dismiss one')
    .option('--apply <proposal>', 'apply a proposal (prp_…): the same rules as changing the schema, so it is refused if it would break a workflow')
    .option('--dismiss <proposal>', 'dismiss a proposal (prp_…): its changes are not proposed again')
    .option('--all', 'list applied, dismissed and superseded proposals too')
    .addHelpText('after', '\nHASP proposes a change when accepted events carry a field the schema does not declare (10 % of events, or 50, within 24 hours),\nor content refusals concentrate on one path with one new type. Exit code 0 when there is nothing to do, too.')
    .action(async (ref: string, opts: { apply?: string; dismiss?: string; all?: boolean; json?: boolean }) => {
      if (opts.apply !== undefined && opts.dismiss !== undefined) throw new CliError('Give --apply or --dismiss, not both.', null, null, 2);
      const applyId = opts.apply === undefined ? undefined : checkedId(opts.apply, '--apply');
      const dismissId = opts.dismiss === undefined ? undefined : checkedId(opts.dismiss, '--dismiss');
      const webhook = await resolveWebhook(ctx.client(), ref);
      if (applyId !== undefined) return apply(ctx, webhook, applyId, opts.json === true);
      if (dismissId !== undefined) return dismiss(ctx, webhook, dismissId, opts.json === true);

      const proposals = await ctx.client().all<SchemaProposalView>(proposalPath(webhook, '', opts.all ? '?state=all' : ''));
      if (opts.json) return printJson(proposals);
      if (proposals.length === 0) {
        line(colour.dim(`No ${opts.all ? '' : 'open '}schema proposals for ${webhook.slug}: what it receives matches its schema.`));
        return;
      }
      proposals.forEach((proposal, i) => {
        if (i > 0) line();
        printProposal(proposal);
        if (proposal.state === 'open') line(colour.dim(`Apply: hasp webhooks drift ${webhook.slug} --apply ${proposal.id}    Dismiss: --dismiss ${proposal.id}`));
      });
    });
}
