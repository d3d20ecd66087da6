import type { Context } from 'hono';
import type { Db } from '../db/client';
import type { WebhookResolver } from '../ingress/webhook-resolver';
import type { TxtLookup } from './domain-verification';

/** The project a verified API token belongs to: every query is scoped by it. */
export interface Caller {
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
}

export type ControlEnv = { Bindings: Env; Variables: { caller: Caller; db: Db } };

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
