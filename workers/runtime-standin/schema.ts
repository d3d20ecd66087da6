/**
 * The stand-in's own storage: its D1 database `hasp-runtime-standin`, migrated from ./migrations
 * (by scripts/dev.mjs in dev and test/helpers/apply-migrations.ts in tests). Kept apart from the
 * service's catalogue so the production schema holds only what production runs.
 */
import { sql } from 'drizzle-orm';
import { check, index, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** What the stand-in received: one row per run, by run id, holding its envelope or where it is. */
export const runtimeReceipts = sqliteTable(
  'runtime_receipts',
  {
    runId: text('run_id').primaryKey(),
    workflowId: text('workflow_id').notNull(),
    eventId: text('event_id').notNull(),
    /**
     * An inline run envelope as the fan-out wrote it (the run message's envelope JSON: the payload
     * once), sealed under the project's data key with AAD `envelopeAad(run_id)`. Null when claim-checked.
     */
    envelope: text('envelope'),
    /**
     * R2 key of a claim-checked envelope (`runs/{run_id}.json`, sealed with AAD `objectAad(key)`), where
     * production's runtime reads it; null when inline. Not inlined: a large one is past D1's value limit.
     */
    envelopeKey: text('envelope_key'),
    receivedAt: text('received_at').notNull(),
  },
  (t) => [
    index('runtime_receipts_event').on(t.eventId),
    check('runtime_receipts_envelope_or_key', sql`(${t.envelope} IS NULL) <> (${t.envelopeKey} IS NULL)`),
  ],
);
