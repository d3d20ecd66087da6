import { applyD1Migrations, env } from 'cloudflare:test';

// Setup files run outside per-test-file storage isolation and may run several times;
// applyD1Migrations only applies migrations not applied yet. The stand-in runtime has a database
// of its own; the test runner binds it too, so its migrations are applied here as well.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
await applyD1Migrations(env.RUNTIME_RECEIPTS, env.RUNTIME_MIGRATIONS);
