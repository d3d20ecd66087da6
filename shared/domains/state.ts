/**
 * A custom hostname's state in the words the API shows, from what Cloudflare says of it: its
 * hostname status (did the customer's DNS point here), its certificate's status, and their errors.
 * Only `active` routes at the edge.
 */
import type { CustomHostnameGetResponse } from 'cloudflare/resources/custom-hostnames/custom-hostnames';

export const DOMAIN_STATUSES = ['pending_dns', 'validating_certificate', 'active', 'moved', 'failed'] as const;
export type DomainStatus = (typeof DOMAIN_STATUSES)[number];

/** Cloudflare's custom hostname, as every endpoint returns it. */
export type CustomHostname = CustomHostnameGetResponse;

export interface DnsRecord {
  type: 'CNAME' | 'TXT';
  name: string;
  value: string;
  /** routing: sends the hostname's traffic to HASP; ownership: proves it to Cloudflare; certificate: lets the CA issue it. */
  purpose: 'routing' | 'ownership' | 'certificate';
}

export interface DomainState {
  status: DomainStatus;
  reasons: string[];
  records: DnsRecord[];
}

const BLOCKED = new Set(['blocked', 'pending_blocked', 'test_blocked', 'test_failed']);
const GONE = new Set(['deleted', 'pending_deletion']);
const CERTIFICATE_FAILED = new Set(['expired', 'deleted', 'inactive', 'deactivating', 'initializing_timed_out', 'validation_timed_out', 'issuance_timed_out', 'deployment_timed_out', 'deletion_timed_out']);

export const DELETED_UPSTREAM = 'The hostname was removed at Cloudflare outside HASP. Remove it here and add it again.';

/** The state of `hostname` given Cloudflare's object for it; null: Cloudflare no longer has it. */
export function domainState(hostname: string, upstream: CustomHostname | null, target: string): DomainState {
  const routing: DnsRecord = { type: 'CNAME', name: hostname, value: target, purpose: 'routing' };
  if (upstream === null) return { status: 'failed', reasons: [DELETED_UPSTREAM], records: [routing] };
  const records = [routing, ...ownershipRecords(upstream), ...certificateRecords(upstream)];
  const hostnameErrors = upstream.verification_errors ?? [];
  const certificateErrors = (upstream.ssl?.validation_errors ?? []).flatMap((e) => (e.message ? [e.message] : []));
  const status = upstream.status ?? 'pending';
  const ssl = upstream.ssl?.status;

  if (status === 'moved') {
    return { status: 'moved', reasons: [`The hostname no longer points at ${target}: restore the CNAME record to serve webhooks here again.`, ...hostnameErrors], records };
  }
  if (GONE.has(status)) return { status: 'failed', reasons: [DELETED_UPSTREAM], records };
  if (BLOCKED.has(status)) return { status: 'failed', reasons: hostnameErrors.length > 0 ? hostnameErrors : ['Cloudflare blocked this hostname.'], records };
  if (ssl !== undefined && CERTIFICATE_FAILED.has(ssl)) {
    return { status: 'failed', reasons: certificateErrors.length > 0 ? certificateErrors : [`The certificate is ${ssl.replaceAll('_', ' ')}: check the certificate records, then check again.`], records };
  }
  if (status === 'active' || status === 'active_redeploying') {
    return ssl === 'active' ? { status: 'active', reasons: [], records: [routing] } : { status: 'validating_certificate', reasons: certificateErrors, records };
  }
  return { status: 'pending_dns', reasons: hostnameErrors, records };
}

function ownershipRecords(upstream: CustomHostname): DnsRecord[] {
  const own = upstream.ownership_verification;
  return own?.name && own.value ? [{ type: 'TXT', name: own.name, value: own.value, purpose: 'ownership' }] : [];
}

function certificateRecords(upstream: CustomHostname): DnsRecord[] {
  if (upstream.ssl?.status === 'active') return [];
  return (upstream.ssl?.validation_records ?? []).flatMap((r): DnsRecord[] => {
    if (r.txt_name && r.txt_value) return [{ type: 'TXT', name: r.txt_name, value: r.txt_value, purpose: 'certificate' }];
    if (r.cname && r.cname_target) return [{ type: 'CNAME', name: r.cname, value: r.cname_target, purpose: 'certificate' }];
    return [];
  });
}

/** One sentence a person reads first. */
export function statusText(status: DomainStatus, hostname: string, reasons: readonly string[]): string {
  switch (status) {
    case 'pending_dns':
      return 'Waiting for DNS: create the records below at your DNS provider. HASP checks again by itself.';
    case 'validating_certificate':
      return 'DNS found; the certificate is being validated and issued.';
    case 'active':
      return `Active: webhooks are served at https://${hostname}/webhooks/…`;
    case 'moved':
      return 'Moved away: the hostname no longer points at HASP, so webhooks are not served there.';
    case 'failed':
      return `Failed: ${reasons[0] ?? 'Cloudflare could not set up this hostname.'}`;
  }
}
