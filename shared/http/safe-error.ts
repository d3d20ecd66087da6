/**
 * What of an error may be logged. Parse and validation errors quote the input they choked on,
 * and inputs here are payloads (possibly PHI) or decrypted secrets, so those are logged by name
 * only; other messages (D1, Queues, R2, our own invariants) carry no payload and are kept.
 */
import { ValiError } from 'valibot';

const QUOTES_INPUT = new Set(['SyntaxError', 'ValiError', 'SchemaInferenceError']);

export function safeErrorText(err: unknown): string {
  if (!(err instanceof Error)) return 'non-Error thrown';
  if (err instanceof ValiError || QUOTES_INPUT.has(err.name)) return `${err.name} (message withheld: it may quote the input)`;
  return `${err.name}: ${err.message}`;
}
