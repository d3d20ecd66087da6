/** Issues in the health object. */
import type { LogSql } from '../eventlog/storage';
import type { IssueQuery, IssueRecord, RefusalObservation, SettableIssueState, TrafficObservation } from './types';

export interface IssuesDeps {
  sql: LogSql;
  storage: DurableObjectStorage;
  env: Env;
  projectId: string;
}

export function migrate(_sql: LogSql): void {}
export async function observeRefusals(_deps: IssuesDeps, _rows: RefusalObservation[], _now: number): Promise<void> {}
export async function observeTraffic(_deps: IssuesDeps, _rows: TrafficObservation[], _now: number): Promise<void> {}
export async function tick(_deps: IssuesDeps, _now: number): Promise<number | null> {
  return null;
}
export function list(_sql: LogSql, _query: IssueQuery): { items: IssueRecord[]; next: { at: string; id: string } | null } {
  return { items: [], next: null };
}
export function get(_sql: LogSql, _id: string): IssueRecord | null {
  return null;
}
export async function setState(_deps: IssuesDeps, _id: string, _state: SettableIssueState, _now: number): Promise<IssueRecord | null> {
  return null;
}
export function openCounts(_sql: LogSql): Record<string, number> {
  return {};
}
