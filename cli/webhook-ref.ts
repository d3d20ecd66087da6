/** A webhook named on the command line by id (`wh_…`) or by slug. */
import { CliError } from './errors';
import type { ApiClient } from './http';

export interface WebhookView {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  url: string;
  urls: string[];
  enabled: boolean;
  auth: { method: string; scheme?: string; preset?: string; header?: string; warning?: string; [key: string]: unknown };
  awaiting_secret: boolean;
  secrets: { id: string; created_at: string; expires_at: string | null }[];
  schema: unknown;
  dependents: { id: string; name: string; enabled: boolean; class: string }[];
  created_at: string;
  [key: string]: unknown;
}

export async function resolveWebhook(client: ApiClient, ref: string): Promise<WebhookView> {
  if (/^wh_/.test(ref)) return client.request<WebhookView>('GET', `/v1/webhooks/${encodeURIComponent(ref)}`);
  const found = (await client.all<WebhookView>('/v1/webhooks')).find((w) => w.slug === ref);
  if (found === undefined) throw new CliError(`No webhook with slug "${ref}" in this project.`, 'List them with `hasp webhooks list`.');
  return found;
}
