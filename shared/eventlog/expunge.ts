/**
 * Expunging one row's sealed content at a caller's request (an event's payload, a kept request's
 * body): R2 first, then the row, by ./retention.ts's erasers. Idempotent: a repeat, or a row whose
 * content retention already deleted, says what it found instead.
 */
import type { ExpungeOutcome, PayloadState } from './types';

/** A stored payload_state other than 'kept', as the API names it. */
export function goneState(state: string): Exclude<PayloadState, 'kept'> {
  return state === 'expired' ? 'expired' : 'expunged';
}

/**
 * Expunges the row `read` finds, by `erase` (which answers how many rows it erased), unless it is
 * gone or its content is.
 */
export async function expungeRow<R extends { payload_state: string }>(read: () => R | null, erase: (row: R) => Promise<number>): Promise<ExpungeOutcome> {
  const row = read();
  if (row === null) return { outcome: 'not-found' };
  if (row.payload_state !== 'kept') return { outcome: 'already-gone', state: goneState(row.payload_state) };
  if ((await erase(row)) > 0) return { outcome: 'expunged' };
  // Retention (or another expunge) got there while R2 was answering.
  const now = read();
  return now === null ? { outcome: 'not-found' } : { outcome: 'already-gone', state: goneState(now.payload_state) };
}
