import { defineConfig } from 'drizzle-kit';

// drizzle-kit writes SQL migrations that wrangler applies (`wrangler d1 migrations apply`)
// in dev and that the test setup applies with applyD1Migrations.
export default defineConfig({
  dialect: 'sqlite',
  schema: './shared/db/schema.ts',
  out: './d1-migrations',
});
