/** `POST /webhooks/:id/enabled`: enable or disable the webhook (a disabled one's URL answers 404). */
import { formField, type WebhookAction } from '../action';
import { doneAndBack, refused } from '../respond';

export const setEnabled: WebhookAction = async (c, id) => {
  const enabled = (await formField(c, 'enabled')) === 'true';
  const result = await c.var.api.patch(`/v1/webhooks/${id}`, { enabled });
  if (!result.ok) return refused(c, id, enabled ? 'Enable the webhook' : 'Disable the webhook', result.problem);
  return doneAndBack(c, id, enabled ? 'Enabled: signed requests are accepted again.' : 'Disabled: its URL answers 404 until you enable it.');
};
