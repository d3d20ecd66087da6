/**
 * What the webhook page shows, read in parallel through the console's API client: the webhook, the
 * workflows that handle it (each with its trigger), recent events and refusals, the refused
 * requests kept for replay, the last day's counts, its open issues and its schema proposals. A
 * part whose endpoint fails is null, and the page says it is unavailable instead of showing it empty.
 */
import { storedSchema } from '../../../control/payload-schema';
import type { EventStats, EventView, KeptRequestView, ListPage, RefusalView, WebhookView, WorkflowView } from '../../../control/responses';
import type { Dependent as SchemaDependent } from '../../../schema';
import type { ApiResult, ConsoleApi } from '../../api-client';
import { activeIssues } from '../../components/issues/load';
import type { ProposalView } from '../../components/issues/types';
import type { Handler, WebhookPageData } from '../../components/webhook/types';

/** How many recent events and refusals the page lists. */
const RECENT = 10;

/** The page's data before an action adds what it left (a notice, a secret made just now). */
export type LoadedWebhookPage = Omit<WebhookPageData, 'notice'>;

function listOrNull<T>(result: ApiResult<ListPage<T>>): T[] | null {
  return result.ok ? result.data.data : null;
}

/** The workflows listening to the webhook, each with its trigger's class and mapping. */
async function handlersOf(api: ConsoleApi, webhook: WebhookView): Promise<Handler[]> {
  return Promise.all(
    webhook.dependents.map(async (d) => {
      const workflow = await api.get<WorkflowView>(`/v1/workflows/${encodeURIComponent(d.id)}`);
      const trigger = workflow.ok ? workflow.data.triggers.find((t) => t.webhook_id === webhook.id) : undefined;
      return { id: d.id, name: d.name, enabled: d.enabled, class: trigger?.class ?? d.class, mapping: trigger?.mapping ?? null };
    }),
  );
}

/** Everything the page shows; null when the webhook itself is not this project's (or not at all). */
export async function loadWebhookPage(api: ConsoleApi, id: string): Promise<LoadedWebhookPage | null> {
  const found = await api.get<WebhookView>(`/v1/webhooks/${id}`);
  if (!found.ok) return null;
  const webhook = found.data;
  const [handlers, events, refusals, kept, stats, issues, proposals] = await Promise.all([
    handlersOf(api, webhook),
    api.get<ListPage<EventView>>(`/v1/events?webhook_id=${id}&limit=${RECENT}`),
    api.get<ListPage<RefusalView>>(`/v1/events?status=rejected&webhook_id=${id}&limit=${RECENT}`),
    api.get<ListPage<KeptRequestView>>(`/v1/rejections?webhook_id=${id}&limit=${RECENT}`),
    api.get<Pick<EventStats, 'hours'>>(`/v1/events/stats?webhook_id=${id}&hours=24`),
    activeIssues(api, { webhookId: id }),
    api.get<ListPage<ProposalView>>(`/v1/webhooks/${id}/schema-proposals`),
  ]);
  return {
    webhook,
    handlers,
    events: listOrNull(events),
    refusals: listOrNull(refusals),
    kept: listOrNull(kept),
    hours: stats.ok ? stats.data.hours : null,
    issues: issues === null ? null : issues.issues,
    proposals: listOrNull(proposals),
    workflowNames: new Map(handlers.map((h) => [h.id, h.name])),
  };
}

/**
 * The webhook's dependents as the schema compatibility check takes them (shared/schema/compat.ts):
 * each workflow's input contract and its trigger's mapping, read through the API as the PATCH reads
 * them from D1 (the stored contract, the stored mapping). Null when a workflow could not be read:
 * a check without it would say nothing breaks when it might.
 */
export async function schemaDependentsOf(api: ConsoleApi, webhook: WebhookView): Promise<SchemaDependent[] | null> {
  const read = await Promise.all(
    webhook.dependents.map(async (d): Promise<SchemaDependent | null> => {
      const workflow = await api.get<WorkflowView>(`/v1/workflows/${encodeURIComponent(d.id)}`);
      if (!workflow.ok) return null;
      const dependent: SchemaDependent = { workflowId: d.id, name: workflow.data.name, inputSchema: storedSchema(JSON.stringify(workflow.data.input_schema)) };
      const mapping = workflow.data.triggers.find((t) => t.webhook_id === webhook.id)?.mapping;
      if (mapping !== undefined) dependent.mapping = mapping;
      return dependent;
    }),
  );
  return read.every((d) => d !== null) ? read.filter((d) => d !== null) : null;
}
