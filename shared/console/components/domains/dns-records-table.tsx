/**
 * The DNS records a customer creates for a custom hostname, one row each: type, name, value and
 * what the record is for, with the name and value copyable (they are long, and a typo in either
 * keeps the hostname pending). The table scrolls in its own focusable box so a phone-width page
 * never scrolls sideways as a whole.
 */
import type { FC } from 'hono/jsx';
import type { DnsRecord } from '../../../domains/state';
import { Copyable } from '../copy-button';

/** A record's purpose in words: what breaks without it. */
export function purposeText(purpose: DnsRecord['purpose']): string {
  switch (purpose) {
    case 'routing':
      return 'Routing: sends the hostname’s requests to HASP';
    case 'ownership':
      return 'Ownership: proves to Cloudflare that the hostname is yours';
    case 'certificate':
      return 'Certificate: lets the certificate authority issue its TLS certificate';
  }
}

/** A record, or the takeover TXT record, as the table shows it. */
export type RecordRow = Pick<DnsRecord, 'type' | 'name' | 'value'> & { purpose: DnsRecord['purpose'] | 'takeover' };

function purposeOf(purpose: RecordRow['purpose']): string {
  return purpose === 'takeover' ? 'Takeover: proves your org controls the hostname’s DNS' : purposeText(purpose);
}

export interface DnsRecordsTableProps {
  /** Unique on the page: the ids of the copyable cells start with it. */
  idPrefix: string;
  caption: string;
  records: readonly RecordRow[];
}

export const DnsRecordsTable: FC<DnsRecordsTableProps> = ({ idPrefix, caption, records }) => (
  <div class="table-scroll" role="region" aria-labelledby={`${idPrefix}-caption`} tabindex={0}>
    <table class="dns-records">
      <caption id={`${idPrefix}-caption`}>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Type</th>
          <th scope="col">Name</th>
          <th scope="col">Value</th>
          <th scope="col">Purpose</th>
        </tr>
      </thead>
      <tbody>
        {records.map((r, i) => (
          <tr>
            <td>{r.type}</td>
            <td>
              <Copyable id={`${idPrefix}-${i}-name`} value={r.name} label="Copy name" />
            </td>
            <td>
              <Copyable id={`${idPrefix}-${i}-value`} value={r.value} label="Copy value" />
            </td>
            <td>{purposeOf(r.purpose)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  </div>
);
