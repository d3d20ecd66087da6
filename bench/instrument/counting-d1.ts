/**
 * Counts the D1 statements a piece of work prepares: `npm run bench`'s counted copy
 * (bench/service/counted.ts) and the tests use it to show that a warm isolate's ingress path runs
 * none. Work the response does not wait for (a stale config refreshed after it, a rejection flushed
 * by waitUntil) is counted apart: it starts inside the request, so only its async context, set by
 * {@link offResponsePath} through the ingress's background seam, tells it from the hot path.
 * AsyncLocalStorage needs the `nodejs_compat` flag, which only the counted copy's config sets.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface StatementCounter {
  /** Statements the request prepared on its way to the response. */
  statements: number;
  /** Statements of work it handed to waitUntil. */
  background: number;
  /**
   * Calls that went to the database (a batch is one), whatever their context: each has a fixed
   * cost that can outweigh its statements', so the fan-out is judged by these.
   */
  roundTrips: number;
}

export function newStatementCounter(): StatementCounter {
  return { statements: 0, background: 0, roundTrips: 0 };
}

const offPath = new AsyncLocalStorage<true>();

/** Runs work the response does not wait for, so a counter files its statements under background. */
export function offResponsePath<T>(work: () => Promise<T>): Promise<T> {
  return offPath.run(true, work);
}

const RUNS_A_STATEMENT = new Set<PropertyKey>(['all', 'run', 'first', 'raw']);
/** Besides `batch`, which the proxy wraps itself. */
const RUNS_A_BATCH = new Set<PropertyKey>(['exec', 'dump']);

export function countingD1(db: D1Database, counter: StatementCounter): D1Database {
  // The binding's batch takes only its own statements, so it gets the ones behind the wrappers.
  const unwrapped = new WeakMap<D1PreparedStatement, D1PreparedStatement>();

  const wrapStatement = (statement: D1PreparedStatement): D1PreparedStatement => {
    const wrapper = new Proxy(statement, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        if (prop === 'bind') return (...values: unknown[]) => wrapStatement(target.bind(...values));
        if (RUNS_A_STATEMENT.has(prop)) counter.roundTrips += 1;
        return value.bind(target);
      },
    });
    unwrapped.set(wrapper, statement);
    return wrapper;
  };

  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') {
        return (query: string) => {
          if (offPath.getStore()) counter.background += 1;
          else counter.statements += 1;
          return wrapStatement(target.prepare(query));
        };
      }
      if (prop === 'batch') {
        return (statements: D1PreparedStatement[]) => {
          counter.roundTrips += 1;
          return target.batch(statements.map((s) => unwrapped.get(s) ?? s));
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (RUNS_A_BATCH.has(prop)) counter.roundTrips += 1;
      return value.bind(target);
    },
  });
}
