/**
 * A project's sender health (README, "Sender health"): one SQLite-backed Durable Object per
 * project (`SENDER_HEALTH`, `idFromName(projectId)`), beside its log. It is told what happened off
 * the hot path (the ingress's refusal flushes, the consumer's accepted counts and shape
 * summaries), applies the issue rules and keeps the issues (./issues-store.ts), keeps schema-drift
 * evidence and proposals (./drift-store.ts), and announces each issue transition through the
 * notifications queue (shared/notify). The cron (./watch.ts) is its clock for what happens when
 * nothing arrives: issues that resolve after 30 quiet minutes, and silence.
 */
import { DurableObject } from 'cloudflare:workers';
import { LogSql } from '../eventlog/storage';
import { announceIssue } from '../notify/announce';
import * as drift from './drift-store';
import * as issues from './issues-store';
import { parseStoredThresholds, thresholdsOf, type Thresholds } from './thresholds';
import { watchUntil } from './watch';
import type { IssueQuery, IssueRecord, RefusalObservation, SettableIssueState, ShapeObservation, TrafficObservation } from './types';

/** A webhook's thresholds are read from D1 at most this often by one object. */
const THRESHOLDS_TTL_MS = 30_000;
/** How soon an outbox the queue refused is tried again (doubling, up to an hour). */
const OUTBOX_RETRY_MS = 15_000;

