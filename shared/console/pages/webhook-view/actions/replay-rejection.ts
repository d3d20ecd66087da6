/** `POST /webhooks/:id/rejections/:requestId/replay`: a kept refused request, checked again against today's schema. */
import type { RejectionReplay } from '../../../../control/responses';
import { API_ID, type WebhookAction } from '../action';
import { doneAndBack, notFound, refused } from '../respond';

export const replayRejection: WebhookAction = async (c, id) => {
  const requestId = c.req.param('requestId') ?? '';
  if (!API_ID.test(requestId)) return notFound(c);
  const result = await c.var.api.post<RejectionReplay>(`/v1/rejections/${requestId}/replay`);
  if (!result.ok) return refused(c, id, `Replay ${requestId}`, result.problem);
  return doneAndBack(c, id, `${requestId} passes today’s checks: accepted as ${result.data.event_id}.`, '#events');
};
