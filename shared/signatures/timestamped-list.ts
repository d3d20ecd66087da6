/**
 * Stripe and Paddle sign alike: one header holding the signed timestamp and one or more signatures
 * as key=value pairs (`t=…,v1=<hex>,v1=<hex>` / `ts=…;h1=<hex>`; several while the sender rolls
 * its secret, at most MAX_SIGNATURE_CANDIDATES), an HMAC over `{timestamp}<separator>{body}`. The
 * keys and separators are read from the sender's row (`signaturePrefix` and `signedContent`), as
 * are the header, algorithm, encoding, unit and tolerance.
 */
import { utf8 } from '../encoding/utf8';
import { hmacVerifier, type SenderHints } from './hmac-verifier';
import { concatBytes, decodeSignature } from './hmac';
import { MAX_SIGNATURE_CANDIDATES, header, missingCredential, parseSignedTimestamp, tooManySignatures } from './outcomes';
import { presetOptions, type TimestampedPreset } from './preset-row';
import type { ActiveSecret, Verifier } from './types';

/** A row with one credential header, written `<timestamp key>=…<separator><signature key>=`. */
export type TimestampedListPreset = TimestampedPreset & { signatureHeaders: readonly [string] };

export interface TimestampedListHints extends SenderHints {
  /** The header is there but lacks a timestamp or any signature. */
  malformedDetail: string;
}

interface ListLayout {
  timestampKey: string;
  pairSeparator: string;
  signatureKey: string;
  contentSeparator: string;
}

/** `t=…,v1=` with `{t}.{body}` reads as keys t and v1, pairs split on `,`, content joined by `.`. */
function listLayout(preset: TimestampedListPreset): ListLayout {
  const [, timestampKey, pairSeparator, signatureKey] = /^(\w+)=…([,;])(\w+)=$/.exec(preset.signaturePrefix ?? '') ?? [];
  const [, signedKey, contentSeparator] = /^\{(\w+)\}([.:])\{body\}$/.exec(preset.signedContent) ?? [];
  if (!timestampKey || !pairSeparator || !signatureKey || !contentSeparator || signedKey !== timestampKey) {
    // Only a mistyped row gets here; every test of the sender then fails.
    throw new Error(`${preset.label}: signaturePrefix must read "k=…,s=" and signedContent "{k}.{body}"`);
  }
  return { timestampKey, pairSeparator, signatureKey, contentSeparator };
}

export async function createTimestampedListVerifier(
  preset: TimestampedListPreset,
  hints: TimestampedListHints,
  secrets: readonly ActiveSecret[],
): Promise<Verifier> {
  const [signatureHeader] = preset.signatureHeaders;
  const layout = listLayout(preset);
  return hmacVerifier({
    ...(await presetOptions(preset, secrets)),
    badSignatureDetail: hints.badSignatureDetail,
    extract(request) {
      const value = header(request.headers, signatureHeader);
      if (value === null) return missingCredential(hints.missingDetail);
      let timestamp: string | null = null;
      const candidates: string[] = [];
      for (const pair of value.split(layout.pairSeparator)) {
        const eq = pair.indexOf('=');
        if (eq === -1) continue;
        const key = pair.slice(0, eq).trim();
        const val = pair.slice(eq + 1).trim();
        if (key === layout.timestampKey) timestamp = val;
        if (key === layout.signatureKey) candidates.push(val);
      }
      if (candidates.length > MAX_SIGNATURE_CANDIDATES) return tooManySignatures(signatureHeader, candidates.length);
      const signatures: Uint8Array[] = [];
      for (const candidate of candidates) {
        const decoded = decodeSignature(candidate, preset.encoding);
        if (decoded !== null) signatures.push(decoded);
      }
      const timestampMs = timestamp === null ? null : parseSignedTimestamp(timestamp, preset.timestamp.unit);
      if (timestamp === null || timestampMs === null || signatures.length === 0) {
        return missingCredential(hints.malformedDetail);
      }
      return {
        signatures,
        content: concatBytes(utf8(`${timestamp}${layout.contentSeparator}`), request.body),
        timestampMs,
        deliveryId: null,
      };
    },
  });
}
