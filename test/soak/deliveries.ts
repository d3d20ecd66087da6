/** Where the soak's stand-in notes every hand-over it is given (./counting-standin.ts), in its own database. */
export const DELIVERIES_TABLE = `CREATE TABLE IF NOT EXISTS soak_deliveries (
  run_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  workflow_id TEXT NOT NULL,
  attempts INTEGER NOT NULL
)`;
