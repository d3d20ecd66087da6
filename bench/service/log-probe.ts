/**
 * How many events one project's log takes, fed as the consumer feeds it: batches of 100 events with
 * one run each, for each batch one `dispatchedRuns` call and one `recordDispatch` call, in order,
 * to one project's Durable Object. Payloads are 1 KB, sealed before the clock starts (the sealing
 * is timed on its own in bench/micro.bench.mjs). `npm run bench` calls it on the counted copy
 * (`POST /__bench/log-probe?batches=N`), never on the measured service.
 */
import { projectLog } from '../../shared/eventlog/client';
import type { LoggedEvent, LoggedRun } from '../../shared/eventlog/types';
import { importAesKey } from '../../shared/secrets/aead';
import { payloadAad, sealText } from '../../shared/secrets/payload-seal';

const BATCH = 100;
const DAY_MS = 86_400_000;

export const LOG_PROBE_PATH = '/__bench/log-probe';

export async function logProbe(env: Env, url: URL): Promise<Response> {
  const batches = Math.min(200, Math.max(1, Number(url.searchParams.get('batches') ?? 20)));
  const log = projectLog(env, `prj_bench_${crypto.randomUUID()}`);
  const key = await importAesKey(crypto.getRandomValues(new Uint8Array(32)));
  const payload = JSON.stringify({ patient_id: 'p1', event: 'chart_updated', updated_fields: ['allergies'], note: 'x'.repeat(900) });
  const now = Date.now();
  const prepared: { events: LoggedEvent[]; runs: LoggedRun[] }[] = [];
  for (let b = 0; b < batches; b += 1) {
    const events: LoggedEvent[] = [];
    const runs: LoggedRun[] = [];
    for (let i = 0; i < BATCH; i += 1) {
      const id = `evt_probe_${b}_${i}`;
      events.push({
        id,
        webhookId: 'wh_probe',
        deliveryId: null,
        receivedAt: new Date(now).toISOString(),
        sealedPayload: await sealText(key, payload, payloadAad(id)),
        payloadKey: null,
        payloadExpiresAt: now + 30 * DAY_MS,
        metadataExpiresAt: now + 90 * DAY_MS,
      });
      runs.push({ id: `run_probe_${b}_${i}`, eventId: id, workflowId: 'wf_probe' });
    }
    prepared.push({ events, runs });
  }
  // The first call creates the object and its tables: not what a warm log pays per batch.
  await log.dispatchedRuns([]);
  const started = Date.now();
  for (const { events, runs } of prepared) {
    await log.dispatchedRuns(runs.map((r) => r.id));
    await log.recordDispatch(events, runs, new Date().toISOString());
  }
  const ms = Date.now() - started;
  const events = batches * BATCH;
  return Response.json({ batches, events, ms, events_per_s: ms > 0 ? Math.round((events * 1000) / ms) : null });
}
