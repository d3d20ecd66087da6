/**
 * What the ingress holds per webhook: a schema compiled once, then asked about each payload.
 * Both implementations (valibot in `validate.ts`, @cfworker/json-schema in `bench/schema/validate-cfworker.ts`)
 * satisfy this interface and the same test suite, so either can back `compileValidator`.
 */

/** One failing place in a payload: an RFC 6901 JSON Pointer (root is `""`) and a sentence for the sender. */
export interface SchemaMismatch {
  path: string;
  message: string;
}

/** Every failing path is reported, not just the first, so a sender fixes a payload in one round trip. */
export type ValidationResult = { ok: true } | { ok: false; errors: SchemaMismatch[] };

export interface Validator {
  validate(payload: unknown): ValidationResult;
}

export const VALID: ValidationResult = Object.freeze({ ok: true });

/**
 * Puts errors in a stable order (by path, then as found) and drops exact duplicates, so the wire
 * answer does not depend on which validator produced it.
 */
export function finishErrors(errors: SchemaMismatch[]): ValidationResult {
  if (errors.length === 0) return VALID;
  errors.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const unique: SchemaMismatch[] = [];
  for (const error of errors) {
    const last = unique[unique.length - 1];
    if (last === undefined || last.path !== error.path || last.message !== error.message) unique.push(error);
  }
  return { ok: false, errors: unique };
}
