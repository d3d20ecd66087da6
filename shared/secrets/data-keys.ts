/**
 * Project data keys, unwrapped once per isolate. A data key never changes for its project (only
 * MASTER_KEY rotation re-wraps it, and the unwrapped key stays the same), so a key once unwrapped is
 * kept until the isolate goes or the bound evicts it; D1 is read only for projects not seen yet.
 * The keys are non-extractable CryptoKeys and never leave this isolate.
 */
import * as v from 'valibot';
import { unwrapDataKey } from './keyring';

const MAX_PROJECTS = 10_000;

const Rows = v.array(v.object({ id: v.string(), wrapped_data_key: v.string() }));

export class DataKeyCache {
  private readonly keys = new Map<string, Promise<CryptoKey>>();

  /** The data key of each of `projectIds`; throws when one has no project row. */
  async get(db: D1Database, master: CryptoKey, projectIds: readonly string[]): Promise<Map<string, CryptoKey>> {
    const missing = [...new Set(projectIds)].filter((id) => !this.keys.has(id));
    if (missing.length > 0) {
      const result = await db
        .prepare('SELECT id, wrapped_data_key FROM projects WHERE id IN (SELECT value FROM json_each(?))')
        .bind(JSON.stringify(missing))
        .all();
      for (const row of v.parse(Rows, result.results)) this.remember(row.id, unwrapDataKey(master, row.id, row.wrapped_data_key));
    }
    const found = new Map<string, CryptoKey>();
    for (const id of projectIds) {
      const key = this.keys.get(id);
      if (key === undefined) throw new Error(`project ${id} has no data key`);
      found.set(id, await key);
    }
    return found;
  }

  private remember(projectId: string, key: Promise<CryptoKey>): void {
    // A key that fails to unwrap is not kept: the next call reads and tries again.
    key.catch(() => this.keys.delete(projectId));
    this.keys.set(projectId, key);
    if (this.keys.size > MAX_PROJECTS) {
      const oldest = this.keys.keys().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
  }
}
