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
import { resolveWebhook, type WebhookView } from '../webhook-ref';

interface RunView {
  id: string;
  workflow_id: string;
  status: string;
}
interface EventItem {
  cursor: string;
  kind: 'event';
  event: { id: string; webhook_id: string; status: string; received_at: string; runs: RunView[]; error?: string | null };
}
interface RefusalItem {
  cursor: string;
  kind: 'refusal';
  refusal: { id: string; webhook_id: string; reason: string; http_status: number; count: number; detail: string; at: string; request_id: string | null };
}
type FeedItem = EventItem | RefusalItem;

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

function describe(item: FeedItem, slugs: Map<string, string>): string {
  if (item.kind === 'event') {
    const e = item.event;
    const runs = e.runs.length === 0 ? colour.dim('no runs') : e.runs.map((r) => `${r.id} ${statusText(r.status)}`).join(', ');
    return `${colour.dim(time(e.received_at))}  ${colour.bold('event')}    ${e.id}  ${slugs.get(e.webhook_id) ?? e.webhook_id}  ${statusText(e.status)}  ${runs}`;
  }
  const r = item.refusal;
  const count = r.count > 1 ? colour.dim(` ×${r.count}`) : '';
  return `${colour.dim(time(r.at))}  ${colour.yellow('refused')}  ${r.http_status} ${colour.bold(r.reason)}${count}  ${slugs.get(r.webhook_id) ?? r.webhook_id}  ${r.detail}${r.request_id ? colour.dim(` (${r.request_id})`) : ''}`;
}

export function registerEventsTail(events: Command, ctx: CliContext): void {
  leaf(events, 'tail', 'Follow new events with their runs, and with --rejections refused requests with their cause (Ctrl-C stops)')
    .option('--webhook <webhook>', 'only this webhook (slug or id)')
    .option('--rejections', 'show refused requests too')
    .option('-n, --lines <n>', 'recent changes to show first', (v) => Number(v), 10)
    .option('--interval <ms>', 'how often to poll', (v) => Number(v), 1000)
    .addHelpText('after', '\nWith --json, each change is one JSON line (NDJSON), as the feed serves it.')
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
          line(describe(item, slugs));
        }
      };
      let stopped = false;
      process.once('SIGINT', () => (stopped = true));
      let page = await client.request<{ data: FeedItem[]; next_cursor: string }>('GET', `/v1/feed?limit=${Math.max(1, Math.min(opts.lines, 100))}${filter}`);
      if (opts.lines > 0) await show(page.data);
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
