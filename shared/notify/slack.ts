/**
 * The message a Slack channel receives (an incoming webhook's `{ text, blocks }`): what happened to
 * which webhook, the issue's summary, counts and times, the failing paths of a content issue, and a
 * link to the issue in the console. Built from the notice alone (plus the webhook's name), so it
 * holds no payload value and no secret. Text from the issue is escaped for Slack's mrkdwn: a path
 * or a name cannot turn into a link or a mention.
 */
import type { IssueCause, IssueNotice, IssueTransition } from '../health/types';

export interface SlackText {
  type: 'mrkdwn' | 'plain_text';
  text: string;
}

export type SlackBlock =
  | { type: 'header'; text: SlackText }
  | { type: 'section'; text: SlackText; fields?: SlackText[] }
  | { type: 'context'; elements: SlackText[] };

export interface SlackMessage {
  /** The notification's one line (Slack shows it where blocks cannot be shown). */
  text: string;
  blocks: SlackBlock[];
}

export interface SlackContext {
  /** `https://console.{RUNTIME_DOMAIN}`. */
  consoleOrigin: string;
  /** The webhook's name and slug; null when it is gone. */
  webhook: { name: string; slug: string } | null;
  test?: boolean;
}

const CAUSES: Record<IssueCause, string> = {
  authentication: 'Authentication failures',
  content: 'Content refusals',
  'rate-limited': 'Rate-limited requests',
  'ip-refused': 'Requests from outside the IP allowlist',
  silence: 'Silence',
};

const TRANSITIONS: Record<IssueTransition, string> = {
  opened: 'Issue opened',
  reopened: 'Issue re-opened',
  resolved: 'Issue resolved',
};

/** Slack's limits: a header's text, a section's text. */
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const PATHS_SHOWN = 5;

/** The console's origin for a deployment (the host shared/ingress/host.ts routes to the console). */
export function consoleOrigin(env: Pick<Env, 'RUNTIME_DOMAIN'>): string {
  return `https://console.${env.RUNTIME_DOMAIN}`;
}

/** Text as mrkdwn shows it literally: no `<…>` links or mentions, no entities. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function code(text: string): string {
  return `\`${escapeMrkdwn(text.replace(/`/g, "'"))}\``;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A time Slack shows in the reader's own time zone; the ISO text where it cannot. */
function slackDate(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  return Number.isFinite(seconds) ? `<!date^${seconds}^{date_short_pretty} {time}|${escapeMrkdwn(iso)}>` : escapeMrkdwn(iso);
}

function mrkdwn(text: string): SlackText {
  return { type: 'mrkdwn', text };
}

export function slackMessage(notice: IssueNotice, ctx: SlackContext): SlackMessage {
  const issue = notice.issue;
  const title = `${ctx.test === true ? '[Test] ' : ''}${TRANSITIONS[notice.transition]}: ${CAUSES[issue.cause]}`;
  const webhook = ctx.webhook === null ? issue.webhookId : `${ctx.webhook.name} (${ctx.webhook.slug})`;
  const link = `${ctx.consoleOrigin}/issues/${encodeURIComponent(issue.id)}`;
  const count = issue.reopenCount > 0 ? `${issue.count} (re-opened ${issue.reopenCount}×)` : String(issue.count);

  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, HEADER_MAX) } },
    {
      type: 'section',
      text: mrkdwn(clip(escapeMrkdwn(issue.summary), SECTION_MAX)),
      fields: [
        mrkdwn(`*Webhook*\n${escapeMrkdwn(webhook)}`),
        mrkdwn(`*Cause*\n${CAUSES[issue.cause]}`),
        mrkdwn(`*State*\n${issue.state}`),
        mrkdwn(`*Count*\n${count}`),
        mrkdwn(`*First seen*\n${slackDate(issue.firstSeenAt)}`),
        mrkdwn(`*Last seen*\n${slackDate(issue.lastSeenAt)}`),
      ],
    },
  ];
  const paths = issue.topPaths.slice(0, PATHS_SHOWN);
  if (paths.length > 0) {
    const listed = paths.map((p) => `${code(p.path)} ${p.type === 'missing' ? 'missing' : `sent as ${p.type}`} (${p.count})`).join(' · ');
    blocks.push({ type: 'context', elements: [mrkdwn(clip(`Failing paths: ${listed}`, SECTION_MAX))] });
  }
  blocks.push({ type: 'section', text: mrkdwn(`<${link}|Open the issue in the console>`) });

  return { text: escapeMrkdwn(`${title} on ${webhook}. ${issue.summary}`), blocks };
}
