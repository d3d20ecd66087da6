/**
 * `POST /webhooks/:id/delete`: only with the slug typed as confirmation; the API refuses while
 * workflows depend on the webhook and names them. Done, it is back to the webhooks list; refused,
 * back to the webhook's page, which says why (post/redirect/get either way).
 */
import type { WebhookView } from '../../../../control/responses';
import { setFlash } from '../../../flash';
import { formField, type WebhookAction } from '../action';
import { formProblem, refused } from '../respond';

export const deleteWebhook: WebhookAction = async (c, id) => {
  const found = await c.var.api.get<WebhookView>(`/v1/webhooks/${id}`);
  // Gone already (deleted in another tab): its page says so, and a reload repeats nothing.
  if (!found.ok) return c.redirect(`/webhooks/${id}`, 303);
  const confirm = (await formField(c, 'confirm')).trim();
  if (confirm !== found.data.slug) {
    return refused(c, id, 'Delete the webhook', formProblem('Nothing was deleted: the confirmation does not match.', 'confirm', `Type the slug ${found.data.slug} exactly.`));
  }
  const result = await c.var.api.delete(`/v1/webhooks/${id}`);
  if (!result.ok) return refused(c, id, 'Delete the webhook', result.problem);
  setFlash(c, { kind: 'notice', text: `Deleted ${found.data.name}: its URL answers 404 from now on.` });
  return c.redirect('/', 303);
};
