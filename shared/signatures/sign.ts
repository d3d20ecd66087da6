/**
 * Signs a request exactly as a webhook's sender would: the sender side of every scheme the
 * verifiers check (Standard Webhooks, each preset, generic HMAC, shared tokens, none).
 *
 * Presets are signed from their preset rows alone (the same rows their verifiers are built from and
 * the README table is rendered from), so a row that drifted from its sender fails the sender-SDK
 * tests in test/node/signatures/sign.test.ts as well as the verifier tests. Pure Web Crypto: used by
 * the control API's test event in workerd and by `hasp send --secret` in Node.
 *
 * Trust boundary: the secret goes into the signature (or, for shared tokens, the header the sender
 * would put it in) and nowhere else; nothing here logs or returns it otherwise.
 */
import { bytesToBase64 } from '../encoding/base64';
import { bytesToHex } from '../encoding/hex';
import { utf8 } from '../encoding/utf8';
import { schemeOf, type AuthConfig, type GenericHmacAuth } from './auth-config';
import { HASH_NAMES, importHmacKey, signHmac, type HashName } from './hmac';
import { importKeys } from './hmac-keys';
import type { Preset } from './preset-row';
import { PRESETS } from './presets';

export interface SignInput {
  auth: AuthConfig;
  /** The webhook secret; ignored (may be null) for auth `none`. */
  secret: string | null;
  /** The public URL the sender posts to (URL-bound schemes sign it). */
  url: string;
  /** The payload as JSON text. Form-body senders (Twilio) send a flat JSON object's fields as a form. */
  body: string;
  /** Signing time, epoch ms (default: now). */
  now?: number;
  /** The message or delivery id the sender would send (default: a fresh one per call). */
  deliveryId?: string;
}

export interface SignedRequest {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Thrown when a request cannot be signed as asked (no secret for a scheme that needs one). */
export class SignError extends Error {}

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

function requireSecret(input: SignInput): string {
  if (input.secret === null || input.secret === '') throw new SignError('This webhook signs with a secret: give one.');
  return input.secret;
}

async function hmac(hash: HashName, key: Uint8Array, content: string, encoding: 'hex' | 'base64'): Promise<string> {
  const signature = await signHmac(await importHmacKey(key, hash), utf8(content));
  return encoding === 'hex' ? bytesToHex(signature) : bytesToBase64(signature);
}

/** The HMAC key a preset row derives from the secret, as the verifier imports it. */
async function presetKey(row: Preset, secret: string): Promise<CryptoKey> {
  const [keyed] = await importKeys([{ value: secret, expiresAt: null }], HASH_NAMES[row.algorithm], row.key);
  if (keyed === undefined) throw new SignError(`The secret is not in the form ${row.label} issues.`);
  return keyed.key;
}

function timestampText(row: Preset, nowMs: number): string {
  switch (row.timestamp?.unit) {
    case 'milliseconds':
      return String(nowMs);
    case 'rfc3339':
      return new Date(nowMs).toISOString();
    default:
      return String(Math.floor(nowMs / 1000));
  }
}

function jsonObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The body the sender would send: a form for form senders, the timestamp field filled in for Linear. */
function senderBody(row: Preset, body: string, timestamp: string): string {
  if (row.bodyFormat === 'form') {
    const fields = jsonObject(body);
    if (fields === null) return body;
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) form.append(name, typeof value === 'string' ? value : JSON.stringify(value));
    return form.toString();
  }
  const field = /^(\w+) field of the signed body$/.exec(row.timestamp?.source ?? '')?.[1];
  if (field === undefined) return body;
  const fields = jsonObject(body);
  if (fields === null || typeof fields[field] === 'number') return body;
  return JSON.stringify({ ...fields, [field]: Number(timestamp) });
}

