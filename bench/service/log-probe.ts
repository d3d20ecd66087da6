/**
 * How many events a project's log takes, fed as the consumer feeds it: batches of 100 events with
 * one run each, 1 KB payloads sealed before the clock starts (sealing is timed on its own in
 * bench/micro.bench.mjs). `npm run bench` calls it on the counted copy (`POST
 * /__bench/log-probe?batches=N`), never on the measured service. One call measures, side by side:
 *
 * - `segment`: one segment alone, one `dispatchedRuns` and one `recordDispatch` call per batch:
 *   the write rate of a single object (what the log was before segments);
 * - `project`: the whole path through the log client (shared/eventlog/client.ts): per batch, the
 *   directory's reservation, the id index's claims, then the segment's two calls, with the
 *   segments rolling over at the configured budget (wrangler.toml: 2 MiB in dev);
 * - `rollover`: what the batch that opens a new segment costs beside one that does not.
 */
import { placementOf, projectLog } from '../../shared/eventlog/client';
import { segmentName } from '../../shared/eventlog/layout';
import type { LoggedEvent, LoggedRun } from '../../shared/eventlog/types';
import { importAesKey } from '../../shared/secrets/aead';
import { payloadAad, sealPayload } from '../../shared/secrets/payload-seal';

const BATCH = 100;
const DAY_MS = 86_400_000;

export const LOG_PROBE_PATH = '/__bench/log-probe';

type Batch = { events: LoggedEvent[]; runs: LoggedRun[] };

async function prepare(batches: number, tag: string): Promise<Batch[]> {
  const key = await importAesKey(crypto.getRandomValues(new Uint8Array(32)));
  const payload = JSON.stringify({ patient_id: 'p1', event: 'chart_updated', updated_fields: ['allergies'], note: 'x'.repeat(900) });
  const now = Date.now();
  const payloadBytes = new TextEncoder().encode(payload);
  const prepared: Batch[] = [];
  for (let b = 0; b < batches; b += 1) {
    const events: LoggedEvent[] = [];
    const runs: LoggedRun[] = [];
    for (let i = 0; i < BATCH; i += 1) {
      const id = `evt_probe_${tag}_${b}_${i}`;
      events.push({
        id,
        webhookId: 'wh_probe',
        deliveryId: null,
        receivedAt: new Date(now + b).toISOString(),
        sealedPayload: await sealPayload(key, payloadBytes, payloadAad(id)),
        payloadKey: null,
        payloadExpiresAt: now + 30 * DAY_MS,
        metadataExpiresAt: now + 90 * DAY_MS,
      });
      runs.push({ id: `run_probe_${tag}_${b}_${i}`, eventId: id, workflowId: 'wf_probe' });
    }
    prepared.push({ events, runs });
  }
  return prepared;
}

function rate(events: number, ms: number): number | null {
  return ms > 0 ? Math.round((events * 1000) / ms) : null;
}

/** One segment alone, as the log's one object was fed before segments. */
async function oneSegment(env: Env, batches: Batch[]) {
  const segment = env.LOG_SEGMENTS.get(env.LOG_SEGMENTS.idFromName(segmentName(`prj_bench_${crypto.randomUUID()}`, 1)));
  // The first write creates the tables: not what a warm segment pays per batch.
  await segment.recordDispatch([], [], new Date().toISOString());
  const started = Date.now();
  for (const { events, runs } of batches) {
    await segment.dispatchedRuns(runs.map((r) => r.id));
    await segment.recordDispatch(events, runs, new Date().toISOString());
  }
  const ms = Date.now() - started;
  return { events: batches.length * BATCH, ms, events_per_s: rate(batches.length * BATCH, ms), bytes: await segment.size() };
}

/** The whole log client path, rolling over at the configured budget; each batch timed. */
async function wholeProject(env: Env, batches: Batch[]) {
  const log = projectLog(env, `prj_bench_${crypto.randomUUID()}`);
  await log.listAudit({ limit: 1 });
  const perBatch: { ms: number; opened: boolean }[] = [];
  let open = -1;
  const started = Date.now();
  for (const { events, runs } of batches) {
    const t = Date.now();
    const homes = await log.placeEvents(
      events.map((e) => placementOf(e, 1)),
      Date.now(),
    );
    await log.dispatchedRuns(homes, runs);
    await log.recordDispatch(homes, events, runs, new Date().toISOString());
    perBatch.push({ ms: Date.now() - t, opened: homes.open !== open });
    open = homes.open;
  }
  const ms = Date.now() - started;
  const sizes = await Promise.all(Array.from({ length: open }, (_, i) => log.segment(i + 1).size()));
  const index = await Promise.all(
    (batches[0]?.events ?? []).map((e) => e.id).slice(0, 8).map((id) => log.indexPartition(id).count()),
  );
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? null;
  const rollovers = perBatch.filter((b, i) => i > 0 && b.opened);
  return {
    events: batches.length * BATCH,
    ms,
    events_per_s: rate(batches.length * BATCH, ms),
    segments: open,
    rollovers: rollovers.length,
    largest_segment_bytes: Math.max(...sizes),
    segment_bytes_total: sizes.reduce((a, b) => a + b, 0),
    batch_ms_median: median(perBatch.filter((b, i) => i > 0 && !b.opened).map((b) => b.ms)),
    rollover_batch_ms_median: median(rollovers.map((b) => b.ms)),
    // The index partitions the first batch reached: ids and bytes (schema pages included).
    index_sample: index,
  };
}

/** What an id takes in an index partition: one partition filled with 10,000 ids, beyond its first 100. */
async function indexBytesPerId(env: Env): Promise<number> {
  const partition = env.LOG_INDEX.get(env.LOG_INDEX.idFromName(`prj_bench_${crypto.randomUUID()}/index/0`));
  const now = Date.now();
  const claims = (from: number) =>
    Array.from({ length: BATCH }, (_, i) => ({ id: `evt_${crypto.randomUUID().replaceAll('-', '').slice(0, 26)}`, segment: 1 + Math.floor((from + i) / 1000), metadataExpiresAt: now + 90 * DAY_MS, expiresAt: now + 90 * DAY_MS }));
  await partition.claim(claims(0));
  const before = (await partition.count()).bytes;
  for (let b = 1; b <= 100; b += 1) await partition.claim(claims(b * BATCH));
  const after = await partition.count();
  return (after.bytes - before) / (after.ids - BATCH);
}

export async function logProbe(env: Env, url: URL): Promise<Response> {
  const batches = Math.min(200, Math.max(1, Number(url.searchParams.get('batches') ?? 20)));
  const segment = await oneSegment(env, await prepare(batches, `s${crypto.randomUUID().slice(0, 6)}`));
  const project = await wholeProject(env, await prepare(batches, `p${crypto.randomUUID().slice(0, 6)}`));
  const indexBytes = await indexBytesPerId(env);
  return Response.json({
    index_bytes_per_id: indexBytes,
    batches,
    events: segment.events,
    ms: segment.ms,
    events_per_s: segment.events_per_s,
    segment,
    project,
    project_vs_segment: segment.events_per_s && project.events_per_s ? project.events_per_s / segment.events_per_s : null,
  });
}
