/**
 * The vocabulary of the audit log (./audit.ts): the closed list of actions, what a route's doc names
 * to be audited, and the trail a handler records a payload read on. Apart from the middleware, so
 * the request context (./context.ts) and the route docs (./route-doc.ts) can name these types
 * without importing the middleware that imports them.
 */
export const AUDIT_ACTIONS = [
  'webhook.create',
  'webhook.update',
  'webhook.delete',
  'webhook.secret.rotate',
  'webhook.test_event',
  'workflow.create',
  'workflow.update',
  'workflow.delete',
  'workflow.trigger.attach',
  'workflow.trigger.detach',
  'domain.create',
  'domain.verify',
  'domain.delete',
  'event.replay',
  'event.payload.expunge',
  'event.payload.read',
  'rejection.replay',
  'rejection.payload.expunge',
  'replay.create',
  'replay.resume',
  'webhook.schema_proposal.apply',
  'webhook.schema_proposal.dismiss',
  'issue.update',
  'issue.replay',
  'notification_channel.create',
  'notification_channel.update',
  'notification_channel.delete',
  'notification_channel.secret.rotate',
  'notification_channel.test',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * What an audited route records: its action, and where the resource id is found: a path parameter,
 * or a field of the 201 (or, for a job, 202) body for a route that creates the resource (null when
 * it was refused).
 */
export interface AuditSpec {
  action: AuditAction;
  resource: { param: string } | { created: 'id' | 'hostname' };
}

export interface AuditTrail {
  /** Appends one entry to the caller's project log; throws when the log did not take it. */
  record(action: AuditAction, resourceId: string | null, outcome: string): Promise<void>;
}

/** The outcome of a request that was allowed. */
export const AUDIT_OK = 'ok';
