/**
 * The auth a description asks for. A named sender's preset comes first (its scheme is fixed by the
 * sender); then what the text says outright: no auth, a generic HMAC with its header and encoding,
 * a bearer token, a named header; otherwise the default Standard Webhooks HMAC. Each guess is said
 * in a note, so the person reviewing the draft knows what to check.
 */
import type { AuthConfig, GenericHmacAuth } from '../signatures/auth-config';
import type { NamedPreset } from './senders';
import { presetLabel } from './senders';

export interface AuthHint {
  auth: AuthConfig;
  notes: string[];
}

/** Phrases that mean "no authentication"; "internal" and "private network" are how people say it. */
const NO_AUTH = /\b(no|without) (auth|authentication|signature|signing|secret)\b|\bunauthenticated\b|\bunsigned\b|\bnot signed\b|\binternal\b|\bprivate network\b|\binside (our|the) (vpc|vpn|network)\b|\bopen endpoint\b/i;
const HEADER_CHARS = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADERISH_ENDS = new Set(['signature', 'sig', 'token', 'key', 'auth', 'secret', 'timestamp', 'time', 'hmac', 'hash', 'digest', 'id', 'date']);

/** Header names written in the text: quoted or back-ticked names, and `X-…` / `…-Signature` forms. */
export function headerNames(text: string): string[] {
  const names: string[] = [];
  // Header names compare case-insensitively; a set keeps a text full of them linear.
  const seen = new Set<string>();
  const add = (name: string) => {
    if (!HEADER_CHARS.test(name) || seen.has(name.toLowerCase())) return;
    seen.add(name.toLowerCase());
    names.push(name);
  };
  for (const m of text.matchAll(/[`"'“‘]([A-Za-z][A-Za-z0-9-]{1,60})[`"'”’]/g)) {
    const name = m[1] ?? '';
    if (name.includes('-') || /header/i.test(text.slice(m.index + m[0].length, m.index + m[0].length + 12))) add(name);
  }
  for (const m of text.matchAll(/\b([A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+)\b/g)) {
    const name = m[1] ?? '';
    const parts = name.toLowerCase().split('-');
    if (parts[0] === 'x' || HEADERISH_ENDS.has(parts[parts.length - 1] ?? '')) add(name);
  }
  return names;
}

function isTimestampHeader(name: string): boolean {
  return /time|date/i.test(name);
}

function genericHmac(text: string, headers: readonly string[]): AuthHint | null {
  const signatureHeader = headers.find((h) => !isTimestampHeader(h));
  if (signatureHeader === undefined) return null;
  const notes: string[] = [];
  const algorithm = /sha-?512\b/i.test(text) ? 'sha512' : /sha-?1\b/i.test(text) ? 'sha1' : 'sha256';
  if (!/sha-?(1|256|512)\b/i.test(text)) notes.push('HMAC algorithm not named: SHA-256 assumed (sha1 and sha512 are possible).');
  const encoding = /base ?64/i.test(text) ? 'base64' : 'hex';
  if (!/base ?64|\bhex\b|hexadecimal/i.test(text)) notes.push('Signature encoding not named: hex assumed (base64 is possible).');
  const prefix = /\b(sha(?:1|256|512)=)/i.exec(text)?.[1]?.toLowerCase() ?? '';
  const auth: GenericHmacAuth = { method: 'hmac', header: signatureHeader, prefix, algorithm, encoding, signed_content: 'body' };
  const timestampHeader = headers.find(isTimestampHeader);
  if (timestampHeader !== undefined && /timestamp/i.test(text)) {
    auth.signed_content = 'timestamp.body';
    auth.timestamp_header = timestampHeader;
    notes.push(`Signed content {timestamp}.{body} with the timestamp in ${timestampHeader}, 5-minute tolerance: check this is what the sender signs.`);
  } else {
    notes.push('Signed content: the raw body (say "timestamp" and its header if the sender signs {timestamp}.{body}).');
  }
  notes.unshift(`Generic HMAC in ${signatureHeader}${prefix === '' ? '' : ` (prefix "${prefix}")`}, ${algorithm}, ${encoding}, as the description says.`);
  return { auth, notes };
}

/** The auth the text asks for, with a note for everything it had to guess. */
export function authFromText(text: string, presets: readonly NamedPreset[]): AuthHint {
  const [first, ...others] = presets;
  if (first !== undefined) {
    const notes = [`${first.named} is named: the ${first.preset} preset (${presetLabel(first.preset)}), which fixes header, algorithm and tolerance.`];
    if (others.length > 0) notes.push(`Also named: ${others.map((p) => p.named).join(', ')}; a webhook has one sender scheme, so the first was taken.`);
    return { auth: { method: 'hmac', preset: first.preset }, notes };
  }
  if (NO_AUTH.test(text)) {
    return {
      auth: { method: 'none' },
      notes: ['The text says the endpoint needs no authentication: auth "none". Not recommended: anyone who knows the URL can send events; prefer an HMAC, or at least a header or bearer token.'],
    };
  }
  const headers = headerNames(text);
  if (/\bhmac\b|\bsigned\b|\bsignature\b/i.test(text) && !/\bbearer\b/i.test(text)) {
    const generic = genericHmac(text, headers);
    if (generic !== null) return generic;
    return { auth: { method: 'hmac' }, notes: ['A signature is mentioned without its header: the default Standard Webhooks scheme (webhook-id, webhook-timestamp, webhook-signature). Name the header if the sender signs differently.'] };
  }
  if (/\bbearer\b|\bauthorization header\b/i.test(text)) {
    return { auth: { method: 'bearer' }, notes: ['Bearer token: the sender sends `Authorization: Bearer <token>`; a token is generated for it.'] };
  }
  const tokenHeader = headers.find((h) => !isTimestampHeader(h));
  if (tokenHeader !== undefined && /\bheader\b|\btoken\b|\bapi[- ]?key\b|\bsecret\b/i.test(text)) {
    return { auth: { method: 'header', header: tokenHeader }, notes: [`Shared token in the ${tokenHeader} header, as the description says; a token is generated for it.`] };
  }
  if (/\bapi[- ]?key\b/i.test(text)) {
    return { auth: { method: 'header', header: 'X-Api-Key' }, notes: ['An API key is mentioned without its header: X-Api-Key assumed.'] };
  }
  return {
    auth: { method: 'hmac' },
    notes: ['No sender or auth method named: the default Standard Webhooks HMAC (webhook-id, webhook-timestamp, webhook-signature: v1,…); a whsec_ secret is generated for the sender.'],
  };
}
