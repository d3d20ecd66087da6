/**
 * Which names an org may add as a custom hostname. Everything here is refused before any call to
 * Cloudflare: a name Cloudflare would refuse anyway (an address, a reserved or single-label name), a
 * name no public DNS can hold, and a name under one of the service's own domains.
 */
import ipaddr from 'ipaddr.js';

/**
 * Special-use names (RFC 2606, 6761, 6762, 7686, 8375, 9476; ICANN's `.internal`), never delegated
 * in public DNS, and the documentation domains of RFC 2606, which Cloudflare refuses (code 1411).
 */
const RESERVED_SUFFIXES = ['test', 'example', 'invalid', 'localhost', 'local', 'onion', 'internal', 'alt', 'home.arpa', 'arpa', 'example.com', 'example.net', 'example.org'];
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const MAX_LENGTH = 253;

export type HostnameCheck = { ok: true; hostname: string } | { ok: false; message: string };

/** `input` as the lower-case ASCII name Cloudflare gets, or why it cannot be a custom hostname. */
export function checkHostname(input: string, ownDomains: readonly string[]): HostnameCheck {
  const hostname = input.trim().toLowerCase().replace(/\.$/, '');
  if (hostname === '') return { ok: false, message: 'hostname is empty' };
  if (/[^\x00-\x7f]/.test(hostname)) {
    return { ok: false, message: `${hostname} has characters outside ASCII; give an internationalised name in its punycode form (xn--…)` };
  }
  if (/[/:@?#]/.test(hostname)) {
    return { ok: false, message: 'hostname must be a bare name such as "api.acme-health.com" (no scheme, port or path)' };
  }
  if (ipaddr.isValid(hostname) || /^\d+(\.\d+)*$/.test(hostname)) {
    return { ok: false, message: `${hostname} is an IP address; a custom hostname is a DNS name such as "api.acme-health.com"` };
  }
  if (hostname.length > MAX_LENGTH) return { ok: false, message: `hostname is ${hostname.length} characters; a DNS name has at most ${MAX_LENGTH}` };
  const labels = hostname.split('.');
  if (labels.length < 2) return { ok: false, message: `${hostname} is a single label; give a fully qualified name such as "api.acme-health.com"` };
  const bad = labels.find((label) => !LABEL.test(label));
  if (bad !== undefined) {
    return { ok: false, message: `"${bad}" is not a valid DNS label: letters, digits and inner hyphens, 1 to 63 characters` };
  }
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) return { ok: false, message: `${hostname} has an all-numeric top-level domain` };
  const reserved = RESERVED_SUFFIXES.find((suffix) => hostname === suffix || hostname.endsWith(`.${suffix}`));
  if (reserved !== undefined) return { ok: false, message: `.${reserved} is reserved for documentation and tests, never a public hostname; give a hostname under a domain your org owns` };
  const own = ownDomains.find((domain) => hostname === domain || hostname.endsWith(`.${domain}`));
  if (own !== undefined) return { ok: false, message: `${hostname} is under a HASP domain (${own}); give a hostname your org owns` };
  return { ok: true, hostname };
}
