/**
 * What the webhook resource view reads from the control API, as the JSON answers carry it. The
 * route loads these through the console's in-process API client; components only render them.
 */
import type { WebhookView } from '../../../control/webhook-view';
import type { Mapping } from '../../../schema/mapping';
import type { ApiProblem } from '../../api-client';
import type { HourCount } from '../../chart';

export type { ApiProblem };

/** Per-webhook controls (brief section 2): absent until the API carries them. */
export interface WebhookControls {
  rate_limit?: { requests: number; period_seconds: number } | null;
  ip_allowlist?: string[];
}

export type ConsoleWebhook = WebhookView & WebhookControls;

/** A workflow that handles this webhook's requests: the trigger's class and, for class B, its mapping. */
export interface Handler {
  id: string;
  name: string;
  enabled: boolean;
  class: 'A' | 'B';
  mapping: Mapping | null;
}

export interface EventRun {
  id: string;
  workflow_id: string;
  status: string;
  created_at: string;
  dispatched_at: string | null;
}

export interface RecentEvent {
  id: string;
  status: 'accepted' | 'dispatched' | 'dead';
  received_at: string;
  delivery_id: string | null;
  error: string | null;
  payload_state: 'kept' | 'expunged' | 'expired';
  runs: EventRun[];
}

/** Refusals of one cause, aggregated by the ingress (`GET /v1/events?status=rejected`). */
export interface RecentRefusal {
  id: string;
  reason: string;
  http_status: number;
  count: number;
  first_at: string;
  last_at: string;
  detail: string;
}

/** A refused request kept sealed so it can be replayed (`GET /v1/rejections`, brief section 3). */
export interface KeptRequest {
  id: string;
  reason: string;
  http_status: number;
  detail: string;
  errors?: { path: string; message: string }[];
  received_at: string;
  payload_state: 'kept' | 'expired' | 'expunged';
  replayable_until: string | null;
  replayed: null | { at: string; event_id: string };
}

/** What the last action left for the person to read: done, or the next step after a refusal. */
export type Notice =
  | { kind: 'done'; message: string }
  | { kind: 'problem'; action: string; problem: ApiProblem };

/** Everything the page shows; a part is null when its endpoint could not be read. */
export interface WebhookPageData {
  webhook: ConsoleWebhook;
  handlers: Handler[];
  events: RecentEvent[] | null;
  refusals: RecentRefusal[] | null;
  kept: KeptRequest[] | null;
  hours: HourCount[] | null;
  /** Names of workflows by id, for the runs of recent events. */
  workflowNames: Map<string, string>;
  notice: Notice | null;
  /** A secret made by this very request (rotation): shown once, never stored for later pages. */
  newSecret: string | null;
}
