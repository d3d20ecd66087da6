/**
 * One closed list of problem types (RFC 9457). `type` is an absolute URI ending in the code;
 * `code` repeats it for clients that switch on a short string. Titles are fixed per type; only
 * `detail` and the listed extensions vary, and none of them may carry a secret or payload data.
 */

import { safeErrorText } from './safe-error';
export const PROBLEM_BASE = 'https://usehasp.run/problems/';

export const PROBLEMS = {
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'payload-too-large': { status: 413, title: 'Payload too large' },
  // The sender closed the connection mid-body; its client is gone, so this answer is for the logs.
  'request-aborted': { status: 400, title: 'Request body incomplete' },
  'ip-not-allowed': { status: 403, title: 'Client address not allowed' },
  'missing-credential': { status: 401, title: 'Missing credential' },
  'bad-signature': { status: 401, title: 'Signature does not match' },
  'timestamp-out-of-tolerance': { status: 401, title: 'Timestamp outside tolerance' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  // Sent with Retry-After (seconds): the sender retries after the limit's window.
  'rate-limited': { status: 429, title: 'Rate limit exceeded' },
  'invalid-json': { status: 400, title: 'Body is not valid JSON' },
  'invalid-form': { status: 400, title: 'Body is not a valid form' },
  'schema-mismatch': { status: 400, title: 'Payload does not match the webhook schema' },
  'queue-unavailable': { status: 503, title: 'Event could not be queued' },
  'audit-unavailable': { status: 503, title: 'The read could not be audited' },
  unauthorized: { status: 401, title: 'Missing or invalid API token' },
  forbidden: { status: 403, title: 'Forbidden' },
  'invalid-request': { status: 400, title: 'Invalid request' },
  conflict: { status: 409, title: 'Conflict' },
  'incompatible-trigger': { status: 422, title: 'Trigger is incompatible with the workflow input' },
  // Custom domains (shared/domains): Cloudflare's API is down or rate-limited (sent with Retry-After),
  // or this deployment has no Cloudflare for SaaS configured.
  'cloudflare-unavailable': { status: 503, title: 'Cloudflare is unavailable' },
  'custom-domains-not-configured': { status: 503, title: 'Custom domains are not configured' },
  'cloudflare-refused': { status: 502, title: 'Cloudflare refused the request' },
  'hostname-quota-exhausted': { status: 409, title: 'Custom hostname quota exhausted' },
  internal: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEMS;

export interface ProblemBody {
  type: string;
  code: ProblemCode;
  title: string;
  status: number;
  detail: string;
  [extension: string]: unknown;
}

/** Thrown anywhere under a hono app; `onProblem` renders it as it is. */
export class ProblemError extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

export function problemBody(code: ProblemCode, detail: string, extensions: Record<string, unknown> = {}): ProblemBody {
  const { status, title } = PROBLEMS[code];
  return { type: PROBLEM_BASE + code, code, title, status, detail, ...extensions };
}

export function problemResponse(
  code: ProblemCode,
  detail: string,
  extensions: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(problemBody(code, detail, extensions)), {
    status: PROBLEMS[code].status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });
}

/**
 * The single error handler of every app: known problems render as they are; anything else is a
 * generic 500, logged by name and message only (never a payload, never a secret).
 */
export function onProblem(err: Error): Response {
  if (err instanceof ProblemError) return problemResponse(err.code, err.detail, err.extensions, err.headers);
  console.error('unhandled error', safeErrorText(err));
  return problemResponse('internal', 'Something went wrong on our side. Retry later; nothing was accepted.');
}
