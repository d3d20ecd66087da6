/** Calls to the control API as a client makes them: `https://api.usehasp.run/v1/...` with a bearer token. */
import { SELF } from 'cloudflare:test';
import type { Problem } from './send';

export const API = 'https://api.usehasp.run';

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

export interface WebhookBody {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  url: string;
  urls: string[];
  enabled: boolean;
  auth: { method: string; recommended: boolean; warning?: string; [k: string]: unknown };
  awaiting_secret: boolean;
  secret?: string;
  next_step?: string;
  secrets: { id: string; created_at: string; expires_at: string | null }[];
  schema: Record<string, unknown>;
  body_limit_bytes: number;
  dependents: { id: string; name: string; class: 'A' | 'B'; enabled: boolean }[];
}

export interface WorkflowBody {
  id: string;
  name: string;
  enabled: boolean;
  input_schema: Record<string, unknown>;
  triggers: { webhook_id: string; webhook_slug: string; class: 'A' | 'B'; mapping?: Record<string, string> }[];
}

/** Creates a webhook through the API and returns its 201 body. */
export async function createWebhookViaApi(token: string, body: Record<string, unknown>): Promise<WebhookBody> {
  const response = await api<WebhookBody>(token, 'POST', '/v1/webhooks', body);
  if (response.status !== 201) throw new Error(`webhook create failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

export async function createWorkflowViaApi(token: string, body: Record<string, unknown>): Promise<WorkflowBody> {
  const response = await api<WorkflowBody>(token, 'POST', '/v1/workflows', body);
  if (response.status !== 201) throw new Error(`workflow create failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** A payload shaped unlike CHART_SAMPLE, and the Class B mapping that feeds the chart contract from it. */
export const NESTED_SAMPLE = { patient: { id: 'p9' }, kind: 'chart_updated', fields: ['medications'] };
export const NESTED_MAPPING = { patient_id: '/patient/id', event: '/kind', updated_fields: '/fields' };
