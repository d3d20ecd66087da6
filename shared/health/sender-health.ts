/**
 * A project's sender health (README, "Sender health"): one SQLite-backed Durable Object per
 * project (`SENDER_HEALTH`, `idFromName(projectId)`), beside its log. It is told what happened off
 * the hot path (the ingress's refusal flushes, the consumer's accepted counts and shape
 * summaries), applies the issue rules (./issue-rules.ts), keeps issues (./issues-store.ts) and
 * schema-drift evidence and proposals (./drift-store.ts), and announces each issue transition
 * through the notifications queue (shared/notify). The cron's tick (./tick.ts) is its clock for
 * what happens when nothing arrives: auto-resolution and silence.
 */
import { DurableObject } from 'cloudflare:workers';
import { LogSql } from '../eventlog/storage';
import * as drift from './drift-store';
import * as issues from './issues-store';
import type { IssueQuery, IssueRecord, RefusalObservation, SettableIssueState, ShapeObservation, TrafficObservation } from './types';

export class SenderHealth extends DurableObject<Env> {
  readonly #sql: LogSql;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = new LogSql(ctx.storage.sql);
    void ctx.blockConcurrencyWhile(async () => {
      issues.migrate(this.#sql);
      drift.migrate(this.#sql);
    });
  }

  // --- issues (./issues-store.ts, ./issue-rules.ts) -------------------------------------------

  async observeRefusals(projectId: string, rows: RefusalObservation[], now: number): Promise<void> {
    await issues.observeRefusals(this.#issuesDeps(projectId), rows, now);
  }

  async observeAccepted(projectId: string, traffic: TrafficObservation[], shapes: ShapeObservation[], now: number): Promise<void> {
    await issues.observeTraffic(this.#issuesDeps(projectId), traffic, now);
    if (shapes.length > 0) await drift.observeShapes(this.#driftDeps(projectId), shapes, now);
  }

  /** The clock's turn (the cron, or a test's moved clock): resolves quiet issues, opens silence issues. Answers when it is next due. */
  async tick(projectId: string, now: number): Promise<number | null> {
    return issues.tick(this.#issuesDeps(projectId), now);
  }

  async listIssues(query: IssueQuery): Promise<{ items: IssueRecord[]; next: { at: string; id: string } | null }> {
    return issues.list(this.#sql, query);
  }

  async getIssue(id: string): Promise<IssueRecord | null> {
    return issues.get(this.#sql, id);
  }

  async setIssueState(projectId: string, id: string, state: SettableIssueState, now: number): Promise<IssueRecord | null> {
    return issues.setState(this.#issuesDeps(projectId), id, state, now);
  }

  /** Open (and acknowledged) issues per webhook, for the webhooks list and the resource view. */
  async openIssueCounts(): Promise<Record<string, number>> {
    return issues.openCounts(this.#sql);
  }

  #issuesDeps(projectId: string): issues.IssuesDeps {
    return { sql: this.#sql, storage: this.ctx.storage, env: this.env, projectId };
  }

  // --- schema drift (./drift-store.ts) --------------------------------------------------------

  #driftDeps(projectId: string): drift.DriftDeps {
    return { sql: this.#sql, storage: this.ctx.storage, env: this.env, projectId };
  }
}
