import { applyD1Migrations, env } from 'cloudflare:test';

// Setup files run outside per-test-file storage isolation and may run several times;
// applyD1Migrations only applies migrations not applied yet.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
