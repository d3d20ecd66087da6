/** Events as the control API shows them: each with its runs, scoped to the caller's project. */
import { and, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { events, runs } from '../db/schema';
import { ProblemError } from '../http/problem';
import type { ControlEnv } from './context';

export const eventsRoutes = new Hono<ControlEnv>();

eventsRoutes.get('/:id', async (c) => {
  const db = c.var.db;
  const event = await db
    .select()
    .from(events)
    .where(and(eq(events.id, c.req.param('id')), eq(events.projectId, c.var.caller.projectId)))
    .get();
  if (!event) throw new ProblemError('not-found', 'No event with this id in your project.');
  const eventRuns = await db
    .select({ id: runs.id, workflow_id: runs.workflowId, status: runs.status, dispatched_at: runs.dispatchedAt })
    .from(runs)
    .where(eq(runs.eventId, event.id))
    .orderBy(runs.workflowId)
    .all();
  return c.json({
    id: event.id,
    webhook_id: event.webhookId,
    status: event.status,
    received_at: event.receivedAt,
    delivery_id: event.deliveryId,
    error: event.error,
    runs: eventRuns,
  });
});
