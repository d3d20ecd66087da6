/**
 * The skeleton every HMAC scheme shares: pull the signed content and candidate signatures out of
 * the request (scheme-specific), check the timestamp, then the signatures against every active key.
 *
 * Order matters for cost: a missing or stale credential, or more than MAX_SIGNATURE_CANDIDATES
 * candidate signatures, is refused before any HMAC is computed; any other refusal costs one HMAC
 * per active key, however many candidates; and nothing reads the payload as JSON before a
 * signature holds.
 */
import { findMatchingKey, type KeyedSecret } from './hmac-keys';
import { MAX_SIGNATURE_CANDIDATES, accepted, badSignature, checkTolerance, tooManySignatures } from './outcomes';
import type { AuthFailure, AuthOutcome, HandshakeReply, InboundRequest, Verifier } from './types';

/** What a scheme found in one request. */
export interface SignedRequest {
  /** Decoded candidate signatures (several when the sender signs with each of its secrets). */
  signatures: readonly Uint8Array[];
  /** The exact bytes the sender signed. */
  content: Uint8Array;
  /** The signed timestamp in epoch ms, when the scheme has one in its headers. */
  timestampMs: number | null;
  deliveryId: string | null;
}

export type Extraction = SignedRequest | AuthFailure;

export function isFailure<T extends object>(value: T | AuthFailure): value is AuthFailure {
  return 'ok' in value && value.ok === false;
}

export interface HmacSchemeOptions {
  keys: readonly KeyedSecret[];
  /** Two-sided tolerance for `timestampMs`; null when the scheme has no timestamp. */
  toleranceSeconds: number | null;
  extract(request: InboundRequest): Extraction | Promise<Extraction>;
  /** Shown to the sender when no signature matched: what they most likely got wrong. */
  badSignatureDetail: string;
  /** A check that may only run once a signature holds (Linear's timestamp lives in the body). */
  afterSignature?(request: InboundRequest, now: number): AuthFailure | null;
  bodyFormat?: 'json' | 'form';
  extraMethods?: readonly string[];
  deliveryIdFromPayload?(payload: unknown): string | null;
  handshake?(request: InboundRequest, payload: unknown): Promise<HandshakeReply | null>;
}

/** What to tell the sender's developer when the credential is absent or does not match. */
export interface SenderHints {
  missingDetail: string;
  badSignatureDetail: string;
}

/** Builds a Verifier from a scheme's extraction rules over already-imported keys. */
export function hmacVerifier(options: HmacSchemeOptions): Verifier {
  return {
    extraMethods: options.extraMethods ?? [],
    bodyFormat: options.bodyFormat ?? 'json',
    async verify(request: InboundRequest, now: number): Promise<AuthOutcome> {
      const signed = await options.extract(request);
      if (isFailure(signed)) return signed;
      // Schemes that take several candidates refuse a flood while parsing; this holds for any other.
      if (signed.signatures.length > MAX_SIGNATURE_CANDIDATES) return tooManySignatures('The signature header', signed.signatures.length);
      if (signed.timestampMs !== null && options.toleranceSeconds !== null) {
        const stale = checkTolerance(signed.timestampMs, now, options.toleranceSeconds);
        if (stale) return stale;
      }
      const match = await findMatchingKey(options.keys, now, signed.signatures, signed.content);
      if (match === null) return badSignature(options.badSignatureDetail);
      const late = options.afterSignature?.(request, now) ?? null;
      if (late) return late;
      return accepted(signed.deliveryId);
    },
    deliveryIdFromPayload: options.deliveryIdFromPayload ?? (() => null),
    handshake: options.handshake ?? (() => Promise.resolve(null)),
  };
}

/** A string field at the top level of a parsed payload, or null. */
export function payloadString(payload: unknown, field: string): string | null {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
  const value: unknown = (payload as Record<string, unknown>)[field];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}
