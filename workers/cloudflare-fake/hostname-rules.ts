/**
 * Which custom hostnames Cloudflare refuses, by the rules its errors 1407 to 1411 state (./api-errors.ts).
 * Without the public suffix list the fake approximates 1410 by one rule: a single label has no
 * registrable domain. A wildcard (`*.shop.com`) is refused as 1407's special character: the
 * service never asks for one.
 */

export type HostnameRefusal =
  | { error: 'non_ascii_hostname' }
  | { error: 'invalid_hostname' }
  | { error: 'reserved_tld' }
  | { error: 'unparseable_hostname'; detail: string }
  | { error: 'example_domain' };

const RESERVED_TLDS = new Set(['test', 'example', 'invalid', 'localhost']);
const EXAMPLE_DOMAINS = ['example.com', 'example.net', 'example.org'];
const MAX_LENGTH = 255;
const MAX_LABEL_LENGTH = 63;
const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** The hostname as Cloudflare stores it: DNS names compare without case. */
export function normalHostname(hostname: string): string {
  return hostname.toLowerCase();
}

/** Why Cloudflare would refuse `hostname` (already normalised), or null when it would accept it. */
export function hostnameRefusal(hostname: string): HostnameRefusal | null {
  if ([...hostname].some((char) => char.charCodeAt(0) > 0x7f)) return { error: 'non_ascii_hostname' };
  if (hostname.length === 0 || hostname.length > MAX_LENGTH || IPV4.test(hostname)) return { error: 'invalid_hostname' };
  const labels = hostname.split('.');
  if (!labels.every((label) => label.length <= MAX_LABEL_LENGTH && LABEL.test(label))) return { error: 'invalid_hostname' };
  const tld = labels[labels.length - 1] ?? '';
  if (RESERVED_TLDS.has(tld)) return { error: 'reserved_tld' };
  if (labels.length < 2) return { error: 'unparseable_hostname', detail: `publicsuffix: cannot derive eTLD+1 for domain ${hostname}` };
  if (EXAMPLE_DOMAINS.some((domain) => hostname === domain || hostname.endsWith(`.${domain}`))) return { error: 'example_domain' };
  return null;
}
