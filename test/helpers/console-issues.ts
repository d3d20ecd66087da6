/**
 * Issues for console tests, opened the way the ingress's refusal flush opens them: a flush of
 * refusals told to the project's health object (shared/health), above the cause's threshold.
 */
import { env } from 'cloudflare:test';
import { expect } from 'vitest';
import type { IssueView } from '../../shared/console/components/issues/types';
import type { FailedPath, RefusalObservation } from '../../shared/health/types';
import { senderHealth } from '../../shared/health/watch';
import { api, createWebhookViaApi, type Page, type WebhookBody } from './control-api';
import { CHART_SAMPLE, createProject, type TestProject } from './fixtures';
import { postSigned } from './send';
import { waitFor } from './wait';

/** `count` refusals of `reason` on the webhook, at `at`, as one flush. */
export async function flushRefusals(project: TestProject, webhookId: string, reason: string, count: number, opts: { at?: number; paths?: FailedPath[] } = {}): Promise<void> {
  const at = opts.at ?? Date.now();
  const stamp = new Date(at).toISOString();
  const row: RefusalObservation = { webhookId, reason, count, firstAt: stamp, lastAt: stamp, paths: opts.paths ?? [] };
  await senderHealth(env, project.projectId).observeRefusals(project.projectId, [row], at);
}

/** The webhook's one issue of `cause`, as the API shows it by itself (with `kept_requests`); throws when there is none. */
export async function issueOf(project: TestProject, webhookId: string, cause: IssueView['cause']): Promise<IssueView> {
  const list = await api<Page<IssueView>>(project.token, 'GET', `/v1/issues?webhook_id=${webhookId}&cause=${cause}`);
  const found = list.body.data[0];
  if (list.status !== 200 || found === undefined) throw new Error(`no ${cause} issue on ${webhookId}: ${list.status}`);
  return (await api<IssueView>(project.token, 'GET', `/v1/issues/${found.id}`)).body;
}

/** Opens an authentication issue on the webhook with `count` (at least 10) bad signatures; answers it. */
export async function openAuthenticationIssue(project: TestProject, webhookId: string, count = 20): Promise<IssueView> {
  await flushRefusals(project, webhookId, 'bad-signature', count);
  return issueOf(project, webhookId, 'authentication');
}

/** How many refused requests `refusedSender` sends. */
export const REFUSED = 6;

/**
 * A webhook (CHART_SAMPLE's schema) whose sender sends `updated_fields` as the string `value`:
 * REFUSED signed requests refused and kept, and the ingress's flush of their counts told to the
 * health object at once, which opens a content issue (and proposes widening the type).
 */
export async function refusedSender(value: string, opts: { project?: TestProject } = {}): Promise<{ project: TestProject; hook: WebhookBody & { secret: string } }> {
  const project = opts.project ?? (await createProject());
  const created = await createWebhookViaApi(project.token, { name: 'Chart updates', sample_payload: CHART_SAMPLE });
  if (created.secret === undefined) throw new Error('no generated secret');
  const hook = { ...created, secret: created.secret };
  for (let i = 0; i < REFUSED; i++) {
    const response = await postSigned(hook.url, hook.secret, { ...CHART_SAMPLE, updated_fields: value });
    expect(response.status).toBe(400);
  }
  // Kept requests are written in a batch a moment after the answers.
  await waitFor(async () => {
    const kept = await api<Page<{ id: string }>>(project.token, 'GET', `/v1/rejections?webhook_id=${hook.id}`);
    return kept.body.data.length === REFUSED;
  }, 'the refused requests kept');
  await flushRefusals(project, hook.id, 'schema-mismatch', REFUSED, { paths: [{ path: '/updated_fields', type: 'string', count: REFUSED }] });
  return { project, hook };
}
