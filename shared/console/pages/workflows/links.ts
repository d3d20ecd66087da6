/**
 * Addresses of the workflow pages, for every page that points at a workflow action (the webhook's
 * handlers table, a refusal that names workflows). `back=webhook` makes the action return to the
 * webhook's page when it is done; the address it returns to is built from the webhook id alone,
 * never taken from the request, so it cannot send anyone elsewhere.
 */

/** Where an attach or detach returns to when done: the workflow (default) or the webhook. */
export type Back = 'workflow' | 'webhook';

export function backOf(value: unknown): Back {
  return value === 'webhook' ? 'webhook' : 'workflow';
}

function query(params: Record<string, string | undefined>): string {
  const entries = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '');
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
}

/** A workflow's page, optionally at one of its sections (`triggers`, `delete`, …). */
export function workflowHref(workflowId: string, section?: string): string {
  return `/workflows/${encodeURIComponent(workflowId)}${section === undefined ? '' : `#${section}`}`;
}

/** The attach page; what is not given, the page asks for. */
export function attachHref(opts: { workflowId?: string; webhookId?: string; back?: Back }): string {
  return `/workflows/attach${query({ workflow_id: opts.workflowId, webhook_id: opts.webhookId, back: opts.back === 'webhook' ? 'webhook' : undefined })}`;
}

/** The detach confirmation: one trigger when the webhook is given, else each of the workflow's. */
export function detachHref(workflowId: string, opts: { webhookId?: string; back?: Back } = {}): string {
  return `/workflows/${encodeURIComponent(workflowId)}/detach${query({ webhook_id: opts.webhookId, back: opts.back === 'webhook' ? 'webhook' : undefined })}`;
}

/** The webhook page's list of the workflows that handle it. */
export function webhookWorkflowsHref(webhookId: string): string {
  return `/webhooks/${encodeURIComponent(webhookId)}#workflows`;
}
