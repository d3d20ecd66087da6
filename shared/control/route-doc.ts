/**
 * What each control route declares about itself for GET /v1/openapi.json. `body` and `query` are
 * the very valibot schemas its validators run, so the document describes what the code checks.
 */
import type * as v from 'valibot';
import type { AuditSpec } from './audit';

export interface RouteDoc {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** The hono path, e.g. `/v1/webhooks/:id`. */
  path: string;
  summary: string;
  body?: v.GenericSchema;
  query?: v.GenericSchema;
  /** Status → description; error statuses render as problem+json. */
  responses: Record<number, string>;
  /** False only for routes that need no API token. */
  auth?: boolean;
  /** What the audit log records for each request to this route (a change); absent for reads. */
  audit?: AuditSpec;
}
