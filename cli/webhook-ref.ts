/** A webhook named on the command line by id (`wh_…`) or by slug. */
import type { WebhookView } from '../shared/control/responses';
import { CliError } from './errors';
import type { ApiClient } from './http';

export type { WebhookView } from '../shared/control/responses';

export async function resolveWebhook(client: ApiClient, ref: string): Promise<WebhookView> {
  if (/^wh_/.test(ref)) return client.request<WebhookView>('GET', `/v1/webhooks/${encodeURIComponent(ref)}`);
  const found = (await client.all<WebhookView>('/v1/webhooks')).find((w) => w.slug === ref);
  if (found === undefined) throw new CliError(`No webhook with slug "${ref}" in this project.`, 'List them with `hasp webhooks list`.');
  return found;
}
