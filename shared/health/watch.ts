/**
 * Sender health's clock. Refusals and traffic reach each project's health object as they happen;
 * what happens when nothing arrives (an issue quiet for 30 minutes resolves, a steady sender goes
 * silent) needs a clock. The cron is that clock: each minute it visits the projects whose object
 * said it would be due by now (D1 `health_watch`), so an idle project costs it nothing, and a test
 * or `npm run dev` can move the clock by calling the scheduled handler with a time.
 */
import { asc, eq, lte } from 'drizzle-orm';
import type { Db } from '../db/client';
import { healthWatch } from '../db/schema';
import { safeErrorText } from '../http/safe-error';

/** At most this many projects per cron run; the rest stay due and go first next minute. */
const PROJECTS_PER_RUN = 200;

/** Records that `projectId`'s health object is due at `dueAt` unless an earlier visit is already due. */
export async function watchUntil(db: D1Database, projectId: string, dueAt: number): Promise<void> {
  await db
    .prepare(`INSERT INTO health_watch (project_id, due_at) VALUES (?, ?) ON CONFLICT (project_id) DO UPDATE SET due_at = MIN(due_at, excluded.due_at)`)
    .bind(projectId, dueAt)
    .run();
}

export function senderHealth(env: Pick<Env, 'SENDER_HEALTH'>, projectId: string): DurableObjectStub<import('./sender-health').SenderHealth> {
  return env.SENDER_HEALTH.get(env.SENDER_HEALTH.idFromName(projectId));
}

/** The cron's turn: each due project's object ticks at `now`, and says when it is due next. */
export async function tickSenderHealth(env: Pick<Env, 'SENDER_HEALTH'>, db: Db, now: number): Promise<{ ticked: number }> {
  const due = await db.select().from(healthWatch).where(lte(healthWatch.dueAt, now)).orderBy(asc(healthWatch.dueAt)).limit(PROJECTS_PER_RUN).all();
  let ticked = 0;
  await Promise.all(
    due.map(async ({ projectId }) => {
      try {
        const next = await senderHealth(env, projectId).tick(projectId, now);
        // The object may have asked for an earlier visit meanwhile (watchUntil keeps the earlier).
        if (next === null) await db.delete(healthWatch).where(eq(healthWatch.projectId, projectId));
        else await db.update(healthWatch).set({ dueAt: next }).where(eq(healthWatch.projectId, projectId));
        ticked += 1;
      } catch (error) {
        // One project's failure leaves it due; the others go on.
        console.error(`sender health tick of project ${projectId} failed`, safeErrorText(error));
      }
    }),
  );
  return { ticked };
}
