/**
 * The webhook `auth` field: its schema, its types and the scheme a config resolves to. Its public
 * view, secret generation and secret rules live beside it (public-auth.ts, secret-generation.ts,
 * secret-rules.ts).
 *
 * Fail closed at creation time: an unknown method or preset, a half-configured generic HMAC or a
 * stray field is refused here with a message per field, so a request can never meet a
 * configuration the verifiers do not understand.
 */
import * as v from 'valibot';
import { DEFAULT_TOLERANCE_SECONDS, PRESET_NAMES, type PresetName } from './presets';

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Headers a shared token or signature must not live in: they carry transport or our own data. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'content-type', 'cookie', 'transfer-encoding']);

function headerName(field: string) {
  return v.pipe(
    v.string(`${field} must be a header name (a string)`),
    v.minLength(1, `${field} must not be empty`),
    v.maxLength(100, `${field} must be at most 100 characters`),
    v.regex(HEADER_NAME, `${field} must be a valid HTTP header name (letters, digits, - and _)`),
    v.check(
      (name) => !RESERVED_HEADERS.has(name.toLowerCase()),
      `${field} must not be a transport header (Host, Content-Type, Content-Length, Cookie)`,
    ),
  );
}

const ALGORITHMS = ['sha1', 'sha256', 'sha512'] as const;
const ENCODINGS = ['hex', 'base64'] as const;
const SIGNED_CONTENTS = ['body', 'timestamp.body'] as const;
const GENERIC_FIELDS = [
  'header',
  'prefix',
  'algorithm',
  'encoding',
  'signed_content',
  'timestamp_header',
  'tolerance_seconds',
  'delivery_id_header',
] as const;

const HmacInputSchema = v.strictObject(
  {
    method: v.literal('hmac'),
    preset: v.optional(
      v.picklist(PRESET_NAMES, `preset must be one of: ${PRESET_NAMES.join(', ')}`),
    ),
    verify_token: v.optional(
      v.pipe(
        v.string('verify_token must be a string'),
        v.minLength(8, 'verify_token must be at least 8 characters'),
        v.maxLength(200, 'verify_token must be at most 200 characters'),
      ),
    ),
    header: v.optional(headerName('header')),
    prefix: v.optional(
      v.pipe(
        v.string('prefix must be a string'),
        v.maxLength(64, 'prefix must be at most 64 characters'),
      ),
    ),
    algorithm: v.optional(v.picklist(ALGORITHMS, 'algorithm must be one of: sha1, sha256, sha512')),
    encoding: v.optional(v.picklist(ENCODINGS, 'encoding must be one of: hex, base64')),
    signed_content: v.optional(
      v.picklist(SIGNED_CONTENTS, 'signed_content must be one of: body, timestamp.body'),
    ),
    timestamp_header: v.optional(headerName('timestamp_header')),
    tolerance_seconds: v.optional(
      v.pipe(
        v.number('tolerance_seconds must be a number'),
        v.integer('tolerance_seconds must be a whole number of seconds'),
        v.minValue(1, 'tolerance_seconds must be at least 1'),
        v.maxValue(86_400, 'tolerance_seconds must be at most 86400 (one day)'),
      ),
    ),
    delivery_id_header: v.optional(headerName('delivery_id_header')),
  },
  'Unknown field in hmac auth: allowed are preset (with verify_token for meta), or header, prefix, algorithm, encoding, signed_content, timestamp_header, tolerance_seconds, delivery_id_header',
);

type HmacInput = v.InferOutput<typeof HmacInputSchema>;

export interface DefaultHmacAuth {
  method: 'hmac';
}
export interface PresetHmacAuth {
  method: 'hmac';
  preset: PresetName;
  /** Meta only: the Verify Token typed into Meta's dashboard for the GET subscribe handshake. */
  verify_token?: string;
}
export interface GenericHmacAuth {
  method: 'hmac';
  header: string;
  prefix: string;
  algorithm: (typeof ALGORITHMS)[number];
  encoding: (typeof ENCODINGS)[number];
  signed_content: (typeof SIGNED_CONTENTS)[number];
  timestamp_header?: string;
  tolerance_seconds?: number;
  delivery_id_header?: string;
}
export interface HeaderTokenAuth {
  method: 'header';
  header: string;
}
export interface BearerAuth {
  method: 'bearer';
}
export interface NoneAuth {
  method: 'none';
}
export type HmacAuth = DefaultHmacAuth | PresetHmacAuth | GenericHmacAuth;

/** One refusal of an hmac config: the field it concerns and what to do. */
interface HmacProblem {
  field: keyof HmacInput;
  message: string;
}