function sortedFormParameters(body: string): string {
  const pairs = [...new URLSearchParams(body)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return pairs.map(([name, value]) => name + value).join('');
}

/**
 * A preset request built from its row: the timestamp header, the signed id headers, the signed
 * content (the row's `{…}` notation filled in), and the one remaining header carrying the signature.
 */
async function signPreset(row: Preset, input: SignInput, nowMs: number, id: string): Promise<SignedRequest> {
  const secret = requireSecret(input);
  const timestamp = timestampText(row, nowMs);
  const body = senderBody(row, input.body, timestamp);
  const headers: Record<string, string> = { 'content-type': row.bodyFormat === 'form' ? FORM_TYPE : JSON_TYPE };
  let signatureHeader: string | null = null;
  for (const name of row.signatureHeaders) {
    if (row.timestamp?.source === `${name} header`) headers[name] = timestamp;
    else if (row.signedContent.includes(`{${name}}`)) headers[name] = id;
    else signatureHeader = name;
  }
  if (signatureHeader === null) throw new Error(`the ${row.label} row names no signature header`);

  const content = row.signedContent.replace(/\{([^}]+)\}/g, (_, name: string) => {
    if (name === 'body') return body;
    if (name in headers) return headers[name] ?? '';
    if (row.timestamp?.source.startsWith(`${name}= in `)) return timestamp;
    if (name === 'method') return 'POST';
    if (name === 'URL' || name === 'full URL' || name === 'notification URL') return input.url;
    if (name === 'each form parameter name followed by its value, sorted by name') return sortedFormParameters(body);
    throw new Error(`the signed content of ${row.label} names {${name}}, which the signer cannot fill in`);
  });
  const raw = await signHmac(await presetKey(row, secret), utf8(content));
  const signature = row.encoding === 'hex' ? bytesToHex(raw) : bytesToBase64(raw);
  headers[signatureHeader] = (row.signaturePrefix ?? '').replace('…', timestamp) + signature;

  const deliveryHeader = row.deliveryId?.from === 'header' ? row.deliveryId.names[0] : undefined;
  if (deliveryHeader !== undefined && !(deliveryHeader in headers)) headers[deliveryHeader] = id;
  return { method: 'POST', url: input.url, headers, body };
}

async function signGeneric(auth: GenericHmacAuth, input: SignInput, nowMs: number, id: string): Promise<SignedRequest> {
  const secret = requireSecret(input);
  const headers: Record<string, string> = { 'content-type': JSON_TYPE };
  let content = input.body;
  if (auth.signed_content === 'timestamp.body' && auth.timestamp_header !== undefined) {
    const timestamp = String(Math.floor(nowMs / 1000));
    headers[auth.timestamp_header] = timestamp;
    content = `${timestamp}.${input.body}`;
  }
  headers[auth.header] = auth.prefix + (await hmac(HASH_NAMES[auth.algorithm], utf8(secret), content, auth.encoding));
  if (auth.delivery_id_header !== undefined) headers[auth.delivery_id_header] = id;
  return { method: 'POST', url: input.url, headers, body: input.body };
}

/** A fresh id in the form the scheme's sender uses (Standard Webhooks: `msg_…`). */
function freshId(scheme: ReturnType<typeof schemeOf>): string {
  const uuid = crypto.randomUUID();
  return scheme === 'standard-webhooks' ? `msg_${uuid.replace(/-/g, '')}` : uuid;
}

/** The request `input.auth`'s sender would send with `input.body`, signed with `input.secret`. */
export async function signRequest(input: SignInput): Promise<SignedRequest> {
  const nowMs = input.now ?? Date.now();
  const auth = input.auth;
  const scheme = schemeOf(auth);
  const id = input.deliveryId ?? freshId(scheme);
  const plain = (headers: Record<string, string>): SignedRequest => ({
    method: 'POST',
    url: input.url,
    headers: { 'content-type': JSON_TYPE, ...headers },
    body: input.body,
  });
  if (auth.method === 'none') return plain({});
  if (auth.method === 'header') return plain({ [auth.header]: requireSecret(input) });
  if (auth.method === 'bearer') return plain({ authorization: `Bearer ${requireSecret(input)}` });
  if ('header' in auth) return signGeneric(auth, input, nowMs, id);
  if (scheme === 'generic-hmac' || scheme === 'header' || scheme === 'bearer' || scheme === 'none') {
    throw new Error(`auth scheme ${scheme} reached the preset signer`);
  }
  return signPreset(PRESETS[scheme], input, nowMs, id);
}
