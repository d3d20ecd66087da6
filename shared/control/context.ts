import type { Db } from '../db/client';
import type { WebhookResolver } from '../ingress/webhook-resolver';

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
}

export type ControlEnv = { Bindings: Env; Variables: { caller: Caller; db: Db } };
