/**
 * `POST /webhooks/:id/test-event`: the service signs the payload and sends it through the real
 * ingress. An ingress refusal is shown as the problem a sender would have read.
 */
import type { TestEventAnswer } from '../../../../control/responses';
import { formField, type WebhookAction } from '../action';
import { doneAndBack, formProblem, refused } from '../respond';

export const sendTestEvent: WebhookAction = async (c, id) => {
  const text = (await formField(c, 'payload')).trim();
  let payload: unknown;
  if (text !== '') {
    try {
      payload = JSON.parse(text);
    } catch {
      return refused(c, id, 'Send a test event', formProblem('The payload is not valid JSON.', '/payload', 'Write one JSON object, or leave it empty to send the sample.'));
    }
  }
  const result = await c.var.api.post<TestEventAnswer>(`/v1/webhooks/${id}/test-event`, payload === undefined ? {} : { payload });
  if (!result.ok) return refused(c, id, 'Send a test event', result.problem);
  const { status, body } = result.data;
  const answer = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (status >= 200 && status < 300 && typeof answer.event_id === 'string') {
    return doneAndBack(c, id, `Test event accepted as ${answer.event_id}: its runs appear below once it is dispatched.`, '#events');
  }
  // The ingress refused it: its problem, as a sender would have read it.
  const detail = typeof answer.detail === 'string' ? answer.detail : `The ingress answered ${status}.`;
  return refused(c, id, 'Send a test event', { code: typeof answer.code === 'string' ? answer.code : 'internal', title: 'Refused', ...answer, status, detail });
};
