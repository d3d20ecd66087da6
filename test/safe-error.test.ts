import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { safeErrorText } from '../shared/http/safe-error';

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
});
