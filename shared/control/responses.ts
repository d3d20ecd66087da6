/**
 * The control API's answers as its clients read them: the console, `hasp` and the tests import
 * these shapes instead of declaring them again. Types only, and free of Worker types, so the CLI's
 * Node build (tsconfig.node.json) and a bundle of the CLI import this module as they are.
 *
 * `webhookView` is typed by `WebhookView`; the other routes' views are checked against their shapes
 * by test/console/response-types.test.ts, so a field a route drops or renames fails to compile.
 */
import type { Draft } from '../describe/draft';
import type { thresholdsView } from '../health/thresholds';
import type { EventStatus, PayloadState, RunRecord } from '../eventlog/types';
import type { ReplayFilter } from '../replay/filter';
import type { Mapping } from '../schema/mapping';
import type { PublicAuth } from '../signatures/public-auth';

export type HealthThresholdsView = ReturnType<typeof thresholdsView>;

/** Every list: newest first; pass `next_cursor` back as `cursor` for the next page. */
export interface ListPage<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

export type TriggerClass = 'A' | 'B';

/** Every key that any member of the union `U` has. */
type KeysOfUnion<U> = U extends unknown ? keyof U : never;

/**
 * Each member of `U` with the other members' keys as absent, so a client reads `auth.warning` or
 * `auth.header` without narrowing on `method` first, and gets `undefined` where the method has none.
 */
type ReadableUnion<U, K extends PropertyKey = KeysOfUnion<U>> = U extends unknown ? U & Partial<Record<Exclude<K, keyof U>, undefined>> : never;

/** A webhook's auth as every view shows it: never a secret (shared/signatures/public-auth.ts). */
export type AuthView = ReadableUnion<PublicAuth>;

/** A workflow that handles the webhook's requests: one of its reverse dependencies. */
export interface Dependent {
  id: string;
  name: string;
  enabled: boolean;
  class: TriggerClass;
}

/** A secret that still verifies: its id and times, never its value. */
export interface SecretSummary {
  id: string;
  created_at: string;
  expires_at: string | null;
}

export interface RateLimit {
  requests: number;
  period_seconds: number;
}

/** The one resource view of a webhook (`GET /v1/webhooks/{id}`, each list item, every write's answer). */
export interface WebhookView {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  /** On the org's runtime host. */
  url: string;
  /** The same path on each of the org's active custom hostnames. */
  urls: string[];
  enabled: boolean;
  auth: AuthView;
  /** True when requests cannot verify yet: the sender-issued secret was never added. */
  awaiting_secret: boolean;
  secrets: SecretSummary[];
  schema: unknown;
  body_limit_bytes: number;
  payload_retention_days: number;
  metadata_retention_days: number;
  /** Null when the webhook has no limit. */
  rate_limit: RateLimit | null;
  /** Addresses and CIDR ranges allowed to send; empty allows any. */
  ip_allowlist: string[];
  /** The sender-health issue thresholds in force: the webhook's overrides over the defaults. */
  health_thresholds: HealthThresholdsView;
  /** Open and acknowledged sender-health issues; null when they could not be read just now. */
  open_issues: number | null;
  dependents: Dependent[];
  created_at: string;
  updated_at: string;
}

/**
 * What a create (201), or a PATCH that gives the webhook a new secret, adds to the view: the
 * generated secret, in this answer only, or the next step when the sender issues the secret.
 */
export interface SecretDisclosure {
  secret?: string;
  next_step?: string;
}

/** `POST /v1/webhooks` (201): the view, the disclosure, and the draft's notes when a description made it. */
export type CreatedWebhook = WebhookView & SecretDisclosure & { notes?: string[] };

/** `POST /v1/webhooks/draft`: a proposal to review; nothing is created. */
export type WebhookDraft = Draft;

/** `POST /v1/webhooks/{id}/rotate-secret`. */
export interface RotatedSecret extends SecretDisclosure {
  id: string;
  secret_id: string;
  overlap_seconds: number;
  /** When the secrets before this one stop verifying; null when none still does. */
  previous_secrets_expire_at: string | null;
  secrets: SecretSummary[];
}

/** `POST /v1/webhooks/{id}/test-event`: what the ingress answered the signed request. */
export interface TestEventAnswer {
  status: number;
  body: unknown;
}

