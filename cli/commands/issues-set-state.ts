/**
 * `hasp issues ack|resolve|ignore <id>`: moves an issue on (PATCH /v1/issues/{id}). Which moves are
 * allowed is the API's rule: a refused one (409) exits 1 with the API's reason.
 */
import type { Command } from 'commander';
import type { SettableIssueState } from '../../shared/health/types';
import { leaf, type CliContext } from '../context';
import { colour, line, printJson } from '../output';
import { aboutIssue, causeLabel, issuePath, type IssueView } from './issues-text';

const VERBS: { name: string; state: SettableIssueState; description: string; done: string }[] = [
  { name: 'ack', state: 'acknowledged', description: 'Acknowledge an open issue: someone is on it (it stays listed until resolved)', done: 'Acknowledged' },
  { name: 'resolve', state: 'resolved', description: 'Resolve an issue: the sender is fixed (it re-opens by itself if the refusals come back)', done: 'Resolved' },
  { name: 'ignore', state: 'ignored', description: 'Ignore an issue: stop tracking this cause for this webhook (it never re-opens)', done: 'Ignored' },
];

export function registerIssuesSetState(issues: Command, ctx: CliContext): void {
  for (const verb of VERBS) {
    leaf(issues, `${verb.name} <id>`, verb.description).action(async (id: string, opts: { json?: boolean }) => {
      const issue = await aboutIssue(id, () => ctx.client().request<IssueView>('PATCH', issuePath(id), { state: verb.state }));
      if (opts.json) return printJson(issue);
      line(`${colour.green('✓')} ${verb.done} ${issue.id}: ${causeLabel(issue.cause)}, ${issue.count} so far.`);
    });
  }
}
