/**
 * The stand-in's own storage: its D1 database `hasp-runtime-standin`, migrated from ./migrations
 * (by scripts/dev.mjs in dev and test/helpers/apply-migrations.ts in tests). Kept apart from the
 * service's catalogue so the production schema holds only what production runs.
 */
import { index, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** What the stand-in received: one row per run, by run id. */
export const runtimeReceipts = sqliteTable(
  'runtime_receipts',
  {
    runId: text('run_id').primaryKey(),
    workflowId: text('workflow_id').notNull(),
    eventId: text('event_id').notNull(),
    /**
     * The run envelope as the fan-out wrote it (the contract's JSON, read from R2 when claim-checked),
     * sealed under the project's data key with AAD `envelopeAad(run_id)`: it carries the payload.
     */
    envelope: text('envelope').notNull(),
    receivedAt: text('received_at').notNull(),
  },
  (t) => [index('runtime_receipts_event').on(t.eventId)],
);
