/**
 * Requests to the deployed Worker as a sender makes them: real URLs with the org host, bodies
 * signed by the `standardwebhooks` package (the sender-side library), not by our own code.
 */
import { SELF } from 'cloudflare:test';
import { Webhook } from 'standardwebhooks';

export const RUNTIME = 'usehasp.run';

export interface SendOptions {
  host?: string;
  method?: string;
  headers?: Record<string, string>;
  contentType?: string | null;
}

export function webhookUrl(orgSlug: string, slug: string): string {
  return `https://${orgSlug}.${RUNTIME}/webhooks/${slug}`;
}

/** Headers a Standard Webhooks sender would send for this body. */
export function standardSignature(secret: string, body: string, opts: { id?: string; at?: Date } = {}): Record<string, string> {
  const id = opts.id ?? `msg_${crypto.randomUUID()}`;
  const at = opts.at ?? new Date();
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}

export async function post(url: string, body: string, opts: SendOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.contentType !== null) headers['content-type'] = opts.contentType ?? 'application/json';
  return SELF.fetch(url, { method: opts.method ?? 'POST', headers, body: opts.method === 'GET' || opts.method === 'HEAD' ? null : body });
}

/** Signs with the default scheme and posts. */
export async function postSigned(url: string, secret: string, payload: unknown, opts: SendOptions & { id?: string; at?: Date } = {}): Promise<Response> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return post(url, body, { ...opts, headers: { ...standardSignature(secret, body, opts), ...opts.headers } });
}

export interface Problem {
  type: string;
  code: string;
  title: string;
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
}

export async function problemOf(response: Response): Promise<Problem> {
  if (response.headers.get('content-type') !== 'application/problem+json') {
    throw new Error(`expected problem+json, got ${response.headers.get('content-type')} (${response.status})`);
  }
  return response.json();
}
