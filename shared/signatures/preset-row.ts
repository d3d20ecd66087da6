/**
 * One row of the presets table: how one sender signs its webhooks, as data.
 *
 * Each scheme module writes its sender's row and builds its verifier from that row (header names,
 * prefix, algorithm, encoding, key, tolerance, delivery id, body format, extra methods), and the
 * README table is rendered from the same rows, so the documentation and the verifiers cannot
 * drift apart (test/node/signatures/preset-table.test.ts signs requests from the rows alone).
 */
import { HASH_NAMES } from './hmac';
import { importKeys, type KeyDerivation } from './hmac-keys';
import { payloadString, type HmacSchemeOptions } from './hmac-verifier';
import { header, type SignedTimestampUnit } from './outcomes';
import type { ActiveSecret } from './types';

export type DeliveryIdSource =
  | { from: 'header'; names: readonly string[] }
  | { from: 'payload'; fields: readonly string[] }
  | null;

export interface SignedTimestamp {
  /** Where the sender puts it, in words. */
  source: string;
  unit: SignedTimestampUnit;
}

export interface Preset {
  /** Display name of the sender(s). */
  label: string;
  /** Headers that carry the credential, in the case the sender writes them. */
  signatureHeaders: readonly string[];
  /** The exact bytes signed, in the sender's notation. */
  signedContent: string;
  algorithm: 'sha1' | 'sha256';
  encoding: 'hex' | 'base64';
  /** Text before the signature in its header, if any (`…` stands for the timestamp). */
  signaturePrefix: string | null;
  /** Where the signed timestamp is, and its unit; null when the sender sends none. */
  timestamp: SignedTimestamp | null;
  /** Two-sided tolerance in seconds; null when there is no timestamp. */
  toleranceSeconds: number | null;
  /** True when one header may carry several signatures (the sender rotating its secret). */
  multipleSignatures: boolean;
  deliveryId: DeliveryIdSource;
  bodyFormat: 'json' | 'form';
  /** The verification handshake the sender performs, answered by the ingress; null when none. */
  handshake: string | null;
  /** Methods besides POST the sender uses (the handshake). */
  extraMethods: readonly string[];
  /** How the secret is turned into the HMAC key. */
  key: KeyDerivation;
  /** `sender`: the sender issues the secret (paste it in as `secret`); `either`: you may generate it. */
  secretIssuedBy: 'sender' | 'either';
  /** Where the secret is found or entered in the sender's dashboard. */
  secretLocation: string;
}

/** A row whose sender signs a timestamp, checked within `toleranceSeconds` either way. */
export type TimestampedPreset = Preset & { timestamp: SignedTimestamp; toleranceSeconds: number };

/** The delivery id from the first header the row names that is present; null when it names none. */
export function deliveryIdInHeaders(source: DeliveryIdSource, headers: Headers): string | null {
  if (source?.from !== 'header') return null;
  for (const name of source.names) {
    const value = header(headers, name);
    if (value !== null) return value;
  }
  return null;
}

/** The delivery id from the first payload field the row names that is set; null when it names none. */
function deliveryIdInPayload(source: DeliveryIdSource, payload: unknown): string | null {
  if (source?.from !== 'payload') return null;
  for (const field of source.fields) {
    const value = payloadString(payload, field);
    if (value !== null) return value;
  }
  return null;
}

/** The options of an HMAC scheme that its row fixes. */
export type PresetOptions = Pick<
  HmacSchemeOptions,
  'keys' | 'toleranceSeconds' | 'bodyFormat' | 'extraMethods' | 'deliveryIdFromPayload'
>;

/** Imports the secrets as the row says the sender keys its HMAC, and takes the row's settings. */
export async function presetOptions(preset: Preset, secrets: readonly ActiveSecret[]): Promise<PresetOptions> {
  return {
    keys: await importKeys(secrets, HASH_NAMES[preset.algorithm], preset.key),
    toleranceSeconds: preset.toleranceSeconds,
    bodyFormat: preset.bodyFormat,
    extraMethods: preset.extraMethods,
    deliveryIdFromPayload: (payload) => deliveryIdInPayload(preset.deliveryId, payload),
  };
}
