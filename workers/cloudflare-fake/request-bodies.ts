/**
 * The create and edit bodies, read as Cloudflare reads them: each refusal names the documented
 * error (./api-errors.ts) it is answered with. Where the docs are silent the fake chooses, and says
 * so below.
 */
import type { BundleMethod, DCVMethod } from 'cloudflare/resources/custom-hostnames/custom-hostnames';
import type { CertificateCA } from 'cloudflare/resources/shared';
import type { HostnameRequest, SslSettings } from './hostname-record';
import { hostnameRefusal, normalHostname, type HostnameRefusal } from './hostname-rules';

export type BodyRefusal =
  | HostnameRefusal
  | { error: 'invalid_json' }
  | { error: 'invalid_ssl' }
  | { error: 'invalid_dcv_method' }
  | { error: 'invalid_validation_type' }
  | { error: 'ssl_method_and_type_required' }
  | { error: 'invalid_bundle_method' };

type Parsed<T> = { ok: true; value: T } | { ok: false; refusal: BodyRefusal };

export interface CreateInput {
  hostname: string;
  request: HostnameRequest;
}

/** The fields an edit replaces; absent ones are kept. */
export type EditInput = Partial<HostnameRequest>;

const DCV_METHODS: readonly DCVMethod[] = ['http', 'txt', 'email'];
const BUNDLE_METHODS: readonly BundleMethod[] = ['ubiquitous', 'optimal', 'force'];
const CERTIFICATE_AUTHORITIES: readonly CertificateCA[] = ['digicert', 'google', 'lets_encrypt', 'ssl_com'];
// The docs name no default authority; Google Trust Services is the fake's choice.
const DEFAULT_CERTIFICATE_AUTHORITY: CertificateCA = 'google';
// A create without `ssl` is not described by the docs; the fake validates over HTTP, the method they recommend.
const DEFAULT_SSL: HostnameRequest['ssl'] = {
  method: 'http',
  type: 'dv',
  settings: {},
  bundle_method: 'ubiquitous',
  certificate_authority: DEFAULT_CERTIFICATE_AUTHORITY,
  wildcard: false,
};

/** A create body: `{hostname, ssl?, custom_metadata?, custom_origin_server?, custom_origin_sni?}`. */
export function parseCreate(body: unknown): Parsed<CreateInput> {
  if (!isObject(body)) return refuse('invalid_json');
  if (typeof body.hostname !== 'string') return refuse('invalid_hostname');
  const hostname = normalHostname(body.hostname);
  const refusal = hostnameRefusal(hostname);
  if (refusal) return { ok: false, refusal };
  const fields = parseEdit(body);
  if (!fields.ok) return fields;
  return { ok: true, value: { hostname, request: { ssl: DEFAULT_SSL, ...fields.value } } };
}

/** An edit body: any of `ssl`, `custom_metadata`, `custom_origin_server`, `custom_origin_sni`. */
export function parseEdit(body: unknown): Parsed<EditInput> {
  if (!isObject(body)) return refuse('invalid_json');
  const edit: EditInput = {};
  if (body.ssl !== undefined) {
    const ssl = parseSsl(body.ssl);
    if (!ssl.ok) return ssl;
    edit.ssl = ssl.value;
  }
  if (body.custom_metadata !== undefined) {
    const metadata = body.custom_metadata;
    // Metadata Cloudflare cannot store as a string map is its 1400, the fake's reading of the docs.
    if (!isStringMap(metadata)) return refuse('invalid_json');
    edit.custom_metadata = metadata;
  }
  for (const field of ['custom_origin_server', 'custom_origin_sni'] as const) {
    const value = body[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') return refuse('invalid_json');
    edit[field] = value;
  }
  return { ok: true, value: edit };
}

function parseSsl(ssl: unknown): Parsed<HostnameRequest['ssl']> {
  if (!isObject(ssl)) return refuse('invalid_ssl');
  const { method, type } = ssl;
  if (method === undefined || type === undefined) return refuse('ssl_method_and_type_required');
  if (!oneOf(DCV_METHODS, method)) return refuse('invalid_dcv_method');
  if (type !== 'dv') return refuse('invalid_validation_type');
  const bundleMethod = ssl.bundle_method ?? DEFAULT_SSL.bundle_method;
  if (!oneOf(BUNDLE_METHODS, bundleMethod)) return refuse('invalid_bundle_method');
  const authority = ssl.certificate_authority ?? DEFAULT_CERTIFICATE_AUTHORITY;
  if (!oneOf(CERTIFICATE_AUTHORITIES, authority)) return refuse('invalid_ssl');
  const settings = ssl.settings ?? {};
  if (!isObject(settings)) return refuse('invalid_ssl');
  const wildcard = ssl.wildcard ?? false;
  if (typeof wildcard !== 'boolean') return refuse('invalid_ssl');
  // Settings are echoed as sent: the fake does not check ciphers or TLS versions (1422 to 1443).
  return { ok: true, value: { method, type, settings: settings as SslSettings, bundle_method: bundleMethod, certificate_authority: authority, wildcard } };
}

function oneOf<T extends string>(allowed: readonly T[], value: unknown): value is T {
  return allowed.some((item) => item === value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringMap(value: unknown): value is Record<string, string> {
  return isObject(value) && Object.values(value).every((item) => typeof item === 'string');
}

function refuse(error: Exclude<BodyRefusal, { detail: string }>['error']): { ok: false; refusal: BodyRefusal } {
  return { ok: false, refusal: { error } };
}