/** Every reason an hmac config that parsed field by field is still unusable, one per field. */
function hmacProblems(input: HmacInput): HmacProblem[] {
  const problems: HmacProblem[] = [];
  const generic = GENERIC_FIELDS.filter((field) => input[field] !== undefined);
  if (input.preset !== undefined) {
    for (const field of generic) {
      problems.push({
        field,
        message: `${field} cannot be combined with a preset: the preset fixes header, algorithm, encoding and signed content`,
      });
    }
  }
  if (input.verify_token !== undefined && input.preset !== 'meta') {
    problems.push({
      field: 'verify_token',
      message: 'verify_token is only used by the meta preset (its GET subscribe handshake)',
    });
  }
  if (input.preset === undefined && generic.length > 0) {
    const required = {
      header: 'the header that carries the signature, e.g. "X-Signature"',
      algorithm: 'sha1, sha256 or sha512',
      encoding: 'hex or base64',
      signed_content: '"body", or "timestamp.body" for {timestamp}.{body}',
    } as const;
    for (const [field, hint] of Object.entries(required) as [keyof typeof required, string][]) {
      if (input[field] === undefined) {
        problems.push({ field, message: `${field} is required for a generic HMAC: ${hint}` });
      }
    }
    if (input.signed_content === 'timestamp.body' && input.timestamp_header === undefined) {
      problems.push({
        field: 'timestamp_header',
        message:
          'timestamp_header is required when signed_content is "timestamp.body": the header that carries the signed timestamp',
      });
    }
    if (input.signed_content !== 'timestamp.body') {
      for (const field of ['timestamp_header', 'tolerance_seconds'] as const) {
        if (input[field] !== undefined) {
          problems.push({
            field,
            message: `${field} only applies when signed_content is "timestamp.body"`,
          });
        }
      }
    }
  }
  return problems;
}

function normaliseHmac(input: HmacInput): HmacAuth | null {
  if (input.preset !== undefined) {
    return input.verify_token === undefined
      ? { method: 'hmac', preset: input.preset }
      : { method: 'hmac', preset: input.preset, verify_token: input.verify_token };
  }
  if (
    input.header === undefined &&
    input.algorithm === undefined &&
    input.encoding === undefined &&
    input.signed_content === undefined
  ) {
    return { method: 'hmac' };
  }
  if (
    input.header === undefined ||
    input.algorithm === undefined ||
    input.encoding === undefined ||
    input.signed_content === undefined
  ) {
    return null;
  }
  const generic: GenericHmacAuth = {
    method: 'hmac',
    header: input.header,
    prefix: input.prefix ?? '',
    algorithm: input.algorithm,
    encoding: input.encoding,
    signed_content: input.signed_content,
  };
  if (input.signed_content === 'timestamp.body') {
    generic.timestamp_header = input.timestamp_header;
    generic.tolerance_seconds = input.tolerance_seconds ?? DEFAULT_TOLERANCE_SECONDS;
  }
  if (input.delivery_id_header !== undefined) generic.delivery_id_header = input.delivery_id_header;
  return generic;
}

const HeaderTokenSchema = v.strictObject(
  {
    method: v.literal('header'),
    header: v.optional(headerName('header'), 'X-Hasp-Token'),
  },
  'Unknown field in header auth: only header is allowed (the token itself is the webhook secret)',
);
const BearerSchema = v.strictObject(
  { method: v.literal('bearer') },
  'Unknown field in bearer auth: it has no settings (the token is the webhook secret)',
);
const NoneSchema = v.strictObject({ method: v.literal('none') }, 'Unknown field in none auth: it has no settings');

/**
 * The `auth` field of a webhook; absent means `{ method: "hmac" }` (Standard Webhooks). Its output
 * is normalised (generic defaults filled in) and parses again to itself, so it can be stored as is.
 */
export const AuthConfigSchema = v.pipe(
  v.variant(
    'method',
    [HmacInputSchema, HeaderTokenSchema, BearerSchema, NoneSchema],
    'auth.method must be one of: hmac, header, bearer, none',
  ),
  v.rawTransform(({ dataset, addIssue, NEVER }): HmacAuth | HeaderTokenAuth | BearerAuth | NoneAuth => {
    const input = dataset.value;
    if (input.method !== 'hmac') return input;
    const problems = hmacProblems(input);
    const normalised = problems.length === 0 ? normaliseHmac(input) : null;
    if (normalised !== null) return normalised;
    for (const problem of problems) {
      addIssue({
        message: problem.message,
        path: [{ type: 'object', origin: 'value', input, key: problem.field, value: input[problem.field] }],
      });
    }
    return NEVER;
  }),
);

export type AuthConfig = v.InferOutput<typeof AuthConfigSchema>;

export function isPresetAuth(auth: AuthConfig): auth is PresetHmacAuth {
  return auth.method === 'hmac' && 'preset' in auth;
}

export function isGenericAuth(auth: AuthConfig): auth is GenericHmacAuth {
  return auth.method === 'hmac' && 'header' in auth;
}

/** The scheme name a config resolves to: a preset, `standard-webhooks` by default, or the method. */
export function schemeOf(auth: AuthConfig): PresetName | 'generic-hmac' | 'header' | 'bearer' | 'none' {
  if (auth.method !== 'hmac') return auth.method;
  if (isPresetAuth(auth)) return auth.preset;
  if (isGenericAuth(auth)) return 'generic-hmac';
  return 'standard-webhooks';
}
