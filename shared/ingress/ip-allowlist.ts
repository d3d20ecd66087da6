/**
 * A webhook's IP allowlist: CIDR ranges (IPv4 and IPv6) its requests must come from. Entries are
 * checked and normalised once, when the control API stores them; the ingress compiles the stored
 * list once per config load and matches each request's client address against it before it reads
 * the body. An empty list allows any address.
 *
 * The client address is the one the platform gives (`CF-Connecting-IP`): Cloudflare sets it from
 * the connection and replaces any value a client sends, so a sender cannot choose it. A request
 * without a parseable address is refused by a non-empty list: fail closed.
 */
import ipaddr from 'ipaddr.js';

/** Enough for a sender's published ranges (GitHub's hooks, Stripe's, …) several times over. */
export const MAX_ALLOWLIST_ENTRIES = 100;

const PREFIX = /^(0|[1-9]\d{0,2})$/;
/** The low 32 bits of an IPv4-mapped IPv6 range are the IPv4 range (::ffff:0:0/96). */
const MAPPED_PREFIX_BITS = 96;

export type AllowlistEntry = { ok: true; cidr: string } | { ok: false; message: string };

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * One entry as the API stores it: a CIDR range with its host bits cleared (`203.0.113.0/24`,
 * `2001:db8::/32`), a single address as its /32 or /128, IPv6 in RFC 5952 form, an IPv4-mapped
 * IPv6 range as the IPv4 range it is. Only the plain notations count: dotted four-part decimal
 * for IPv4 (no `10.1`, no octal or hex parts) and no IPv6 zone (`%eth0`).
 */
export function normaliseAllowlistEntry(entry: string): AllowlistEntry {
  const invalid: AllowlistEntry = {
    ok: false,
    message: `"${entry}" is not an IPv4 or IPv6 address or CIDR range (for example 203.0.113.0/24, 198.51.100.7, 2001:db8::/32)`,
  };
  const text = entry.trim();
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const prefixText = slash === -1 ? null : text.slice(slash + 1);
  if (prefixText !== null && !PREFIX.test(prefixText)) return invalid;

  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  if (ipaddr.IPv4.isValidFourPartDecimal(address)) parsed = ipaddr.IPv4.parse(address);
  else if (!address.includes('%') && ipaddr.IPv6.isValid(address)) parsed = ipaddr.IPv6.parse(address);
  else return invalid;

  const maxBits = parsed.kind() === 'ipv4' ? 32 : 128;
  const bits = prefixText === null ? maxBits : Number(prefixText);
  if (bits > maxBits) return { ok: false, message: `"${entry}": an ${parsed.kind() === 'ipv4' ? 'IPv4' : 'IPv6'} prefix is at most /${maxBits}` };

  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress() && bits >= MAPPED_PREFIX_BITS) {
    return { ok: true, cidr: networkOf((parsed as ipaddr.IPv6).toIPv4Address(), bits - MAPPED_PREFIX_BITS) };
  }
  return { ok: true, cidr: networkOf(parsed, bits) };
}

function networkOf(address: ipaddr.IPv4 | ipaddr.IPv6, bits: number): string {
  if (address.kind() === 'ipv4') return `${ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${bits}`).toString()}/${bits}`;
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${bits}`).toRFC5952String()}/${bits}`;
}

/** Compiled once per config load; `allows` runs on every request to the webhook. */
export class IpAllowlist {
  private constructor(private readonly ranges: readonly Range[]) {}

  /** The stored (normalised) entries; null for an empty list, which allows any address. */
  static compile(cidrs: readonly string[]): IpAllowlist | null {
    if (cidrs.length === 0) return null;
    return new IpAllowlist(cidrs.map((cidr) => ipaddr.parseCIDR(cidr)));
  }

  /** Whether `clientAddress` (CF-Connecting-IP) is inside one of the ranges; false when absent or unparseable. */
  allows(clientAddress: string | null): boolean {
    if (clientAddress === null) return false;
    let address: ipaddr.IPv4 | ipaddr.IPv6;
    if (ipaddr.IPv4.isValidFourPartDecimal(clientAddress)) address = ipaddr.IPv4.parse(clientAddress);
    // An IPv4 client reached over IPv6 (::ffff:a.b.c.d) matches the IPv4 ranges.
    else if (ipaddr.IPv6.isValid(clientAddress)) address = ipaddr.process(clientAddress);
    else return false;
    return this.ranges.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits));
  }
}
