/**
 * `hasp events replay <id>` replays one event (`evt_…`), or a refused request the service kept
 * (`req_…`, which `hasp events tail --rejections` prints) once the schema that refused it is fixed.
 * With filters (`--webhook --status --since --until`) it starts a replay job (POST /v1/replays) and
 * follows it with a progress bar. The job runs in the service and never starts a run twice: an
 * interrupted CLI can follow it again with --job, and running the same bulk replay again only
 * starts the runs still missing.
 */
import type { Command } from 'commander';
import type { RejectionReplay } from '../../shared/control/responses';
import { CliError } from '../errors';
import { colour, endProgress, fields, line, printJson, progress } from '../output';
import { leaf, type CliContext } from '../context';
import type { ApiClient } from '../http';
import { pollInterval } from '../options';
import { resolveWebhook } from '../webhook-ref';
import type { ReplayJobView } from '../../shared/control/responses';

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

async function follow(client: ApiClient, job: ReplayJobView, opts: ReplayOptions): Promise<ReplayJobView> {
  let interrupted = false;
  const onInterrupt = () => (interrupted = true);
  process.once('SIGINT', onInterrupt);
  try {
    while (job.status === 'running' && !interrupted) {
      progress(job.replayed + job.skipped + job.failed, Math.max(job.scanned, 1), `replayed ${job.replayed} · skipped ${job.skipped} · failed ${job.failed}`);
      await sleep(opts.interval);
      job = await client.request<ReplayJobView>('GET', `/v1/replays/${job.id}`);
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
async function resumed(client: ApiClient, job: ReplayJobView): Promise<ReplayJobView> {
  try {
    return await client.request<ReplayJobView>('POST', `/v1/replays/${job.id}/resume`);
  } catch (err) {
    if (job.status === 'running' && err instanceof CliError && err.problem?.status === 409) return job;
    throw err;
  }
}

/** POST /v1/events/{id}/replay: the event again, to the workflows that have no run for it. */
async function replayEvent(client: ApiClient, eventId: string, json: boolean): Promise<void> {
  const queued = await client.request<{ workflows?: unknown[] } & Record<string, unknown>>('POST', `/v1/events/${encodeURIComponent(eventId)}/replay`);
  if (json) return printJson(queued);
  const count = Array.isArray(queued.workflows) ? queued.workflows.length : 0;
  line(`${colour.green('✓')} Replay of ${eventId} queued: ${count} workflow(s) without a run for it.`);
}

/**
 * POST /v1/rejections/{id}/replay: the kept request checked again with the schema as it is now and,
 * if it passes, accepted as the event it would have been (same event id, so repeating is safe).
 */
async function replayKeptRequest(client: ApiClient, requestId: string, json: boolean): Promise<void> {
  let accepted: RejectionReplay;
  try {
    accepted = await client.request('POST', `/v1/rejections/${encodeURIComponent(requestId)}/replay`);
  } catch (err) {
    if (err instanceof CliError && err.problem?.status === 400) {
      throw new CliError(`${requestId} is still refused: ${err.message}`, 'The webhook’s schema as it is now refuses it too. Change the schema (or the sender), then replay it again.', err.problem);
    }
    throw err;
  }
  if (json) return printJson(accepted);
  line(`${colour.green('✓')} ${requestId} passed the checks now and was accepted as ${accepted.event_id}.`);
  line(colour.dim('Follow it: hasp events tail'));
}

/** One event or kept request, by the prefix of its id. */
async function replayOne(client: ApiClient, id: string, json: boolean): Promise<void> {
  if (id.startsWith('evt_')) return replayEvent(client, id, json);
  if (id.startsWith('req_')) return replayKeptRequest(client, id, json);
  if (id.startsWith('rej_')) {
    throw new CliError(`${id} is a count of refusals, which cannot be replayed.`, 'Replay the kept request it names instead: the req_… id that `hasp events tail --rejections` prints in parentheses.', null, 2);
  }
  throw new CliError(`"${id}" is neither an event id (evt_…) nor a kept request id (req_…).`, 'e.g. hasp events replay evt_…, or with filters: hasp events replay --webhook ehr-chart-updated --status dead --since 2h', null, 2);
}

function printSummary(job: ReplayJobView): void {
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
  leaf(events, 'replay [id]', 'Replay one event or kept refused request, or (with filters) every matching event, to workflows that have no run for it yet')
    .option('--webhook <webhook>', 'bulk: events of this webhook (slug or id)')
    .option('--status <status>', 'bulk: events in this status (dead, accepted, dispatched)')
    .option('--since <when>', 'bulk: received since (30m, 2h, 7d, or an ISO time)')
    .option('--until <when>', 'bulk: received before (30m, 2h, 7d, or an ISO time)')
    .option('--job <id>', 'follow (and resume, if it failed) an earlier bulk replay job')
    .option('--interval <ms>', 'how often to poll a job, in milliseconds', pollInterval, 500)
    .addHelpText(
      'after',
      '\nExamples:\n  hasp events replay evt_…\n  hasp events replay req_…        # a refused request the service kept, once its schema is fixed\n  hasp events replay --webhook ehr-chart-updated --status dead --since 2h\n\nA bulk replay runs in the service; if the CLI is interrupted, `--job <id>` follows it again. Running\nthe same replay again starts only the runs still missing.',
    )
    .action(async (id: string | undefined, opts: ReplayOptions) => {
      const client = ctx.client();
      const bulk = opts.webhook !== undefined || opts.status !== undefined || opts.since !== undefined || opts.until !== undefined;
      if (id !== undefined) {
        if (bulk || opts.job !== undefined) throw new CliError('Give an id or filters, not both.', null, null, 2);
        return replayOne(client, id, opts.json === true);
      }
      let job: ReplayJobView;
      if (opts.job !== undefined) {
        job = await client.request<ReplayJobView>('GET', `/v1/replays/${encodeURIComponent(opts.job)}`);
        if (job.status !== 'done') job = await resumed(client, job);
      } else {
        if (!bulk) throw new CliError('Give an event id, or filters for a bulk replay.', 'e.g. hasp events replay --webhook ehr-chart-updated --status dead --since 2h', null, 2);
        const filter: Record<string, string> = {};
        if (opts.webhook !== undefined) filter.webhook_id = (await resolveWebhook(client, opts.webhook)).id;
        if (opts.status !== undefined) filter.status = opts.status;
        if (opts.since !== undefined) filter.since = timeSpec(opts.since);
        if (opts.until !== undefined) filter.until = timeSpec(opts.until);
        job = await client.request<ReplayJobView>('POST', '/v1/replays', filter);
        // On stderr at once, whatever stdout is: whoever stops the CLI can follow the job again with --job.
        process.stderr.write(`${colour.dim(`Started ${job.id}`)}\n`);
      }
      job = await follow(client, job, opts);
      if (opts.json) printJson(job);
      else printSummary(job);
      if (job.status === 'failed') {
        throw new CliError(`Replay job ${job.id} failed${job.error ? `: ${job.error}` : ''}.`, `Resume it with \`hasp events replay --job ${job.id}\`.`);
      }
    });
}
