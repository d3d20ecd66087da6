/** `POST /webhooks/:id/events/:eventId/replay`: the event again, to the workflows that have no run for it. */
import type { EventReplay } from '../../../../control/responses';
import { API_ID, type WebhookAction } from '../action';
import { doneAndBack, notFound, refused } from '../respond';

export const replayEvent: WebhookAction = async (c, id) => {
  const eventId = c.req.param('eventId') ?? '';
  if (!API_ID.test(eventId)) return notFound(c);
  const result = await c.var.api.post<EventReplay>(`/v1/events/${eventId}/replay`);
  if (!result.ok) return refused(c, id, `Replay ${eventId}`, result.problem);
  const n = result.data.workflows.length;
  const text = n === 0 ? `Replay of ${eventId} queued: every workflow already has a run for it, so none starts again.` : `Replay of ${eventId} queued for ${n} workflow${n === 1 ? '' : 's'} without a run yet.`;
  return doneAndBack(c, id, text, '#events');
};
