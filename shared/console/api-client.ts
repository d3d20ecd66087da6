/**
 * How a console page calls the control API: in-process, through the same control app the JSON API
 * serves, so every rule (validation, ownership, classes, audit) is the one the API applies. The
 * principal travels as a mark on the Request object (`actAsToken`), never as a header: nothing a
 * browser sends can claim it.
 */
import { actAsToken } from '../control/require-token';
import type { ControlFetcher, HonoExecutionContext } from './control-fetcher';

/** One failing field of a problem: a JSON Pointer into what was sent, and what is wrong there. */
export interface FieldError {
  path: string;
  message: string;
}

/** A problem+json answer of the control API, with the extensions pages use to say what to do next. */
export interface ApiProblem {
  code: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  /** 409 on delete: the workflows that depend on the webhook. */
  dependents?: { id: string; name: string; class?: 'A' | 'B' }[];
  /** 409 on a schema change: the workflows it would break, each with its unmet fields. */
  workflows?: { id: string; name: string; unmet: { field: string; reason: string }[] }[];
  /** 422 on a trigger: each refused trigger with its unmet fields. */
  triggers?: { index: number; webhook_id: string; unmet: { field: string; reason: string }[] }[];
  /** The answer's Retry-After (a 429, a 503): pages say when to try again. */
  retry_after_seconds?: number;
  [extension: string]: unknown;
}

export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number; problem: ApiProblem };

export interface ConsoleApi {
  get<T>(path: string): Promise<ApiResult<T>>;
  post<T>(path: string, body?: unknown): Promise<ApiResult<T>>;
  patch<T>(path: string, body: unknown): Promise<ApiResult<T>>;
  delete<T = null>(path: string): Promise<ApiResult<T>>;
}

export interface ApiClientOptions {
  control: ControlFetcher;
  env: Env;
  ctx: HonoExecutionContext;
  /** The signed-in session's API token id. */
  tokenId: string;
  /**
   * The API origin to address: `http://api.localhost:8787` when the console is on the dev host, so
   * the URLs the API builds from it (`http://acme.localhost:8787/webhooks/…`) work when pasted.
   * Defaults to the production API host.
   */
  apiOrigin?: string;
}

/** The API origin beside a console request: the same scheme, host suffix and port on the dev host. */
export function apiOriginFor(request: Request, env: Pick<Env, 'RUNTIME_DOMAIN'>, local: boolean): string {
  if (!local) return `https://api.${env.RUNTIME_DOMAIN}`;
  const url = new URL(request.url);
  const host = request.headers.get('host') ?? url.host;
  return `${url.protocol}//${host.replace(/^console\./i, 'api.')}`;
}

/** A control API client acting as the session's token; `path` starts with `/v1/`. */
export function consoleApi(opts: ApiClientOptions): ConsoleApi {
  const origin = opts.apiOrigin ?? `https://api.${opts.env.RUNTIME_DOMAIN}`;
  async function call<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
    if (!path.startsWith('/v1/')) throw new Error(`console API paths start with /v1/: ${path}`);
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'content-type': 'application/json' };
    }
    const response = await opts.control.fetch(actAsToken(new Request(origin + path, init), opts.tokenId), opts.env, opts.ctx);
    const text = await response.text();
    const parsed: unknown = text === '' ? null : JSON.parse(text);
    if (response.ok) return { ok: true, status: response.status, data: parsed as T };
    const problem = asProblem(parsed, response.status);
    const retryAfter = Number(response.headers.get('retry-after') ?? NaN);
    if (Number.isFinite(retryAfter) && retryAfter >= 0) problem.retry_after_seconds = retryAfter;
    return { ok: false, status: response.status, problem };
  }
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body ?? {}),
    patch: (path, body) => call('PATCH', path, body),
    delete: (path) => call('DELETE', path),
  };
}

function asProblem(body: unknown, status: number): ApiProblem {
  if (typeof body === 'object' && body !== null && 'detail' in body && typeof body.detail === 'string') {
    return { code: 'internal', title: 'Error', status, ...(body as Partial<ApiProblem>), detail: body.detail };
  }
  return { code: 'internal', title: 'Error', status, detail: 'The control API gave an answer the console could not read. Retry; if it persists, use the API directly.' };
}
