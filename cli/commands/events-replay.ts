/**
 * `hasp events replay <id>` replays one event; with filters (`--webhook --status --since --until`)
 * it starts a replay job (POST /v1/replays) and follows it with a progress bar. The job runs in the
 * service and never starts a run twice: an interrupted CLI can follow it again with --job, and
 * running the same bulk replay again only starts the runs still missing.
 */
import type { Command } from 'commander';
import { CliError } from '../errors';
import { colour, endProgress, fields, isTTY, line, printJson, progress } from '../output';
import { leaf, type CliContext } from '../context';
import type { ApiClient } from '../http';
import { resolveWebhook } from '../webhook-ref';

interface ReplayJob {
  id: string;
  status: 'running' | 'done' | 'failed';
  filter: Record<string, unknown>;
  scanned: number;
  replayed: number;
  skipped: number;
  failed: number;
  skipped_reasons?: Record<string, number>;
  failed_reasons?: Record<string, number>;
  error?: string | null;
  finished_at: string | null;
}

interface ReplayOptions {
  webhook?: string;
  status?: string;
  since?: string;
  until?: string;
  job?: string;
  interval: number;
  json?: boolean;
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `2h`, `30m`, `7d`, `45s` before now, or an ISO time as given. */
export function timeSpec(spec: string, now = Date.now()): string {
  const match = /^(\d+)([smhd])$/.exec(spec.trim());
  if (match) return new Date(now - Number(match[1]) * (UNITS[match[2] ?? 's'] ?? 1000)).toISOString();
  if (Number.isNaN(Date.parse(spec))) throw new CliError(`"${spec}" is not a time.`, 'Use a duration before now (30m, 2h, 7d) or an ISO time (2026-01-31T09:00:00Z).');
  return new Date(spec).toISOString();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function follow(client: ApiClient, job: ReplayJob, opts: ReplayOptions): Promise<ReplayJob> {
  let interrupted = false;
  const onInterrupt = () => (interrupted = true);
  process.once('SIGINT', onInterrupt);
  try {
    while (job.status === 'running' && !interrupted) {
      progress(job.replayed + job.skipped + job.failed, Math.max(job.scanned, 1), `replayed ${job.replayed} · skipped ${job.skipped} · failed ${job.failed}`);
      await sleep(opts.interval);
      job = await client.request<ReplayJob>('GET', `/v1/replays/${job.id}`);
    }
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
  if (job.status !== 'running') progress(job.scanned, Math.max(job.scanned, 1), `replayed ${job.replayed} · skipped ${job.skipped} · failed ${job.failed}`);
  endProgress();
  if (interrupted) {
    throw new CliError(`Stopped following ${job.id}; the job goes on in the service.`, `Follow it again with \`hasp events replay --job ${job.id}\` (no run is started twice).`, null, 130);
  }
  return job;
}

/**
 * A failed job, or a running one that stalled, goes on from its last committed page; a running
 * job that is still making progress answers 409 and is simply followed.
 */
async function resumed(client: ApiClient, job: ReplayJob): Promise<ReplayJob> {
  try {
    return await client.request<ReplayJob>('POST', `/v1/replays/${job.id}/resume`);
  } catch (err) {
    if (job.status === 'running' && err instanceof CliError && err.problem?.status === 409) return job;
    throw err;
  }
}

function printSummary(job: ReplayJob): void {
  const reasons = (r: Record<string, number> | undefined) =>
    r === undefined || Object.keys(r).length === 0 ? '' : colour.dim(` (${Object.entries(r).map(([k, n]) => `${k}: ${n}`).join(', ')})`);
  fields([
    ['Job', job.id],
    ['Status', job.status === 'done' ? colour.green(job.status) : job.status === 'failed' ? colour.red(job.status) : job.status],
    ['Scanned', String(job.scanned)],
    ['Replayed', String(job.replayed)],
    ['Skipped', String(job.skipped) + reasons(job.skipped_reasons)],
    ['Failed', String(job.failed) + reasons(job.failed_reasons)],
  ]);
  line(colour.dim('Replayed events go to workflows without a run for them only: no run starts twice.'));
}

export function registerEventsReplay(events: Command, ctx: CliContext): void {
  leaf(events, 'replay [event]', 'Replay one event, or (with filters) every matching event, to workflows that have no run for it yet')
    .option('--webhook <webhook>', 'bulk: events of this webhook (slug or id)')
    .option('--status <status>', 'bulk: events in this status (dead, accepted, dispatched)')
    .option('--since <when>', 'bulk: received since (30m, 2h, 7d, or an ISO time)')
    .option('--until <when>', 'bulk: received before (30m, 2h, 7d, or an ISO time)')
    .option('--job <id>', 'follow (and resume, if it failed) an earlier bulk replay job')
    .option('--interval <ms>', 'how often to poll a job', (v) => Number(v), 500)
    .addHelpText('after', '\nExamples:\n  hasp events replay evt_…\n  hasp events replay --webhook chart-updated --status dead --since 2h\n\nA bulk replay runs in the service; if the CLI is interrupted, `--job <id>` follows it again. Running\nthe same replay again starts only the runs still missing.')
    .action(async (eventId: string | undefined, opts: ReplayOptions) => {
      const client = ctx.client();
      const bulk = opts.webhook !== undefined || opts.status !== undefined || opts.since !== undefined || opts.until !== undefined;
      if (eventId !== undefined) {
        if (bulk || opts.job !== undefined) throw new CliError('Give an event id or filters, not both.');
        const queued = await client.request<{ workflows?: unknown[] } & Record<string, unknown>>('POST', `/v1/events/${encodeURIComponent(eventId)}/replay`);
        if (opts.json) return printJson(queued);
        const count = Array.isArray(queued.workflows) ? queued.workflows.length : 0;
        line(`${colour.green('✓')} Replay of ${eventId} queued: ${count} workflow(s) without a run for it.`);
        return;
      }
      let job: ReplayJob;
      if (opts.job !== undefined) {
        job = await client.request<ReplayJob>('GET', `/v1/replays/${encodeURIComponent(opts.job)}`);
        if (job.status !== 'done') job = await resumed(client, job);
      } else {
        if (!bulk) throw new CliError('Give an event id, or filters for a bulk replay.', 'e.g. hasp events replay --webhook chart-updated --status dead --since 2h');
        const filter: Record<string, string> = {};
        if (opts.webhook !== undefined) filter.webhook_id = (await resolveWebhook(client, opts.webhook)).id;
        if (opts.status !== undefined) filter.status = opts.status;
        if (opts.since !== undefined) filter.since = timeSpec(opts.since);
        if (opts.until !== undefined) filter.until = timeSpec(opts.until);
        job = await client.request<ReplayJob>('POST', '/v1/replays', filter);
        if (!opts.json && isTTY) line(colour.dim(`Started ${job.id}`));
      }
      job = await follow(client, job, opts);
      if (opts.json) printJson(job);
      else printSummary(job);
      if (job.status === 'failed') {
        throw new CliError(`Replay job ${job.id} failed${job.error ? `: ${job.error}` : ''}.`, `Resume it with \`hasp events replay --job ${job.id}\`.`);
      }
    });
}
