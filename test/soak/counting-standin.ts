/**
 * The soak's stand-in workflow runtime: workers/runtime-standin's recorder, which takes each run id
 * once, with every hand-over it is given noted first, redeliveries included (`soak_deliveries`).
 * The receipts say which runs the runtime took; the deliveries say how often the fan-out handed a
 * run over, so the soak can show the duplicates the run id absorbed, not only their absence.
 */
import { DataKeyCache } from '../../shared/secrets/data-keys';
import { recordRuns, type StandinEnv } from '../../workers/runtime-standin/run-recorder';
import { DELIVERIES_TABLE } from './deliveries';

const dataKeys = new DataKeyCache();
let tableReady: Promise<unknown> | null = null;

interface RunIds {
  run_id?: unknown;
  event_id?: unknown;
  workflow_id?: unknown;
}

async function noteDeliveries(batch: MessageBatch<unknown>, db: D1Database): Promise<void> {
  tableReady ??= db.prepare(DELIVERIES_TABLE).run();
  await tableReady;
  const rows = batch.messages.map((m) => {
    const body = m.body as RunIds;
    return [String(body.run_id), String(body.event_id), String(body.workflow_id), m.attempts];
  });
  await db
    .prepare(`INSERT INTO soak_deliveries (run_id, event_id, workflow_id, attempts) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?)`)
    .bind(JSON.stringify(rows))
    .run();
}

export default {
  async queue(batch, env) {
    await noteDeliveries(batch, env.RECEIPTS);
    await recordRuns(batch, env, { dataKeys });
  },
} satisfies ExportedHandler<StandinEnv, unknown>;
