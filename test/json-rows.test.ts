/**
 * Bulk inserts through one JSON parameter: every value arrives exactly as bound, and a batch larger
 * than one statement may carry is split rather than refused.
 */
import { env } from 'cloudflare:test';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { JSON_ROWS_MAX_UNITS, insertJsonRows, type JsonRow } from '../shared/db/json-rows';

const probe = sqliteTable('json_rows_probe', { id: text('id').primaryKey(), body: text('body'), n: integer('n'), note: text('note') });
const COLUMNS = [probe.id, probe.body, probe.n, probe.note];

async function rows(): Promise<Record<string, unknown>[]> {
  return (await env.DB.prepare('SELECT id, body, n, note FROM json_rows_probe ORDER BY id').all()).results;
}

describe('insertJsonRows', () => {
  beforeAll(async () => {
    await env.DB.exec('CREATE TABLE IF NOT EXISTS json_rows_probe (id TEXT PRIMARY KEY, body TEXT, n INTEGER, note TEXT)');
  });

  it('stores every value exactly, NULLs included', async () => {
    await env.DB.exec('DELETE FROM json_rows_probe');
    const tricky = [
      '{"quote":"\\"","backslash":"\\\\","nl":"a\\nb"}',
      'emoji 🩺 CJK 病历 line\u2028separator \u0000 nul',
      "it's a 'single' quote; DROP TABLE events; --",
      ' leading and trailing spaces ',
    ];
    const input: JsonRow[] = tricky.map((body, i) => [`r${i}`, body, i * 1_000_000_007, i % 2 === 0 ? null : 'note']);
    const statements = insertJsonRows(env.DB, probe, COLUMNS, input, '');
    expect(statements).toHaveLength(1);
    await env.DB.batch(statements);
    expect(await rows()).toEqual(input.map(([id, body, n, note]) => ({ id, body, n, note })));
  });

  it('splits rows over the size cap into several statements and applies the conflict clause', async () => {
    await env.DB.exec('DELETE FROM json_rows_probe');
    const big = 'x'.repeat(Math.ceil(JSON_ROWS_MAX_UNITS / 3));
    const input: JsonRow[] = Array.from({ length: 5 }, (_, i) => [`b${i}`, big, i, null]);
    const statements = insertJsonRows(env.DB, probe, COLUMNS, input, 'ON CONFLICT (id) DO UPDATE SET note = excluded.note');
    expect(statements.length).toBeGreaterThan(1);
    await env.DB.batch(statements);
    expect((await rows()).map((r) => [r.id, (r.body as string).length])).toEqual(input.map(([id]) => [id, big.length]));

    await env.DB.batch(insertJsonRows(env.DB, probe, COLUMNS, [['b0', 'ignored', 0, 'updated']], 'ON CONFLICT (id) DO UPDATE SET note = excluded.note'));
    const [first] = await rows();
    expect([first?.body, first?.note]).toEqual([big, 'updated']);
  });
});
