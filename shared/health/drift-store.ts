/** Schema drift in the health object: shape summaries per webhook and hour, and the proposals made from them. */
import type { LogSql } from '../eventlog/storage';
import type { ShapeObservation } from './types';

export interface DriftDeps {
  sql: LogSql;
  storage: DurableObjectStorage;
  env: Env;
  projectId: string;
}

export function migrate(_sql: LogSql): void {}

export async function observeShapes(_deps: DriftDeps, _shapes: ShapeObservation[], _now: number): Promise<void> {}
