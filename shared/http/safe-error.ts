/**
 * What of an error may be logged. Parse and validation errors quote the input they choked on,
 * and inputs here are payloads (possibly PHI) or decrypted secrets, so those are logged by name
 * only; other messages (D1, Queues, R2, our own invariants) carry no payload and are kept.
 * drizzle's failed-query error is the exception among them: its message ends with the query's
 * params, which hold sealed envelopes, payloads and tokens, so it is logged by its SQL and cause.
 */
import { DrizzleQueryError } from 'drizzle-orm';
import { ValiError } from 'valibot';

const QUOTES_INPUT = new Set(['SyntaxError', 'ValiError', 'SchemaInferenceError']);

/** The error as a log line may show it: its name, and its message unless that may carry an input or params. */
export function safeErrorText(err: unknown): string {
  if (!(err instanceof Error)) return 'non-Error thrown';
  if (err instanceof ValiError || QUOTES_INPUT.has(err.name)) return `${err.name} (message withheld: it may quote the input)`;
  // Its message is "Failed query: <sql>\nparams: <values>"; the SQL has placeholders, never values.
  if (err instanceof DrizzleQueryError) {
    const cause = err.cause === undefined ? '' : `; cause: ${safeErrorText(err.cause)}`;
    return `DrizzleQueryError: Failed query: ${err.query} (params withheld)${cause}`;
  }
  return `${err.name}: ${err.message}`;
}
