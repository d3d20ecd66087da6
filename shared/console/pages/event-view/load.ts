/**
 * What an event's page shows, read through the console's API client: the event as
 * `GET /v1/events/{id}` gives it (its runs and metadata; the payload only when the page asks for
 * it, which the API records in the audit log), the webhook it came to, and the names of the
 * workflows its runs went to.
 */
import type { EventView, WebhookView, WorkflowView } from '../../../control/responses';
import type { ApiProblem, ConsoleApi } from '../../api-client';

export interface EventPageData {
  webhook: WebhookView;
  event: EventView;
  /** Names of the workflows the runs went to, by id; a workflow deleted since is named by its id. */
  workflowNames: ReadonlyMap<string, string>;
}

export type EventPageLoad =
  | { found: true; data: EventPageData }
  /** Not this project's webhook, or no such event under it: the same 404 either way. */
  | { found: false }
  /** The payload read was refused (its audit entry could not be written, the payload is being deleted). */
  | { found: true; data: EventPageData; payloadRefused: ApiProblem };

async function workflowNamesOf(api: ConsoleApi, webhook: WebhookView, event: EventView): Promise<Map<string, string>> {
  const names = new Map(webhook.dependents.map((d) => [d.id, d.name]));
  const missing = [...new Set(event.runs.map((r) => r.workflow_id))].filter((id) => !names.has(id));
  await Promise.all(
    missing.map(async (id) => {
      const workflow = await api.get<WorkflowView>(`/v1/workflows/${encodeURIComponent(id)}`);
      if (workflow.ok) names.set(id, workflow.data.name);
    }),
  );
  return names;
}

/**
 * The event `eventId` of the webhook `webhookId`. With `payload`, the read that returns the
 * payload (`?include=payload`): the API records it in the audit log before it answers.
 */
export async function loadEventPage(api: ConsoleApi, webhookId: string, eventId: string, opts: { payload?: boolean } = {}): Promise<EventPageLoad> {
  const [webhook, event] = await Promise.all([api.get<WebhookView>(`/v1/webhooks/${webhookId}`), api.get<EventView>(`/v1/events/${eventId}`)]);
  // An event of another webhook is not found here: the address names the webhook too.
  if (!webhook.ok || !event.ok || event.data.webhook_id !== webhookId) return { found: false };
  const workflowNames = await workflowNamesOf(api, webhook.data, event.data);
  if (opts.payload !== true || event.data.payload_state !== 'kept') return { found: true, data: { webhook: webhook.data, event: event.data, workflowNames } };
  const read = await api.get<EventView>(`/v1/events/${eventId}?include=payload`);
  if (!read.ok) return { found: true, data: { webhook: webhook.data, event: event.data, workflowNames }, payloadRefused: read.problem };
  return { found: true, data: { webhook: webhook.data, event: read.data, workflowNames } };
}