export class SenderHealth extends DurableObject<Env> {
  readonly #sql: LogSql;
  readonly #thresholds = new Map<string, { value: Thresholds; until: number }>();
  #outboxDelay = OUTBOX_RETRY_MS;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = new LogSql(ctx.storage.sql);
    void ctx.blockConcurrencyWhile(async () => {
      issues.migrate(this.#sql);
      drift.migrate(this.#sql);
    });
  }

  // --- issues (./issues-store.ts) ---------------------------------------------------------------

  async observeRefusals(projectId: string, rows: RefusalObservation[], now: number): Promise<void> {
    const deps = this.#issuesDeps(projectId);
    await issues.observeRefusals(deps, rows, now);
    // Schema refusals are drift evidence too: a path refused with one consistent new type.
    for (const row of rows) {
      if (row.reason === 'schema-mismatch' && row.paths.length > 0) await drift.observeRefusedPaths(this.#driftDeps(projectId), row.webhookId, row.paths, Date.parse(row.lastAt) || now);
    }
    await this.#afterChange(deps, now);
  }

  async observeAccepted(projectId: string, traffic: TrafficObservation[], shapes: ShapeObservation[], now: number): Promise<void> {
    const deps = this.#issuesDeps(projectId);
    await issues.observeTraffic(deps, traffic, now);
    if (shapes.length > 0) await drift.observeShapes(this.#driftDeps(projectId), shapes, now);
    await this.#afterChange(deps, now);
  }

  /** The clock's turn (the cron, or a test's moved clock): quiet issues resolve, silence is noticed. Answers when it is next due. */
  async tick(projectId: string, now: number): Promise<number | null> {
    const deps = this.#issuesDeps(projectId);
    const issuesDue = await issues.tick(deps, now);
    await drift.evaluateDue(this.#driftDeps(projectId), now);
    await this.#retryOutboxLater(deps);
    const next = earliest(issuesDue, drift.nextEvaluationDue(this.#sql));
    await this.ctx.storage.put('watch_due', next);
    return next;
  }

  async listIssues(query: IssueQuery): Promise<{ items: IssueRecord[]; next: { at: string; id: string } | null }> {
    return issues.list(this.#sql, query);
  }

  async getIssue(id: string): Promise<IssueRecord | null> {
    return issues.get(this.#sql, id);
  }

  async setIssueState(projectId: string, id: string, state: SettableIssueState, now: number): Promise<{ issue: IssueRecord } | { refused: string } | null> {
    const deps = this.#issuesDeps(projectId);
    const result = await issues.setState(deps, id, state, now);
    await this.#afterChange(deps, now);
    return result;
  }

  /** After the webhook was deleted: its issues, counts and drift evidence go with it. */
  async forgetWebhook(webhookId: string): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      issues.forgetWebhook(this.#sql, webhookId);
      drift.forgetWebhook(this.#sql, webhookId);
    });
  }

  /** Open (and acknowledged) issues per webhook, for the webhooks list and the resource view. */
  async openIssueCounts(): Promise<Record<string, number>> {
    return issues.openCounts(this.#sql);
  }

  /** Notices the queue refused earlier are handed to it again. */
  override async alarm(): Promise<void> {
    const projectId = (await this.ctx.storage.get<string>('project_id')) ?? null;
    if (projectId === null) return;
    await this.#retryOutboxLater(this.#issuesDeps(projectId));
  }

  #issuesDeps(projectId: string): issues.IssuesDeps {
    return {
      sql: this.#sql,
      storage: this.ctx.storage,
      projectId,
      thresholds: (webhookId) => this.#thresholdsOf(webhookId),
      announce: (notice) => announceIssue(this.env, notice),
    };
  }

  /**
   * After a change: the cron is told when this object is next due if that is sooner than it knew
   * (a later time it learns at its next visit), and an outbox the queue refused is retried later.
   */
  async #afterChange(deps: issues.IssuesDeps, now: number): Promise<void> {
    await this.ctx.storage.put('project_id', deps.projectId);
    await this.#retryOutboxLater(deps);
    const thresholds = new Map<string, Thresholds>();
    for (const { webhook_id } of this.#sql.all<{ webhook_id: string }>(`SELECT webhook_id FROM health_webhooks`)) thresholds.set(webhook_id, await this.#thresholdsOf(webhook_id));
    // Evidence whose comparison waits for its debounce is compared by the cron, so a proposal appears within a minute.
    const driftDue = drift.nextEvaluationDue(this.#sql);
    const next = earliest(issues.nextDue(deps, now, thresholds), driftDue === null ? null : Math.max(driftDue, now + 30_000));
    if (next === null) return;
    const known = (await this.ctx.storage.get<number | null>('watch_due')) ?? null;
    if (known !== null && known <= next) return;
    await watchUntil(this.env.DB, deps.projectId, next);
    await this.ctx.storage.put('watch_due', next);
  }

  async #retryOutboxLater(deps: issues.IssuesDeps): Promise<void> {
    if (await issues.flushOutbox(deps)) {
      this.#outboxDelay = OUTBOX_RETRY_MS;
      return;
    }
    await this.ctx.storage.setAlarm(Date.now() + this.#outboxDelay);
    this.#outboxDelay = Math.min(this.#outboxDelay * 2, 3_600_000);
  }

  async #thresholdsOf(webhookId: string): Promise<Thresholds> {
    const cached = this.#thresholds.get(webhookId);
    if (cached !== undefined && cached.until > Date.now()) return cached.value;
    const row = await this.env.DB.prepare(`SELECT health_thresholds FROM webhooks WHERE id = ?`).bind(webhookId).first<{ health_thresholds: string | null }>();
    const value = thresholdsOf(parseStoredThresholds(row?.health_thresholds ?? null));
    this.#thresholds.set(webhookId, { value, until: Date.now() + THRESHOLDS_TTL_MS });
    return value;
  }

  // --- schema drift (./drift-store.ts) --------------------------------------------------------
  // Reads take the webhook's schema as the control API read it from D1 (`current`), so a proposal
  // is compared with the schema the caller sees; observations read it themselves, debounced.

  /** The failing paths of a webhook's content refusals, kept as drift evidence (the issue engine calls drift.observeRefusedPaths directly). */
  async observeRefusedPaths(projectId: string, webhookId: string, paths: drift.FailedPath[], at: number): Promise<void> {
    await drift.observeRefusedPaths(this.#driftDeps(projectId), webhookId, paths, at);
  }

  /** Compares the evidence of webhooks whose debounce has passed with their schemas (for a clock's turn). */
  async evaluateSchemaDrift(projectId: string, now: number): Promise<void> {
    await drift.evaluateDue(this.#driftDeps(projectId), now);
  }

  async listSchemaProposals(
    projectId: string,
    webhookId: string,
    current: drift.CurrentSchema,
    query: drift.ProposalQuery,
    now: number,
  ): Promise<{ items: drift.StoredProposal[]; next: { at: string; id: string } | null }> {
    return drift.listProposals(this.#driftDeps(projectId), webhookId, current, query, now);
  }

  /** With `evaluate` false (before an apply), only superseded when the schema changed: what is acted on is what was shown. */
  async getSchemaProposal(projectId: string, webhookId: string, proposalId: string, current: drift.CurrentSchema, now: number, evaluate: boolean): Promise<drift.StoredProposal | null> {
    return drift.getProposal(this.#driftDeps(projectId), webhookId, proposalId, current, now, evaluate);
  }

  /** Idempotent: a dismissed proposal is answered as it is. */
  async dismissSchemaProposal(projectId: string, webhookId: string, proposalId: string, current: drift.CurrentSchema, now: number): Promise<drift.StoredProposal | null> {
    return drift.dismissProposal(this.#driftDeps(projectId), webhookId, proposalId, current, now);
  }

  /** After the control API stored the proposal's schema in D1. Idempotent. */
  async markSchemaProposalApplied(projectId: string, webhookId: string, proposalId: string, applied: drift.CurrentSchema, now: number): Promise<drift.StoredProposal | null> {
    return drift.markApplied(this.#driftDeps(projectId), webhookId, proposalId, applied, now);
  }

  #driftDeps(projectId: string): drift.DriftDeps {
    return { sql: this.#sql, storage: this.ctx.storage, env: this.env, projectId };
  }
}

function earliest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null ? a : Math.min(a, b);
}
