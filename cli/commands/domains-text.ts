/**
 * How custom hostnames read in human output: shared by `hasp domains add`, `list`, `show` and
 * `check`. The DNS records come first-class, as a table the customer copies into their DNS provider.
 */
import type { DnsRecord, DomainStatus } from '../../shared/domains/state';
import type { DomainView } from '../../shared/domains/view';
import { colour, fields, line, table } from '../output';

export type { DomainView };

/** The path of one hostname under /v1/domains. */
export function domainPath(hostname: string, action = ''): string {
  return `/v1/domains/${encodeURIComponent(hostname.trim().toLowerCase())}${action}`;
}

const UNITS: [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1_000, 's'],
];

/** `2026-05-01T10:00:00.000Z (3 min ago)`, `… (in 2 min)`, or `—` for a time that has not happened. */
export function when(iso: string | null, now = Date.now()): string {
  if (iso === null) return colour.dim('—');
  const delta = Date.parse(iso) - now;
  const size = Math.abs(delta);
  const [unit, name] = UNITS.find(([ms]) => size >= ms) ?? [1_000, 's'];
  const amount = Math.round(size / unit);
  const relative = size < 1_000 ? 'just now' : delta < 0 ? `${amount} ${name} ago` : `in ${amount} ${name}`;
  return `${iso} ${colour.dim(`(${relative})`)}`;
}

export function statusLabel(status: DomainStatus): string {
  switch (status) {
    case 'active':
      return colour.green(status);
    case 'pending_dns':
    case 'validating_certificate':
      return colour.yellow(status);
    case 'moved':
    case 'failed':
      return colour.red(status);
  }
}

/** The records as rows the customer can copy: type, name, value, purpose. */
export function recordRows(records: readonly DnsRecord[]): string[][] {
  return records.map((r) => [r.type, r.name, r.value, r.purpose]);
}

export function printRecords(records: readonly DnsRecord[]): void {
  table(['TYPE', 'NAME', 'VALUE', 'PURPOSE'], recordRows(records));
}

export function printDomain(d: DomainView, now = Date.now()): void {
  line(colour.bold(d.hostname));
  line(d.status === 'active' ? colour.green(d.status_text) : d.status_text);
  line();
  fields([
    ['Status', statusLabel(d.status)],
    ...d.reasons.map((reason): [string, string] => ['Reason', reason]),
    ['Last checked', when(d.checked_at, now)],
    ['Next check', when(d.next_check_at, now)],
    ...(d.activated_at === null ? [] : [['Active since', when(d.activated_at, now)] as [string, string]]),
    // A claim that is not active is released when it lapses, so the name is free for others again.
    ...(d.expires_at === null ? [] : [['Claim lapses', `${when(d.expires_at, now)} ${colour.dim('unless active by then')}`] as [string, string]]),
    ['Added', when(d.created_at, now)],
  ]);
  line();
  // Once active the API lists only the record the hostname keeps needing: the routing CNAME.
  line(colour.bold(d.status === 'active' ? 'DNS records' : 'DNS records to create at your DNS provider'));
  printRecords(d.records);
}
