/**
 * An isolate-local cache with a freshness bound, a size bound and single-flight loads.
 *
 * After `ttlMs` an entry is stale: the next caller still gets it at once and a refresh runs in the
 * background, so a warm isolate's hot path never waits on D1, and a change is visible within
 * ttl + one refresh. Size-bounded (oldest-inserted first out) so a flood of distinct keys, say
 * unknown hostnames, cannot grow memory without limit.
 */

import { safeErrorText } from '../http/safe-error';
/** Hands work to waitUntil; a thunk, so it starts only once marked as off the response path. */
export type Background = (work: () => Promise<unknown>) => void;

interface Entry<V> {
  value: V;
  freshUntil: number;
  refreshing: boolean;
}

export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly loading = new Map<string, Promise<V>>();

  constructor(private readonly maxEntries: number) {}

  async get(key: string, now: number, ttlMs: number, load: () => Promise<V>, background: Background): Promise<V> {
    const entry = this.entries.get(key);
    if (entry) {
      if (now >= entry.freshUntil && !entry.refreshing) {
        entry.refreshing = true;
        background(() =>
          this.load(key, now + ttlMs, load).catch((err: unknown) => {
            // A failed refresh keeps serving the last good value; the next request tries again.
            entry.refreshing = false;
            console.error('config refresh failed', safeErrorText(err));
          }),
        );
      }
      return entry.value;
    }
    return this.load(key, now + ttlMs, load);
  }

  /** Like `get`, but a stale entry is reloaded before answering: for answers that must not lag. */
  async getFresh(key: string, now: number, ttlMs: number, load: () => Promise<V>): Promise<V> {
    const entry = this.entries.get(key);
    if (entry && now < entry.freshUntil) return entry.value;
    return this.load(key, now + ttlMs, load);
  }

  /** Drops entries whose key starts with `prefix`: this isolate sees its own writes at once. */
  invalidate(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private load(key: string, freshUntil: number, load: () => Promise<V>): Promise<V> {
    const pending = this.loading.get(key);
    if (pending) return pending;
    const promise = load()
      .then((value) => {
        this.entries.delete(key);
        this.entries.set(key, { value, freshUntil, refreshing: false });
        while (this.entries.size > this.maxEntries) {
          const oldest = this.entries.keys().next();
          if (oldest.done) break;
          this.entries.delete(oldest.value);
        }
        return value;
      })
      .finally(() => this.loading.delete(key));
    this.loading.set(key, promise);
    return promise;
  }
}
