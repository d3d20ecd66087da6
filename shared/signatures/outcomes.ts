/**
 * Builders for authentication outcomes and the shared timestamp rules.
 *
 * Details are written for the sender's developer ("what to do next") and never contain a secret or
 * an expected signature.
 */
import type { AuthFailure, AuthOutcome } from './types';

export function missingCredential(detail: string): AuthFailure {
  return { ok: false, reason: 'missing-credential', detail };
}

export function badSignature(detail: string): AuthFailure {
  return { ok: false, reason: 'bad-signature', detail };
}

/**
 * The most candidate signatures one request may carry. A sender adds one per secret it signs with
 * while rotating (Standard Webhooks, Stripe and Paddle send one to three); each candidate costs a
 * comparison and a decode, so a header holding more is refused before any HMAC is computed.
 */
export const MAX_SIGNATURE_CANDIDATES = 10;

/** More candidates than MAX_SIGNATURE_CANDIDATES: refused unchecked, saying the limit. */
export function tooManySignatures(headerName: string, count: number): AuthFailure {
  return badSignature(
    `${headerName} carries ${count} signatures; at most ${MAX_SIGNATURE_CANDIDATES} are checked per request, so none was. ` +
      'Send one signature per secret the sender is signing with.',
  );
}

export function outOfTolerance(detail: string): AuthFailure {
  return { ok: false, reason: 'timestamp-out-of-tolerance', detail };
}

export function accepted(deliveryId: string | null): AuthOutcome {
  return { ok: true, deliveryId };
}

/** A header's value trimmed, or null when absent or blank. */
export function header(headers: Headers, name: string): string | null {
  const value = headers.get(name);
  if (value === null) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** The unit a sender's timestamp is written in; `auto` tells them apart by magnitude. */
export type TimestampUnit = 'seconds' | 'milliseconds' | 'auto';

/**
 * Epoch ms from an integer timestamp string; null when it is not a plain integer. With `auto`, a
 * value of 13 or more digits is milliseconds (seconds would put it past the year 33000).
 */
export function parseEpoch(text: string, unit: TimestampUnit): number | null {
  if (!/^\d{1,16}$/.test(text)) return null;
  const value = Number(text);
  const isMilliseconds = unit === 'milliseconds' || (unit === 'auto' && text.length >= 13);
  return isMilliseconds ? value : value * 1000;
}

/** Epoch ms from an RFC 3339 timestamp (Twitch sends nanoseconds); null when malformed. */
function parseRfc3339(text: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i.test(text)) return null;
  const normalised = text.replace(/(\.\d{3})\d+/, '$1');
  const value = Date.parse(normalised);
  return Number.isNaN(value) ? null : value;
}

/** How a sender writes its signed timestamp (a preset row's `timestamp.unit`). */
export type SignedTimestampUnit = 'seconds' | 'milliseconds' | 'rfc3339';

/** Epoch ms of a signed timestamp written in `unit`; null when malformed. */
export function parseSignedTimestamp(text: string, unit: SignedTimestampUnit): number | null {
  return unit === 'rfc3339' ? parseRfc3339(text) : parseEpoch(text, unit);
}

/**
 * Two-sided tolerance: a timestamp too far in the past (replay) or in the future (a pre-signed
 * request kept for later) fails alike.
 */
export function checkTolerance(
  timestampMs: number,
  now: number,
  toleranceSeconds: number,
): AuthFailure | null {
  const skewSeconds = Math.round((now - timestampMs) / 1000);
  if (Math.abs(now - timestampMs) <= toleranceSeconds * 1000) return null;
  const where =
    skewSeconds > 0 ? `${skewSeconds} s in the past` : `${-skewSeconds} s in the future`;
  return outOfTolerance(
    `The signed timestamp is ${where}; it must be within ${toleranceSeconds} s of the receiver's clock. ` +
      'Sign each delivery (and each retry) when it is sent, and check the sender clock.',
  );
}
