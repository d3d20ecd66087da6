/**
 * `hasp events tail`: follows the project's change feed (GET /v1/feed) with its cursor, once a
 * second — events as they are recorded and each time their status or runs change, and with
 * --rejections the refused requests with their cause. The feed is the project log's own ordered
 * sequence, so polling it with the cursor misses and repeats nothing; the console's live view
 * reads the same feed.
 */
import type { Command } from 'commander';
import { colour, isTTY, line } from '../output';
import { leaf, type CliContext } from '../context';
import { pollInterval, wholeNumber } from '../options';
import { resolveWebhook, type WebhookView } from '../webhook-ref';
import type { FeedItem } from '../../shared/control/responses';

export type { FeedItem };

/** The feed's largest page (MAX_PAGE_SIZE in shared/control/pagination.ts): how far back `-n` can reach. */
const FEED_PAGE_MAX = 100;

interface TailOptions {
  webhook?: string;
  rejections?: boolean;
  lines: number;
  interval: number;
  json?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function time(iso: string): string {
  return isTTY ? new Date(iso).toLocaleTimeString() : iso;
}

function statusText(status: string): string {
  if (status === 'dispatched') return colour.green(status);
  if (status === 'dead' || status === 'failed') return colour.red(status);
  return colour.cyan(status);
}

/**
 * What `-n` shows before following: the last `count` entries tail prints (refusals only with
 * --rejections), each event or refusal once as its latest change shows it, oldest first. The feed
 * repeats an event each time it changes and mixes in refusals, so taking its last `count` changes
 * would show fewer events than asked for.
 */
export function recentItems(items: readonly FeedItem[], count: number, withRefusals: boolean): FeedItem[] {
  const latest = new Map<string, FeedItem>();
  for (const item of items) {
    if (item.kind === 'refusal' && !withRefusals) continue;
    const id = item.kind === 'event' ? item.event.id : item.refusal.id;
    // Deleted first so the entry moves to the end: the order is that of each one's latest change.
    latest.delete(id);
    latest.set(id, item);
  }
  return count === 0 ? [] : [...latest.values()].slice(-count);
}

/** One line of `hasp events tail` for a feed item. */
export function describeItem(item: FeedItem, slugs: Map<string, string>): string {
  if (item.kind === 'event') {
    const e = item.event;
    // Fanned out to nobody: "dispatched" would claim a run that never started (as the console says it).
    const unheard = e.status === 'dispatched' && e.runs.length === 0;
    const state = unheard ? colour.cyan('accepted — no workflow listens') : statusText(e.status);
    const runs = e.runs.length === 0 ? (unheard ? '' : colour.dim('no runs')) : e.runs.map((r) => `${r.id} ${statusText(r.status)}`).join(', ');
    return `${colour.dim(time(e.received_at))}  ${colour.bold('event')}    ${e.id}  ${slugs.get(e.webhook_id) ?? e.webhook_id}  ${state}  ${runs}`.trimEnd();
  }
  const r = item.refusal;
  const count = r.count > 1 ? colour.dim(` ×${r.count}`) : '';
  return `${colour.dim(time(r.at))}  ${colour.yellow('refused')}  ${r.http_status} ${colour.bold(r.reason)}${count}  ${slugs.get(r.webhook_id) ?? r.webhook_id}  ${r.detail}${r.request_id ? colour.dim(` (${r.request_id})`) : ''}`;
}

export function registerEventsTail(events: Command, ctx: CliContext): void {
  leaf(events, 'tail', 'Follow new events with their runs, and with --rejections refused requests with their cause (Ctrl-C stops)')
    .option('--webhook <webhook>', 'only this webhook (slug or id)')
    .option('--rejections', 'show refused requests too')
    .option('-n, --lines <n>', `how many recent events (and refusals, with --rejections) to show first, 0 to ${FEED_PAGE_MAX}`, wholeNumber('events', 0, FEED_PAGE_MAX), 10)
    .option('--interval <ms>', 'how often to poll, in milliseconds', pollInterval, 1000)
    .addHelpText(
      'after',
      '\nWith --json, each change is one JSON line (NDJSON), as the feed serves it. A refusal kept for replay\nends with its request id (req_…): once the schema is fixed, `hasp events replay req_…` replays it.\n\nExamples:\n  hasp events tail --rejections\n  hasp events tail --webhook ehr-chart-updated -n 0 --json',
    )
    .action(async (opts: TailOptions) => {
      const client = ctx.client();
      const only = opts.webhook === undefined ? null : await resolveWebhook(client, opts.webhook);
      const slugs = new Map<string, string>();
      const learnSlugs = async () => {
        for (const w of await client.all<WebhookView>('/v1/webhooks')) slugs.set(w.id, w.slug);
      };
      if (!opts.json) await learnSlugs();
      const filter = only === null ? '' : `&webhook_id=${only.id}`;
      const show = async (items: FeedItem[]) => {
        for (const item of items) {
          if (item.kind === 'refusal' && !opts.rejections) continue;
          if (opts.json) {
            process.stdout.write(`${JSON.stringify(item)}\n`);
            continue;
          }
          const webhookId = item.kind === 'event' ? item.event.webhook_id : item.refusal.webhook_id;
          if (!slugs.has(webhookId)) await learnSlugs();
          line(describeItem(item, slugs));
        }
      };
      let stopped = false;
      process.once('SIGINT', () => (stopped = true));
      // The backlog is read as one whole page, from which -n picks what is shown; -n 0 needs only the cursor.
      let page = await client.request<{ data: FeedItem[]; next_cursor: string }>('GET', `/v1/feed?limit=${opts.lines === 0 ? 1 : FEED_PAGE_MAX}${filter}`);
      await show(recentItems(page.data, opts.lines, opts.rejections === true));
      process.stderr.write(colour.dim(`Following ${only?.slug ?? 'all webhooks'}${opts.rejections ? ' (with refusals)' : ''}… Ctrl-C stops.\n`));
      let cursor = page.next_cursor;
      while (!stopped) {
        await sleep(opts.interval);
        if (stopped) break;
        page = await client.request('GET', `/v1/feed?after=${encodeURIComponent(cursor)}&limit=100${filter}`);
        await show(page.data);
        cursor = page.next_cursor;
      }
    });
}
