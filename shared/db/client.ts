import { drizzle } from 'drizzle-orm/d1';

export type Db = ReturnType<typeof createDb>;

// No schema argument: nothing uses the relational query API, and building its config on every
// call showed up as the largest self time of a request in the bench's CPU profile.
export function createDb(d1: D1Database) {
  return drizzle(d1);
}
