/**
 * Counts the D1 statements a piece of work prepares. Used only when INSTRUMENT_D1 is "true"
 * (`npm run bench`), to show that a warm isolate's ingress path runs none.
 */
export interface StatementCounter {
  statements: number;
}

export function countingD1(db: D1Database, counter: StatementCounter): D1Database {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') {
        return (query: string) => {
          counter.statements += 1;
          return target.prepare(query);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
