import type { Context, ExecutionContext as HonoExecutionContext } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Db } from '../db/client';
import type { WebhookResolver } from '../ingress/webhook-resolver';
import { DataKeyCache } from '../secrets/data-keys';
import type { AuditTrail } from './audit-actions';
import type { AuthFailures } from './auth-failures';
import type { TxtLookup } from '../domains/takeover-proof';

/** The project a verified API token belongs to: every query is scoped by it. */
export interface Caller {
  /** The API token's id (`tok_…`): what the audit log records as who acted. */
  tokenId: string;
  projectId: string;
  orgId: string;
  orgSlug: string;
  plan: 'free' | 'team' | 'enterprise';
}

export interface ControlDeps {
  resolver: WebhookResolver;
  masterKey: (env: Env) => Promise<CryptoKey>;
  now?: () => number;
  /** DNS TXT lookup for domain verification; DNS-over-HTTPS unless a test injects another. */
  lookupTxt?: TxtLookup;
  /** The ingress app, called in-process by the test event (test-event-routes.ts). */
  ingress?: { fetch(request: Request, env: Env, ctx: HonoExecutionContext): Response | Promise<Response> };
  /** Wrong tokens counted per client (auth-failures.ts); the Worker shares one with the console's sign-in. */
  authFailures?: AuthFailures;
}

export interface ControlVariables {
  caller: Caller;
  db: Db;
  /** The caller's project data key (unwrapped once per isolate): seals secrets, opens payloads. */
  dataKey: () => Promise<CryptoKey>;
  /** Where this request records what it did (shared/control/audit.ts). */
  audit: AuditTrail;
}

export type ControlEnv = { Bindings: Env; Variables: ControlVariables };

/**
 * A path parameter of the route a handler is mounted on: hono types it only where the handler is
 * written inline with its path, so a handler defined on its own reads it here.
 */
export function pathParam(c: Context<ControlEnv>, name: string): string {
  const value = c.req.param(name);
  if (value === undefined) throw new Error(`the route has no :${name} parameter`);
  return value;
}

/** The deps' clock, or the wall clock. */
export function clockOf(deps: ControlDeps): () => number {
  return deps.now ?? Date.now;
}

/** Makes the edge see a write to the caller's org: this isolate at once, others within the TTL. */
export function edgeInvalidator(deps: ControlDeps) {
  return (caller: Caller): void => deps.resolver.invalidateOrg(caller.orgId, caller.orgSlug);
}

/**
 * Gives each request `c.var.dataKey`, from one cache per control app: a project's key is unwrapped
 * on its first use in the isolate, not on every request that seals or opens something.
 */
export function projectDataKeys(deps: ControlDeps) {
  const keys = new DataKeyCache();
  return createMiddleware<ControlEnv>(async (c, next) => {
    const projectId = c.var.caller.projectId;
    c.set('dataKey', async () => {
      const found = (await keys.get(c.env.DB, await deps.masterKey(c.env), [projectId])).get(projectId);
      if (found === undefined) throw new Error(`project ${projectId} has no data key`);
      return found;
    });
    await next();
  });
}
