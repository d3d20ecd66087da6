/**
 * Counts the D1 statements a piece of work prepares. Used only when INSTRUMENT_D1 is "true"
 * (`npm run bench`), to show that a warm isolate's ingress path runs none. Work the response does
 * not wait for (a stale config refreshed after it, a rejection flushed by waitUntil) is counted
 * apart: it starts inside the request, so only its async context tells it from the hot path.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface StatementCounter {
  /** Statements the request prepared on its way to the response. */
  statements: number;
  /** Statements of work it handed to waitUntil. */
  background: number;
}

const offPath = new AsyncLocalStorage<true>();

/** Runs work the response does not wait for, so a counter files its statements under background. */
export function offResponsePath<T>(work: () => Promise<T>): Promise<T> {
  return offPath.run(true, work);
}

export function countingD1(db: D1Database, counter: StatementCounter): D1Database {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') {
        return (query: string) => {
          if (offPath.getStore()) counter.background += 1;
          else counter.statements += 1;
          return target.prepare(query);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
