/**
 * One zone of the fake Cloudflare account: a Durable Object with SQLite storage, named by zone id
 * (`FAKE_ZONES.getByName(zoneId)`), so a zone's state lasts across `npm run dev` restarts and each
 * test file's zones are its own. Reached by RPC from ./api-routes.ts and ./control-routes.ts.
 *
 * Storage (created on first use; nothing else is stored):
 *   hostnames(id, hostname UNIQUE, record JSON, checks, forced JSON | NULL)
 *       `record` is what ./hostname-record.ts calls HostnameRecord without checks, dns and forced;
 *       rowid order is creation order.
 *   dns(hostname PRIMARY KEY, answer)  what DNS answers for a hostname; absent means 'points_here'.
 *       Kept apart from the hostnames: DNS is the customer's, and may be set before a create.
 *   faults(seq, fault JSON, remaining)  queued faults, drawn oldest first.
 *   quota(id = 1, allocated | NULL, hard_cap | NULL)  NULL: FAKE_QUOTA_ALLOCATED, and hard_cap = allocated.
 *   calls(route, count)  API requests received, by "METHOD path-pattern".
 */
import type { QuotaGetResponse } from 'cloudflare/resources/custom-hostnames/quota';
import { DurableObject } from 'cloudflare:workers';
import { defaultAllocated, type FakeEnv } from './config';
import type { Fault } from './faults';
import type { DnsAnswer, ForcedState, HostnameRecord } from './hostname-record';
import type { CreateInput, EditInput } from './request-bodies';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS hostnames (
    id TEXT PRIMARY KEY,
    hostname TEXT NOT NULL UNIQUE,
    record TEXT NOT NULL,
    checks INTEGER NOT NULL DEFAULT 0,
    forced TEXT
  );
  CREATE TABLE IF NOT EXISTS dns (hostname TEXT PRIMARY KEY, answer TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS faults (seq INTEGER PRIMARY KEY AUTOINCREMENT, fault TEXT NOT NULL, remaining INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS quota (id INTEGER PRIMARY KEY CHECK (id = 1), allocated INTEGER, hard_cap INTEGER);
  CREATE TABLE IF NOT EXISTS calls (route TEXT PRIMARY KEY, count INTEGER NOT NULL);
`;

type HostnameRow = { id: string; hostname: string; record: string; checks: number; forced: string | null; answer: string | null };
type StoredRecord = Pick<HostnameRecord, 'created_at' | 'request' | 'tokens'>;

const SELECT_HOSTNAMES = `SELECT h.id, h.hostname, h.record, h.checks, h.forced, d.answer
  FROM hostnames h LEFT JOIN dns d ON d.hostname = h.hostname`;

/** How the API's list narrows hostnames before any status filter or page (./list-query.ts). */
export type HostnameFilter =
  | { by: 'all' }
  | { by: 'id'; id: string }
  | { by: 'hostname'; match: 'exact' | 'contain' | 'starts_with'; value: string };

export type CreateOutcome = { ok: true; record: HostnameRecord } | { ok: false; error: 'duplicate' | 'quota_not_allocated' | 'quota_exceeded' };

/** A control's change to a hostname: its DNS answer, and fields of the state it forces. */
export interface HostnameControl extends ForcedState {
  dns?: DnsAnswer;
}

export interface CallCounts {
  total: number;
  by_route: Record<string, number>;
}

export class FakeZone extends DurableObject<FakeEnv> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: FakeEnv) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(SCHEMA);
  }

  /**
   * Counts an API request and, when it is authenticated, draws the fault it meets, if any. An
   * unauthenticated request is refused before Cloudflare's rate limiting, so it draws none.
   */
  admit(route: string, authenticated: boolean): Fault | null {
    this.sql.exec('INSERT INTO calls (route, count) VALUES (?, 1) ON CONFLICT (route) DO UPDATE SET count = count + 1', route);
    if (!authenticated) return null;
    const next = this.sql.exec<{ seq: number; fault: string }>('SELECT seq, fault FROM faults WHERE remaining > 0 ORDER BY seq LIMIT 1').toArray()[0];
    if (!next) return null;
    this.sql.exec('UPDATE faults SET remaining = remaining - 1 WHERE seq = ?', next.seq);
    return JSON.parse(next.fault) as Fault;
  }

  create(input: CreateInput): CreateOutcome {
    if (this.byHostname(input.hostname)) return { ok: false, error: 'duplicate' };
    const quota = this.quota();
    if (quota.allocated === 0 && quota.hard_cap === 0) return { ok: false, error: 'quota_not_allocated' };
    if (quota.used >= quota.hard_cap) return { ok: false, error: 'quota_exceeded' };
    const id = crypto.randomUUID();
    const stored: StoredRecord = {
      created_at: new Date().toISOString(),
      request: input.request,
      tokens: { ssl_id: crypto.randomUUID(), ownership: crypto.randomUUID(), ownership_http: crypto.randomUUID(), dcv: acmeToken() },
    };
    this.sql.exec('INSERT INTO hostnames (id, hostname, record) VALUES (?, ?, ?)', id, input.hostname, JSON.stringify(stored));
    return { ok: true, record: this.byId(id) ?? missing(id) };
  }

  /** A GET by id: a check of the hostname's DNS, so it may advance (./lifecycle.ts). */
  read(id: string): HostnameRecord | null {
    this.check([id]);
    return this.byId(id);
  }

  /** The hostnames a list returns, before status filters and paging. A list by id or exact hostname checks them. */
  find(filter: HostnameFilter): HostnameRecord[] {
    const found = this.all().filter((record) => matches(record, filter));
    const targeted = filter.by === 'id' || (filter.by === 'hostname' && filter.match === 'exact');
    if (!targeted) return found;
    this.check(found.map((record) => record.id));
    return found.flatMap((record) => this.byId(record.id) ?? []);
  }

  /**
   * An edit replaces the fields it carries. On a hostname whose state a control forced (moved, timed
   * out), it is also how Cloudflare restarts validation: the forced state goes and checks start over.
   */
  edit(id: string, changes: EditInput): HostnameRecord | null {
    const current = this.byId(id);
    if (!current) return null;
    const stored: StoredRecord = { created_at: current.created_at, request: { ...current.request, ...changes }, tokens: current.tokens };
    const restart = current.forced !== null;
    this.sql.exec(
      'UPDATE hostnames SET record = ?, forced = NULL, checks = CASE WHEN ? THEN 0 ELSE checks END WHERE id = ?',
      JSON.stringify(stored),
      restart ? 1 : 0,
      id,
    );
    return this.byId(id);
  }

  remove(id: string): boolean {
    if (!this.byId(id)) return false;
    this.sql.exec('DELETE FROM hostnames WHERE id = ?', id);
    return true;
  }

  quota(): QuotaGetResponse {
    const row = this.sql.exec<{ allocated: number | null; hard_cap: number | null }>('SELECT allocated, hard_cap FROM quota WHERE id = 1').toArray()[0];
    const allocated = row?.allocated ?? defaultAllocated(this.env);
    const hardCap = row?.hard_cap ?? allocated;
    const used = this.sql.exec<{ used: number }>('SELECT count(*) AS used FROM hostnames').one().used;
    return { allocated, hard_cap: hardCap, used, exceeded: used > allocated };
  }

  // Controls (./control-routes.ts): what a test or a developer changes behind the API's back.

  addFault(fault: Fault, times: number): void {
    this.sql.exec('INSERT INTO faults (fault, remaining) VALUES (?, ?)', JSON.stringify(fault), times);
  }

  clearFaults(): void {
    this.sql.exec('DELETE FROM faults');
  }

  /** Sets the quota's fields given; `null` returns a field to its default. */
  setQuota(quota: { allocated?: number | null; hard_cap?: number | null }): QuotaGetResponse {
    this.sql.exec('INSERT INTO quota (id) VALUES (1) ON CONFLICT (id) DO NOTHING');
    if (quota.allocated !== undefined) this.sql.exec('UPDATE quota SET allocated = ? WHERE id = 1', quota.allocated);
    if (quota.hard_cap !== undefined) this.sql.exec('UPDATE quota SET hard_cap = ? WHERE id = 1', quota.hard_cap);
    return this.quota();
  }

  /**
   * Sets a hostname's DNS answer (also before it is created) and forces the state fields given,
   * over any forced before. Null when state is to be forced on a hostname the zone does not have.
   */
  control(hostname: string, change: HostnameControl): { hostname: string; dns: DnsAnswer; record: HostnameRecord | null } | null {
    const { dns, ...forced } = change;
    const current = this.byHostname(hostname);
    if (Object.keys(forced).length > 0 && !current) return null;
    if (dns) this.sql.exec('INSERT INTO dns (hostname, answer) VALUES (?, ?) ON CONFLICT (hostname) DO UPDATE SET answer = excluded.answer', hostname, dns);
    if (current && Object.keys(forced).length > 0) {
      this.sql.exec('UPDATE hostnames SET forced = ? WHERE id = ?', JSON.stringify({ ...current.forced, ...forced }), current.id);
    }
    return { hostname, dns: dnsAnswer(this.dnsRow(hostname)), record: this.byHostname(hostname) };
  }

  /** Deletes a hostname as the dashboard would, without an API call. */
  removeHostname(hostname: string): boolean {
    const record = this.byHostname(hostname);
    return record !== null && this.remove(record.id);
  }

  calls(): CallCounts {
    const rows = this.sql.exec<{ route: string; count: number }>('SELECT route, count FROM calls ORDER BY route').toArray();
    return { total: rows.reduce((sum, row) => sum + row.count, 0), by_route: Object.fromEntries(rows.map((row) => [row.route, row.count])) };
  }

  /** Every hostname in creation order, without checking any. */
  all(): HostnameRecord[] {
    return this.sql.exec<HostnameRow>(`${SELECT_HOSTNAMES} ORDER BY h.rowid`).toArray().map(toRecord);
  }

  /** A check counts only where DNS points here: a missing CNAME holds the hostname where it is. */
  private check(ids: string[]): void {
    for (const id of ids) {
      this.sql.exec(
        `UPDATE hostnames SET checks = checks + 1
          WHERE id = ? AND hostname NOT IN (SELECT hostname FROM dns WHERE answer = 'missing')`,
        id,
      );
    }
  }

  private byId(id: string): HostnameRecord | null {
    const row = this.sql.exec<HostnameRow>(`${SELECT_HOSTNAMES} WHERE h.id = ?`, id).toArray()[0];
    return row ? toRecord(row) : null;
  }

  private byHostname(hostname: string): HostnameRecord | null {
    const row = this.sql.exec<HostnameRow>(`${SELECT_HOSTNAMES} WHERE h.hostname = ?`, hostname).toArray()[0];
    return row ? toRecord(row) : null;
  }

  private dnsRow(hostname: string): string | null {
    return this.sql.exec<{ answer: string }>('SELECT answer FROM dns WHERE hostname = ?', hostname).toArray()[0]?.answer ?? null;
  }
}

function toRecord(row: HostnameRow): HostnameRecord {
  const stored = JSON.parse(row.record) as StoredRecord;
  return {
    id: row.id,
    hostname: row.hostname,
    ...stored,
    checks: row.checks,
    dns: dnsAnswer(row.answer),
    forced: row.forced === null ? null : (JSON.parse(row.forced) as ForcedState),
  };
}

function dnsAnswer(stored: string | null): DnsAnswer {
  return stored === 'missing' ? 'missing' : 'points_here';
}

function matches(record: HostnameRecord, filter: HostnameFilter): boolean {
  switch (filter.by) {
    case 'all':
      return true;
    case 'id':
      return record.id === filter.id;
    case 'hostname':
      switch (filter.match) {
        case 'exact':
          return record.hostname === filter.value;
        case 'contain':
          return record.hostname.includes(filter.value);
        case 'starts_with':
          return record.hostname.startsWith(filter.value);
      }
  }
}

/** An ACME challenge token's shape: 32 random bytes, base64url without padding (43 characters). */
function acmeToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function missing(id: string): never {
  throw new Error(`hostname ${id} vanished while it was written`);
}
