/**
 * `POST /webhooks/:id/rotate-secret`: a new secret (generated, or the sender's) and how long the old
 * one lasts; for a webhook still awaiting the sender's secret, its first secret. A generated secret
 * goes to its one-time page (../secret-page.tsx), so a reload of that page never rotates again.
 */
import type { RotatedSecret, WebhookView } from '../../../../control/responses';
import { setFlash } from '../../../flash';
import { formField, type WebhookAction } from '../action';
import { doneAndBack, refused } from '../respond';
import { redirectToSecret } from '../secret-page';

/** `2026-07-02 10:00`: an API timestamp as the page says it (UTC). */
function minutes(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}

/** What was done, in words: a first secret replaces nothing, so it speaks of no previous one. */
function rotatedText(first: boolean, rotated: RotatedSecret): string {
  if (first) return 'Secret added: requests signed with it are accepted from now on.';
  const until = rotated.previous_secrets_expire_at;
  return until === null ? 'Secret rotated. The previous secret no longer verifies.' : `Secret rotated. The previous secret keeps verifying until ${minutes(until)} UTC.`;
}

export const rotateSecret: WebhookAction = async (c, id) => {
  const secret = (await formField(c, 'secret')).trim();
  const overlap = Number(await formField(c, 'overlap_seconds'));
  // Whether this is the webhook's first secret: only the words after it depend on it.
  const before = await c.var.api.get<WebhookView>(`/v1/webhooks/${id}`);
  const first = before.ok && before.data.awaiting_secret;
  const body = { ...(secret === '' ? {} : { secret }), ...(Number.isInteger(overlap) ? { overlap_seconds: overlap } : {}) };
  const result = await c.var.api.post<RotatedSecret>(`/v1/webhooks/${id}/rotate-secret`, body);
  // The refusal keeps the API's answer, never the secret typed: it is typed again.
  if (!result.ok) return refused(c, id, first ? 'Add the sender’s secret' : 'Rotate the secret', result.problem);
  const message = rotatedText(first, result.data);
  if (result.data.secret === undefined) return doneAndBack(c, id, message, '#auth');
  setFlash(c, { kind: 'notice', text: message });
  return redirectToSecret(c, id, result.data.secret, 'rotated');
};
