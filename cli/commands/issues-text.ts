/**
 * How sender-health issues read in human output: shared by `hasp issues list`, `show`, `ack`,
 * `resolve` and `ignore`. Nothing printed is a payload value: an issue holds reasons, paths,
 * types, counts and times only. The CLI bundles only pure shared code (scripts/build-cli.mjs), so
 * the causes and states are named here, as records over the API's types: a cause or state added
 * there fails to compile here until it is named.
 */
import type { IssueCause, IssueState, IssueView } from '../../shared/console/components/issues/types';
import { CliError } from '../errors';
import { colour, fields, line, table } from '../output';
import { when } from './domains-text';

export type { IssueView };

/** Each cause in the console's words. */
export const CAUSE_LABELS: Readonly<Record<IssueCause, string>> = {
  authentication: 'Failing authentication',
  content: 'Payloads refused',
  'rate-limited': 'Over the rate limit',
  'ip-refused': 'Refused by the IP allowlist',
  silence: 'Sender gone silent',
};

const STATE_COLOURS: Readonly<Record<IssueState, (text: string) => string>> = {
  open: colour.red,
  acknowledged: colour.yellow,
  resolved: colour.green,
  ignored: colour.dim,
};

export const ISSUE_CAUSES = Object.keys(CAUSE_LABELS) as IssueCause[];
export const ISSUE_STATES = Object.keys(STATE_COLOURS) as IssueState[];

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The count with its unit: refused requests, or for silence the quiet hours. */
export function countText(issue: Pick<IssueView, 'cause' | 'count'>): string {
  return issue.cause === 'silence' ? plural(issue.count, 'quiet hour') : plural(issue.count, 'refused request');
}

export function causeLabel(cause: IssueCause): string {
  return CAUSE_LABELS[cause];
}

/** The path of one issue under /v1/issues. */
export function issuePath(id: string, action = ''): string {
  return `/v1/issues/${encodeURIComponent(id.trim())}${action}`;
}

export function stateText(state: IssueState): string {
  return STATE_COLOURS[state](state);
}

/** One row per issue: id, webhook (by slug when known), cause, state, count, last seen. */
export function issueRows(issues: readonly IssueView[], slugs: ReadonlyMap<string, string>, now = Date.now()): string[][] {
  return issues.map((i) => [i.id, slugs.get(i.webhook_id) ?? i.webhook_id, causeLabel(i.cause), stateText(i.state), String(i.count), when(i.last_seen_at, now)]);
}

export function printIssues(issues: readonly IssueView[], slugs: ReadonlyMap<string, string>, now = Date.now()): void {
  table(['ID', 'WEBHOOK', 'CAUSE', 'STATE', 'COUNT', 'LAST SEEN'], issueRows(issues, slugs, now));
}

/** The commands that change the issue from where it stands. */
function nextCommands(issue: IssueView): string[] {
  switch (issue.state) {
    case 'open':
      return [`hasp issues ack ${issue.id}`, `hasp issues resolve ${issue.id}`, `hasp issues ignore ${issue.id}`];
    case 'acknowledged':
      return [`hasp issues resolve ${issue.id}`, `hasp issues ignore ${issue.id}`];
    case 'resolved':
      return [`hasp issues ignore ${issue.id}`];
    case 'ignored':
      return [`hasp issues resolve ${issue.id}`];
  }
}

export function printIssue(issue: IssueView, webhook: { slug: string } | null, now = Date.now()): void {
  line(colour.bold(`${causeLabel(issue.cause)} on ${webhook?.slug ?? issue.webhook_id}`));
  line(issue.summary);
  line();
  fields([
    ['ID', issue.id],
    ['Webhook', webhook === null ? issue.webhook_id : `${webhook.slug} (${issue.webhook_id})`],
    ['Cause', issue.cause],
    ['State', stateText(issue.state)],
    ['Count', countText(issue)],
    ['First seen', when(issue.first_seen_at, now)],
    ['Last seen', when(issue.last_seen_at, now)],
    ['Opened', when(issue.opened_at, now)],
    ['Acknowledged', when(issue.acknowledged_at, now)],
    ['Resolved', when(issue.resolved_at, now)],
    ['Re-opened', plural(issue.reopen_count, 'time')],
    ...(issue.kept_requests === undefined || issue.kept_requests === null ? [] : [['Kept requests', String(issue.kept_requests)] as [string, string]]),
  ]);
  if (issue.top_paths.length > 0) {
    line();
    line(colour.bold('Failing paths'));
    table(['PATH', 'TYPE SENT', 'REFUSALS'], issue.top_paths.map((p) => [p.path === '' ? '(whole payload)' : p.path, p.type, String(p.count)]));
  }
  if (issue.samples.length > 0) {
    line();
    line(colour.bold('Sample refusals'));
    table(['WHEN', 'REASON', 'COUNT', 'PATHS'], issue.samples.map((s) => [s.at, s.reason, String(s.count), s.paths.join(' ') || colour.dim('—')]));
  }
  const next = nextCommands(issue);
  if (next.length > 0) {
    line();
    line(colour.dim(`Next: ${next.join('  |  ')}`));
  }
}

/** `err` as the CLI reports it for a request about issue `id`; anything but an API refusal is returned as it is. */
export function issueFailure(err: unknown, id: string): unknown {
  if (!(err instanceof CliError) || err.problem === null) return err;
  switch (err.problem.status) {
    case 404:
      return new CliError(`No issue ${id} in this project.`, 'List them with `hasp issues list --state all`.', err.problem);
    case 409:
      return new CliError(err.message, `See where it stands with \`hasp issues show ${id}\`.`, err.problem);
    default:
      return err;
  }
}

/** Runs `call`, reporting a refusal about issue `id` with its next step. */
export async function aboutIssue<T>(id: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw issueFailure(err, id);
  }
}
