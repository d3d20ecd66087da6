/**
 * The structured lines an operator queries in Workers Logs (wrangler.toml,
 * `[env.production.observability]`): one JSON object per line, so the dashboard indexes each field.
 *
 * A line says what happened and to which webhook, request or event, by id; its cause is a closed
 * code. It never carries a payload, a secret or a header value: what a sender sent stays in the
 * project's log, sealed. Each line is one `console.log`, and the refusal's runs on the ingress's hot
 * path, so nothing here reads, formats or allocates more than the line itself.
 *
 * Logs are sampled with the invocation (head_sampling_rate): they show causes and trends. The
 * exact record is the project's log: refusal counts (GET /v1/events?status=rejected) and dead
 * events (status=dead).
 */
import type { ProblemCode } from '../http/problem';

/** A request to a known webhook the ingress refused. */
export interface RefusalLine {
  /** The problem code the sender was answered with. */
  cause: ProblemCode;
  webhookId: string;
  /** The request kept for replay (content refusals after authentication); absent otherwise. */
  requestId?: string | undefined;
  status: number;
}

/** Why an event is dead: its retries ran out (it came through a dead-letter queue), or its payload never opens. */
export type DeadCause = 'retries-exhausted' | 'undecryptable-payload';

/** An event recorded dead in its project's log. */
export interface DeadEventLine {
  cause: DeadCause;
  webhookId: string;
  eventId: string;
}

/**
 * Whether the ingress writes a line per refusal: yes, unless the config says "off". `npm run dev`
 * does: `wrangler dev` already prints a line per request, and it source-maps every line a Worker
 * logs in its own process, about 0.9 ms of its CPU each, so under a flood of refusals the local
 * ingress would measure the dev tool rather than itself. Production, which has no such proxy and
 * keeps the lines in Workers Logs, and the tests leave it on.
 */
export function refusalLinesOn(env: Pick<Env, 'REFUSAL_LOG_LINES'>): boolean {
  return env.REFUSAL_LOG_LINES !== 'off';
}

/** `{ event: 'webhook.refused', cause, webhook_id, request_id?, status }`; request_id only when the request was kept. */
export function logRefusal({ cause, webhookId, requestId, status }: RefusalLine): void {
  // JSON.stringify leaves out a key whose value is undefined: no request_id for a request not kept.
  console.log(JSON.stringify({ event: 'webhook.refused', cause, webhook_id: webhookId, request_id: requestId, status }));
}

/** `{ event: 'event.dead', cause, webhook_id, event_id }`. */
export function logDeadEvent({ cause, webhookId, eventId }: DeadEventLine): void {
  console.log(JSON.stringify({ event: 'event.dead', cause, webhook_id: webhookId, event_id: eventId }));
}
