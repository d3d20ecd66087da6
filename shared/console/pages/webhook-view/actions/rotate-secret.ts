/** `POST /webhooks/:id/rotate-secret`: a new secret (generated, or the sender's) and how long the old one lasts. */
import type { RotatedSecret } from '../../../../control/responses';
import { formField, type WebhookAction } from '../action';
import { doneAndBack, refused, showPage } from '../respond';

export const rotateSecret: WebhookAction = async (c, id) => {
  const secret = (await formField(c, 'secret')).trim();
  const overlap = Number(await formField(c, 'overlap_seconds'));
  const body = { ...(secret === '' ? {} : { secret }), ...(Number.isInteger(overlap) ? { overlap_seconds: overlap } : {}) };
  const result = await c.var.api.post<RotatedSecret>(`/v1/webhooks/${id}/rotate-secret`, body);
  if (!result.ok) return refused(c, id, 'Rotate the secret', result.problem);
  const until = result.data.previous_secrets_expire_at;
  const message = until === null ? 'Secret rotated. The previous secret no longer verifies.' : `Secret rotated. The previous secret keeps verifying until ${until.slice(0, 16).replace('T', ' ')} UTC.`;
  // A generated secret exists only in this answer: it is shown here, once, never redirected to.
  if (result.data.secret !== undefined) return showPage(c, id, { newSecret: result.data.secret, notice: { kind: 'done', message } });
  return doneAndBack(c, id, message, '#auth');
};
