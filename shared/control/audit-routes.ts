/**
 * `GET /v1/audit`: the project's audit log, newest first, keyset-paginated: who (API token) did what
 * (action) to which resource, when, and how it ended. What is recorded, and why no entry can hold a
 * secret or a payload: ./audit.ts.
 */
import { createFactory } from 'hono/factory';
import * as v from 'valibot';
import { projectLog } from '../eventlog/client';
import type { AuditEntry } from '../eventlog/types';
import type { ControlEnv } from './context';
import { PAGE_PARAMS, pageBody, readLogPage } from './pagination';
import { ControlRoutes } from './route-doc';
import { queryParams } from './validation';

export const ListAuditQuery = v.strictObject(PAGE_PARAMS);

const factory = createFactory<ControlEnv>();

function auditView(entry: AuditEntry) {
  return { id: entry.id, at: entry.at, token_id: entry.tokenId, action: entry.action, resource_id: entry.resourceId, outcome: entry.outcome };
}

function listAudit() {
  return factory.createHandlers(queryParams(ListAuditQuery), async (c) => {
    const log = projectLog(c.env, c.var.caller.projectId);
    const page = await readLogPage(c.req.valid('query'), (after, limit) => log.listAudit({ after, limit }));
    return c.json(pageBody(page, auditView));
  });
}

export function auditRoutes(): ControlRoutes {
  return new ControlRoutes()
    .route(
      { method: 'get', path: '/v1/audit', summary: 'The audit log: each control-plane change and each payload read (time, token, action, resource, outcome), newest first', query: ListAuditQuery, responses: { 200: '`{ data, has_more, next_cursor }`', 400: 'Invalid query' } },
      ...listAudit(),
    );
}
