/** Calls to the control API as a client makes them: `https://api.usehasp.run/v1/...` with a bearer token. */
import { env, SELF } from 'cloudflare:test';
import { expect } from 'vitest';
import type { AuditEntryView, CreatedWebhook, EventView, ListPage, WorkflowView } from '../../shared/control/responses';
import { projectLog } from '../../shared/eventlog/client';
import { acrossLog, firstRowInLog } from './log-storage';
import type { TestProject } from './fixtures';
import { postSigned, type Problem } from './send';
import { waitFor } from './wait';

export const API = 'https://api.usehasp.run';

// The API's own shapes, under the names the tests have always read them by.
export type { AuditEntryView as AuditItem, CreatedWebhook as WebhookBody, EventView, ListPage as Page, RunView, WorkflowView as WorkflowBody } from '../../shared/control/responses';

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** One control API call; JSON bodies are sent as application/json, `raw` strings as given. */
export async function api<T = Record<string, unknown>>(
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
  opts: { raw?: string; contentType?: string } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (opts.raw !== undefined) payload = opts.raw;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
  const response = await SELF.fetch(`${API}${path}`, { method, headers, body: payload });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text === '' ? null : JSON.parse(text)) as T };
}

/** A control API error: the problem body, checked to be problem+json. */
export async function apiProblem(token: string | null, method: string, path: string, body?: unknown, opts: { raw?: string; contentType?: string } = {}): Promise<ApiResponse<Problem & Record<string, unknown>>> {
  const response = await api<Problem & Record<string, unknown>>(token, method, path, body, opts);
  const type = response.headers.get('content-type');
  if (type !== 'application/problem+json') throw new Error(`expected problem+json, got ${type} (${response.status})`);
  return response;
}

/** The paths named by a problem's `errors`. */
export function errorPaths(problem: Problem): string[] {
  return (problem.errors ?? []).map((e) => e.path);
}

/** Creates a webhook through the API and returns its 201 body. */
export async function createWebhookViaApi(token: string, body: Record<string, unknown>): Promise<CreatedWebhook> {
  const response = await api<CreatedWebhook>(token, 'POST', '/v1/webhooks', body);
  if (response.status !== 201) throw new Error(`webhook create failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

export async function createWorkflowViaApi(token: string, body: Record<string, unknown>): Promise<WorkflowView> {
  const response = await api<WorkflowView>(token, 'POST', '/v1/workflows', body);
  if (response.status !== 201) throw new Error(`workflow create failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** A payload shaped unlike CHART_SAMPLE, and the Class B mapping that feeds the chart contract from it. */
export const NESTED_SAMPLE = { patient: { id: 'p9' }, kind: 'chart_updated', fields: ['medications'] };
export const NESTED_MAPPING = { patient_id: '/patient/id', event: '/kind', updated_fields: '/fields' };

/** Every page of a list, following `next_cursor` from the first page to the last. */
export async function allPages<T>(token: string, path: string, limit: number): Promise<ListPage<T>[]> {
  const pages: ListPage<T>[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const response: ApiResponse<ListPage<T>> = await api<ListPage<T>>(token, 'GET', `${path}${separator}limit=${limit}${cursor === null ? '' : `&cursor=${cursor}`}`);
    if (response.status !== 200) throw new Error(`${path} failed: ${response.status} ${JSON.stringify(response.body)}`);
    pages.push(response.body);
    cursor = response.body.next_cursor;
  } while (cursor !== null);
  return pages;
}

/** The project's audit log, newest first, read page by page. */
export async function auditLog(token: string, pageSize = 100): Promise<AuditEntryView[]> {
  return (await allPages<AuditEntryView>(token, '/v1/audit', pageSize)).flatMap((p) => p.data);
}

/** The id (`tok_…`) of the project's API token: what its audit entries name. */
export async function tokenIdOf(project: TestProject): Promise<string> {
  const row = await env.DB.prepare('SELECT id FROM api_tokens WHERE project_id = ?').bind(project.projectId).first<{ id: string }>();
  if (row === null) throw new Error(`project ${project.projectId} has no token`);
  return row.id;
}

/** Sends `payload` signed with the webhook's secret through the ingress; returns the event id of the 202. */
export async function sendToWebhook(hook: Pick<CreatedWebhook, 'url'>, secret: string, payload: unknown, opts: { id?: string } = {}): Promise<string> {
  const response = await postSigned(hook.url, secret, payload, opts);
  expect(response.status).toBe(202);
  return (await response.json<{ event_id: string }>()).event_id;
}

/** Waits until the event is dispatched with `runs` runs, as the control API shows it. */
export async function dispatchedEvent(token: string, eventId: string, runs = 0): Promise<EventView> {
  return waitFor(async () => {
    const response = await api<EventView>(token, 'GET', `/v1/events/${eventId}`);
    return response.status === 200 && response.body.status === 'dispatched' && response.body.runs.length === runs && response.body.runs.every((r) => r.status === 'dispatched') && response.body;
  }, `event ${eventId} dispatched with ${runs} run(s)`);
}

/** The R2 key the project's log names for a claim-checked payload (null when inline or gone). */
export async function payloadKeyOf(project: TestProject, eventId: string): Promise<string | null> {
  const event = await projectLog(env, project.projectId).getEvent(eventId);
  return event?.payloadKey ?? null;
}

/** Every row of every table in the project's log, as text: what a search for a leaked value reads. */
export async function logStorageText(project: TestProject): Promise<string> {
  const texts = await acrossLog(project.projectId, (state, n) => {
    const tables = state.storage.sql
      .exec<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`)
      .toArray()
      .map((t) => t.name);
    if (n === 0) expect(tables).toContain('audit');
    return JSON.stringify(tables.map((name) => ({ segment: n, name, rows: state.storage.sql.exec(`SELECT * FROM "${name}"`).toArray() })));
  });
  return texts.join('\n');
}

/** When the project's log will delete the event's payload and its metadata (epoch ms). */
export async function expiriesOf(project: TestProject, eventId: string): Promise<{ payload: number; metadata: number }> {
  const row = await firstRowInLog<{ payload: number; metadata: number }>(project.projectId, 'SELECT payload_expires_at AS payload, metadata_expires_at AS metadata FROM events WHERE id = ?', eventId);
  if (row === null) throw new Error(`event ${eventId} is not in the project's log`);
  return { payload: row.payload, metadata: row.metadata };
}
