/**
 * The audit log: each control-plane change and each read of a payload, kept in the caller's project
 * log (`ProjectLog.appendAudit`) as `{ id, at, tokenId, action, resourceId, outcome }`.
 *
 * Changes are recorded by one middleware. A route names its action in its RouteDoc (`audit`); after
 * its handler ran, refused or not, the middleware records the outcome the caller saw, so handlers
 * never record changes themselves and a new audited route is one field in its doc. A refused change
 * (`conflict (409)`, `not-found (404)`, …) is recorded too: who tried to delete what matters as much
 * as who did. Reads of a payload are the one exception: their entry must exist before the payload
 * leaves, so the handler records it (`c.var.audit.record`) and refuses when it cannot.
 *
 * An entry has no free-form field: the action is from a closed list, the resource id is an id or a
 * hostname from the path or from the created resource, the outcome is `ok` or a problem code with
 * its status. A secret or a payload has nowhere to go.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import { projectLog } from '../eventlog/client';
import type { AuditEntry } from '../eventlog/types';
import { bytesToHex } from '../encoding/hex';
import { safeErrorText } from '../http/safe-error';
import { AUDIT_OK, type AuditSpec } from './audit-actions';
import { clockOf, type ControlDeps, type ControlEnv } from './context';
import type { RouteDoc } from './route-doc';

/** A resource id is an id or a hostname; anything longer came from a caller probing with junk. */
const MAX_RESOURCE_ID = 253;

/** Sequence numbers per millisecond before they wrap: far more than one isolate writes. */
const SEQUENCE_SPAN = 36 ** 4;

/**
 * Audit ids that sort as they were written: the time, then a sequence, then randomness. The log
 * pages newest first by (at, id), so two entries of one millisecond keep their order.
 */
function auditIds(): (now: number) => string {
  let sequence = 0;
  return (now) => {
    sequence = (sequence + 1) % SEQUENCE_SPAN;
    const time = Math.max(0, now).toString(36).padStart(9, '0');
    return `aud_${time}${sequence.toString(36).padStart(4, '0')}${bytesToHex(crypto.getRandomValues(new Uint8Array(6)))}`;
  };
}

function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

/** `ok`, or the refusal as the caller saw it: `conflict (409)`. */
async function outcomeOf(response: Response): Promise<string> {
  if (response.status < 400) return AUDIT_OK;
  const body = await jsonOf(response);
  const code = typeof body?.code === 'string' ? body.code : 'http';
  return `${code} (${response.status})`;
}

async function jsonOf(response: Response): Promise<Record<string, unknown> | null> {
  try {
    const body: unknown = await response.clone().json();
    return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The resource the request acted on, per its route's spec. Called after the handler ran. */
async function resourceOf(c: Context<ControlEnv>, spec: AuditSpec): Promise<string | null> {
  let value: unknown;
  if ('param' in spec.resource) {
    value = c.req.param(spec.resource.param);
  } else if (c.res.status === 201 || c.res.status === 202) {
    value = (await jsonOf(c.res))?.[spec.resource.created];
  }
  return typeof value === 'string' && value !== '' ? value.slice(0, MAX_RESOURCE_ID) : null;
}

/**
 * Gives each request `c.var.audit`, and records every request to a route whose doc names an
 * `audit` action once its handler has answered. Mount it after the token check, for every route.
 *
 * A change is recorded after it happened, so an entry that cannot be written cannot undo it: the
 * failure is logged (action and error, nothing else) and the caller still gets the response that
 * describes what was done.
 */
export function auditChanges(routes: readonly RouteDoc[], deps: ControlDeps) {
  const clock = clockOf(deps);
  const nextId = auditIds();
  const audited = new Map<string, AuditSpec>();
  for (const route of routes) if (route.audit !== undefined) audited.set(routeKey(route.method, route.path), route.audit);

  return createMiddleware<ControlEnv>(async (c, next) => {
    const { caller } = c.var;
    c.set('audit', {
      record: async (action, resourceId, outcome) => {
        const now = clock();
        const entry: AuditEntry = { id: nextId(now), at: new Date(now).toISOString(), tokenId: caller.tokenId, action, resourceId, outcome };
        await projectLog(c.env, caller.projectId).appendAudit(entry);
      },
    });
    await next();
    // After next(), the request's route index is the handler that answered (or threw): its path
    // names the route, its parameters the resource.
    const spec = audited.get(routeKey(c.req.method, routePath(c)));
    if (spec === undefined) return;
    try {
      await c.var.audit.record(spec.action, await resourceOf(c, spec), await outcomeOf(c.res));
    } catch (err) {
      console.error('audit entry not written', spec.action, safeErrorText(err));
    }
  });
}