/** A trigger of a workflow: its webhook, the class it was attached with and, for Class B, the mapping. */
export interface TriggerView {
  webhook_id: string;
  webhook_slug: string;
  class: TriggerClass;
  mapping?: Mapping;
}

/** `GET /v1/workflows/{id}`, each list item, every write's answer. */
export interface WorkflowView {
  id: string;
  name: string;
  enabled: boolean;
  input_schema: unknown;
  triggers: TriggerView[];
  created_at: string;
  updated_at: string;
}

/** A run of an event: one workflow it was handed to. */
export type RunView = RunRecord;

/** An accepted event (`GET /v1/events/{id}`, the list without `status=rejected`, the feed). */
export interface EventView {
  kind: 'event';
  id: string;
  webhook_id: string;
  status: EventStatus;
  received_at: string;
  delivery_id: string | null;
  error: string | null;
  payload_state: PayloadState;
  /** The payload with `?include=payload` while kept; once gone, why (`"expunged"`, `"expired"`). */
  payload?: unknown;
  runs: RunView[];
}

/** Refusals of one cause, aggregated by the ingress (`GET /v1/events?status=rejected`). */
export interface RefusalView {
  kind: 'rejection';
  id: string;
  webhook_id: string;
  status: 'rejected';
  /** The problem code the sender got. */
  reason: string;
  http_status: number;
  count: number;
  first_at: string;
  last_at: string;
  detail: string;
  /** The last request among them kept for replay (`GET /v1/rejections/{id}`), or null. */
  request_id: string | null;
}

/** `POST /v1/events/{id}/replay` (202): the workflows that had no run for the event yet. */
export interface EventReplay {
  event_id: string;
  status: 'queued';
  requested_at: string;
  workflows: string[];
}

export interface RequestCounts {
  accepted: number;
  refused: number;
}

export interface StatsHour extends RequestCounts {
  /** The hour's start (ISO, UTC). */
  hour: string;
  refused_by_reason: Record<string, number>;
}

/** `GET /v1/events/stats`: accepted and refused requests per hour, in total and per webhook. */
export interface EventStats {
  from: string;
  to: string;
  hours: StatsHour[];
  totals: RequestCounts;
  by_webhook: Record<string, RequestCounts>;
}

/** One failing path of a payload, as the ingress answered it. */
export interface PathError {
  path: string;
  message: string;
}

/** A refused request kept sealed so it can be replayed (`GET /v1/rejections/{id}`, each list item). */
export interface KeptRequestView {
  id: string;
  webhook_id: string;
  reason: string;
  http_status: number;
  detail: string;
  errors?: PathError[];
  received_at: string;
  delivery_id: string | null;
  /** The event id a replay gives it: the one the sender's retry would have had. */
  event_id: string;
  payload_state: PayloadState;
  replayable_until: string | null;
  replayed: null | { at: string; event_id: string };
}

/** `POST /v1/rejections/{id}/replay` (202). */
export interface RejectionReplay {
  event_id: string;
  status: 'accepted';
}

/** A bulk replay job and its progress (`/v1/replays`). */
export interface ReplayJobView {
  id: string;
  status: 'running' | 'done' | 'failed';
  filter: ReplayFilter;
  scanned: number;
  replayed: number;
  skipped: number;
  failed: number;
  skipped_reasons: Record<string, number>;
  failed_reasons: Record<string, number>;
  /** The job walks newest first: events received at or after this time have been scanned. */
  scanned_back_to: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

/** A refusal as the feed shows it: counted refusals of one cause, at the last one's time. */
export interface FeedRefusal {
  id: string;
  webhook_id: string;
  reason: string;
  http_status: number;
  count: number;
  detail: string;
  at: string;
  request_id: string | null;
}

export type FeedItem = { cursor: string; kind: 'event'; event: EventView } | { cursor: string; kind: 'refusal'; refusal: FeedRefusal };

/** `GET /v1/feed`: changes oldest first; always a cursor to poll with next. */
export interface FeedPage {
  data: FeedItem[];
  has_more: boolean;
  next_cursor: string;
}

/** One entry of `GET /v1/audit`: who did what to which resource, and how it ended. */
export interface AuditEntryView {
  id: string;
  at: string;
  token_id: string;
  action: string;
  resource_id: string | null;
  outcome: string;
}
