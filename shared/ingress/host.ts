/**
 * Which part of the service a Host header addresses. Runtime hosts are `{org}.{RUNTIME_DOMAIN}`;
 * in local dev `{org}.{LOCAL_HOST_SUFFIX}` (`acme.localhost`) routes the same way. Any other host
 * may be an enterprise org's custom hostname, which only a verified record can turn into an org.
 */
export const RESERVED_ORG_SLUGS: ReadonlySet<string> = new Set(['api', 'www', 'console', 'admin', 'app', 'status']);

export type HostTarget =
  | { kind: 'org'; orgSlug: string }
  | { kind: 'control' }
  /** The web console; `local` on the dev suffix (plain http, so its cookie cannot be Secure). */
  | { kind: 'console'; local: boolean }
  | { kind: 'custom'; hostname: string }
  | { kind: 'unknown' };

export interface HostSettings {
  runtimeDomain: string;
  /** Empty in production. */
  localSuffix: string;
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Lowercased host without port; null when the header is absent or malformed. */
export function normaliseHost(header: string | null | undefined): string | null {
  if (!header) return null;
  const host = header.trim().toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  return host.length > 0 && host.length <= 253 ? host : null;
}

/** The host a request addressed: its Host header, else the URL's (in-process fetches omit Host). */
export function requestHost(request: Request): string | null {
  return normaliseHost(request.headers.get('host') ?? new URL(request.url).host);
}

export function classifyHost(host: string | null, settings: HostSettings): HostTarget {
  if (host === null) return { kind: 'unknown' };
  for (const suffix of [settings.runtimeDomain, settings.localSuffix]) {
    if (!suffix || !host.endsWith(`.${suffix}`)) continue;
    const label = host.slice(0, -(suffix.length + 1));
    if (label === 'api') return { kind: 'control' };
    if (label === 'console') return { kind: 'console', local: suffix === settings.localSuffix && suffix !== settings.runtimeDomain };
    if (!LABEL.test(label) || RESERVED_ORG_SLUGS.has(label)) return { kind: 'unknown' };
    return { kind: 'org', orgSlug: label };
  }
  if (host === settings.runtimeDomain || host === settings.localSuffix || host === 'localhost') return { kind: 'unknown' };
  return { kind: 'custom', hostname: host };
}
