/**
 * Reads a project's log as stored, across its objects (shared/eventlog/README.md): the project's
 * own object (directory, audit, segment 0) and every segment its directory lists. For tests that
 * must look under the API: expiries, row counts, what a search for a leaked value reads.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { projectLog, type LogEnv } from '../../shared/eventlog/client';

/** The project's log objects: the project's own first, then each segment by number. */
export async function logObjects(projectId: string): Promise<{ n: number; stub: DurableObjectStub }[]> {
  const log = projectLog(env, projectId);
  const numbers = await runInDurableObject(log.directory(), (_instance, state) => state.storage.sql.exec<{ n: number }>('SELECT n FROM segments ORDER BY n').toArray().map((r) => r.n));
  return [{ n: 0, stub: log.directory() }, ...numbers.map((n) => ({ n, stub: log.segment(n) as DurableObjectStub }))];
}

/** `read` run in each of the project's log objects that holds tables (a segment has none until written), with the segment's number. */
export async function acrossLog<T>(projectId: string, read: (state: DurableObjectState, n: number) => T): Promise<T[]> {
  const objects = await logObjects(projectId);
  const results = await Promise.all(
    objects.map(({ n, stub }) =>
      runInDurableObject(stub, (_instance, state) => (state.storage.sql.exec(`SELECT 1 FROM sqlite_master WHERE name = 'log_meta'`).toArray().length > 0 ? [read(state, n)] : [])),
    ),
  );
  return results.flat();
}

/** The first row `query` finds in any of the project's log objects, with the segment that holds it. */
export async function firstRowInLog<R extends Record<string, SqlStorageValue>>(projectId: string, query: string, ...params: SqlStorageValue[]): Promise<(R & { segment: number }) | null> {
  const rows = await acrossLog(projectId, (state, n) => {
    const row = state.storage.sql.exec<R>(query, ...params).toArray()[0];
    return row === undefined ? null : { ...row, segment: n };
  });
  return rows.find((r) => r !== null) ?? null;
}

/** A number summed over the project's log objects: `query` must answer one row with `n`. */
export async function sumInLog(projectId: string, query: string, ...params: SqlStorageValue[]): Promise<number> {
  const counts = await acrossLog(projectId, (state) => state.storage.sql.exec<{ n: number }>(query, ...params).one().n);
  return counts.reduce((a, b) => a + b, 0);
}

/** The log's bindings, noting each call that reaches one of its objects as `object.method`. */
export function countingLogEnv(): { env: LogEnv; calls: string[] } {
  const calls: string[] = [];
  const count = <T extends Rpc.DurableObjectBranded | undefined>(namespace: DurableObjectNamespace<T>, object: string) =>
    ({
      idFromName: (name: string) => namespace.idFromName(name),
      get: (id: DurableObjectId) => {
        const stub = namespace.get(id) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
        return new Proxy({}, { get: (_t, method) => (...args: unknown[]) => (calls.push(`${object}.${String(method)}`), stub[String(method)]?.(...args)) });
      },
    }) as unknown as DurableObjectNamespace<T>;
  return { env: { ...env, PROJECT_LOG: count(env.PROJECT_LOG, 'directory'), LOG_SEGMENTS: count(env.LOG_SEGMENTS, 'segment'), LOG_INDEX: count(env.LOG_INDEX, 'index') }, calls };
}
