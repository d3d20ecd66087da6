/**
 * What the Cloudflare account already has, asked with wrangler's read-only commands. Each answer is
 * known or unknown (the command failed: no credentials, no network), never a guess: a dry run plans
 * an unknown resource as one to create, a real run stops.
 *
 * Output formats, as wrangler 4.86 prints them (developers.cloudflare.com/workers/wrangler/commands/):
 * - `d1 list --json`: a JSON array of `{ uuid, name, … }`.
 * - `r2 bucket list`: no JSON; one `name:  …` / `creation_date:  …` group per bucket.
 * - `queues list [--page n]`: no JSON; a table with a `name` column, one page at a time.
 * - `secret list --format json`: a JSON array of `{ name, type }`, never a value; it fails with
 *   "Worker … not found" before the Worker's first deploy or secret.
 * - `d1 migrations list <db> --remote`: "No migrations to apply!" or a table with a `Name` column.
 */
import { failureReason, plain } from './wrangler.mjs';

/**
 * @template T
 * @typedef {{ known: true; value: T } | { known: false; reason: string }} Listing
 */

/** Pages of `queues list` read at most; a page that adds no new name ends the listing sooner. */
const MAX_QUEUE_PAGES = 50;

/** @returns {Promise<Listing<Map<string, string>>>} D1 database name → uuid. */
export async function listD1(wrangler, scope) {
  const result = await wrangler(['d1', 'list', '--json', ...scope]);
  if (!result.ok) return unknown(result);
  const rows = jsonArray(result.stdout);
  if (rows === null) return { known: false, reason: 'wrangler d1 list --json printed no JSON array' };
  return { known: true, value: new Map(rows.map((db) => [String(db.name), String(db.uuid)])) };
}

/** @returns {Promise<Listing<Set<string>>>} R2 bucket names. */
export async function listBuckets(wrangler, scope) {
  const result = await wrangler(['r2', 'bucket', 'list', ...scope]);
  if (!result.ok) return unknown(result);
  const names = [...plain(result.stdout).matchAll(/^name:\s+(\S+)\s*$/gm)].map((m) => m[1]);
  return { known: true, value: new Set(names) };
}

/** @returns {Promise<Listing<Set<string>>>} Queue names, every page. */
export async function listQueues(wrangler, scope) {
  const names = new Set();
  for (let page = 1; page <= MAX_QUEUE_PAGES; page += 1) {
    const result = await wrangler(['queues', 'list', '--page', String(page), ...scope]);
    if (!result.ok) return unknown(result);
    const fresh = tableRows(result.stdout)
      .map((row) => row.name)
      .filter((name) => name !== undefined && name !== '' && !names.has(name));
    if (fresh.length === 0) break;
    for (const name of fresh) names.add(name);
  }
  return { known: true, value: names };
}

/**
 * @returns {Promise<Listing<{ names: Set<string>; workerExists: boolean }>>} The Worker's secret
 * names; none, and `workerExists: false`, before the Worker exists.
 */
export async function listSecrets(wrangler, scope) {
  const result = await wrangler(['secret', 'list', '--format', 'json', ...scope]);
  if (!result.ok) {
    if (/Worker .* not found/i.test(plain(`${result.stderr}\n${result.stdout}`))) return { known: true, value: { names: new Set(), workerExists: false } };
    return unknown(result);
  }
  const rows = jsonArray(result.stdout);
  if (rows === null) return { known: false, reason: 'wrangler secret list printed no JSON array' };
  return { known: true, value: { names: new Set(rows.map((s) => String(s.name))), workerExists: true } };
}

/** @returns {Promise<Listing<string[]>>} The migration files not yet applied to the remote database. */
export async function listUnappliedMigrations(wrangler, database, scope) {
  const result = await wrangler(['d1', 'migrations', 'list', database, '--remote', ...scope]);
  if (!result.ok) return unknown(result);
  if (/No migrations to apply/i.test(result.stdout)) return { known: true, value: [] };
  const names = tableRows(result.stdout).map((row) => row.Name ?? row.name ?? '');
  return { known: true, value: names.filter((name) => name !== '') };
}

/** The rows of a table wrangler draws with box characters, keyed by its header row. */
export function tableRows(text) {
  const rows = plain(text)
    .split('\n')
    .filter((line) => line.includes('│'))
    .map((line) =>
      line
        .split('│')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  const [head, ...body] = rows;
  if (head === undefined) return [];
  return body.map((cells) => Object.fromEntries(head.map((label, i) => [label, cells[i] ?? ''])));
}

/** The JSON array in a command's output (wrangler may print a line before it), or null. */
function jsonArray(text) {
  const start = text.indexOf('[');
  const end = text.lastIndexOf(']');
  if (start === -1 || end < start) return null;
  try {
    const value = JSON.parse(text.slice(start, end + 1));
    return Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

function unknown(result) {
  return { known: false, reason: failureReason(result) };
}
