/** `POST /webhooks/:id/controls`: the rate limit and the IP allowlist, as the API's PATCH takes them. */
import type { RateLimit } from '../../../../control/responses';
import { rateLimitText } from '../../../components/webhook/settings-forms';
import { formField, type WebhookAction } from '../action';
import { doneAndBack, formProblem, refused } from '../respond';

/** `requests/period_seconds` from the rate-limit select; empty is no limit, anything else undefined. */
function parseRateLimit(value: string): RateLimit | null | undefined {
  if (value.trim() === '') return null;
  const match = /^(\d{1,6})\/(\d{1,3})$/.exec(value.trim());
  return match === null ? undefined : { requests: Number(match[1]), period_seconds: Number(match[2]) };
}

export const saveControls: WebhookAction = async (c, id) => {
  const rateLimit = parseRateLimit(await formField(c, 'rate_limit'));
  if (rateLimit === undefined) {
    return refused(c, id, 'Save the rate limit and IP allowlist', formProblem('Nothing was saved: the rate limit is not one the form offers.', '/rate_limit', 'Pick a limit from the list.'));
  }
  const ipAllowlist = (await formField(c, 'ip_allowlist'))
    .split(/[\s,]+/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  // The API checks the limit and the addresses; the form only turns text into its fields.
  const result = await c.var.api.patch(`/v1/webhooks/${id}`, { rate_limit: rateLimit, ip_allowlist: ipAllowlist });
  if (!result.ok) return refused(c, id, 'Save the rate limit and IP allowlist', result.problem);
  const limit = rateLimit === null ? 'no rate limit' : `at most ${rateLimitText(rateLimit)}`;
  const from = ipAllowlist.length === 0 ? 'from any address' : `from ${ipAllowlist.length} allowed address range${ipAllowlist.length === 1 ? '' : 's'}`;
  return doneAndBack(c, id, `Saved: ${limit}, ${from}.`, '#settings');
};
