/**
 * A custom hostname as the control API answers it, and as the console and `hasp domains` read it.
 * Free of Worker types, so the CLI's Node build imports the same shape.
 */
import type { customHostnames } from '../db/schema';
import { statusText, type DnsRecord, type DomainStatus } from './state';

export interface DomainView {
  hostname: string;
  status: DomainStatus;
  /** One sentence for a person. */
  status_text: string;
  /** Cloudflare's reasons, when it gives any. */
  reasons: string[];
  /** What the customer creates in their DNS. */
  records: DnsRecord[];
  checked_at: string | null;
  next_check_at: string | null;
  activated_at: string | null;
  /** When a claim that is not active lapses; null once active. */
  expires_at: string | null;
  created_at: string;
}

export function domainView(row: typeof customHostnames.$inferSelect): DomainView {
  const reasons = JSON.parse(row.reasons) as string[];
  return {
    hostname: row.hostname,
    status: row.status,
    status_text: statusText(row.status, row.hostname, reasons),
    reasons,
    records: JSON.parse(row.records) as DnsRecord[],
    checked_at: row.checkedAt,
    next_check_at: row.nextCheckAt,
    activated_at: row.activatedAt,
    expires_at: row.expiresAt,
    created_at: row.createdAt,
  };
}
