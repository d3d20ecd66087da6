import { env } from 'cloudflare:test';
import { DrizzleQueryError } from 'drizzle-orm';
import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { createDb } from '../shared/db/client';
import { safeErrorText } from '../shared/http/safe-error';

const probe = sqliteTable('safe_error_probe', { id: text('id').primaryKey(), body: text('body').notNull() });

describe('safeErrorText', () => {
  it('withholds the message of a JSON parse error, which quotes the payload', () => {
    let caught: unknown;
    try {
      JSON.parse('{"patient_name": "Jane Doe-PHI", oops');
    } catch (err) {
      caught = err;
    }
    const text = safeErrorText(caught);
    expect(text).toContain('SyntaxError');
    expect(text).not.toContain('Jane');
  });

  it('withholds the message of a valibot error, which quotes the received value', () => {
    const result = (() => {
      try {
        return v.parse(v.number(), 'whsec_looks-like-a-secret');
      } catch (err) {
        return safeErrorText(err);
      }
    })();
    expect(result).toContain('ValiError');
    expect(result).not.toContain('whsec_');
  });

  it('keeps the message of an infrastructure error', () => {
    expect(safeErrorText(new Error('D1_ERROR: no such table: webhooks'))).toBe('Error: D1_ERROR: no such table: webhooks');
  });

  it("keeps a failed query's SQL and cause but withholds its params, which hold sealed envelopes and payloads", async () => {
    await env.DB.exec('CREATE TABLE IF NOT EXISTS safe_error_probe (id TEXT PRIMARY KEY, body TEXT NOT NULL)');
    const db = createDb(env.DB);
    const sealed = 'MARKER-SEALED-ENVELOPE'.repeat(50_000);
    await db.insert(probe).values({ id: 'run_twice', body: 'first' }).onConflictDoNothing();
    const caught = await db
      .insert(probe)
      .values({ id: 'run_twice', body: sealed })
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(caught).toBeInstanceOf(DrizzleQueryError);
    expect(String(caught)).toContain('MARKER-SEALED-ENVELOPE');
    const text = safeErrorText(caught);
    expect(text).toContain('Failed query: insert into "safe_error_probe"');
    expect(text).toContain('UNIQUE constraint failed');
    expect(text).not.toContain('MARKER-SEALED-ENVELOPE');
    expect(text).not.toContain('params:');
  });
});
