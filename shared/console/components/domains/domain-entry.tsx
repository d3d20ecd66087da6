/**
 * One custom hostname of the project as the Domains page lists it: its state in words with
 * Cloudflare's reasons, when it was checked, the DNS records still to create, and its two actions:
 * check now, and remove (behind a confirmation that says what removing does).
 */
import type { FC } from 'hono/jsx';
import type { DomainView } from '../../../domains/view';
import { CsrfField } from '../../csrf';
import { When } from '../webhook/when';
import { DnsRecordsTable } from './dns-records-table';

/** The fragment id of a hostname's entry: the page redirects back to it after an action. */
export function domainAnchor(hostname: string): string {
  return `domain-${hostname}`;
}

/** The console path of an action on `hostname`. */
export function domainActionPath(hostname: string, action: 'verify' | 'remove'): string {
  return `/domains/${encodeURIComponent(hostname)}/${action}`;
}

const StatusBadge: FC<{ status: DomainView['status'] }> = ({ status }) => {
  switch (status) {
    case 'active':
      return <span class="badge ok">Active</span>;
    case 'pending_dns':
      return <span class="badge">Waiting for DNS</span>;
    case 'validating_certificate':
      return <span class="badge">Validating certificate</span>;
    case 'moved':
      return <span class="badge bad">Moved away</span>;
    case 'failed':
      return <span class="badge bad">Failed</span>;
  }
};

const Checks: FC<{ domain: DomainView }> = ({ domain }) => (
  <ul class="plain domain-times">
    <li>
      Last checked: {domain.checked_at === null ? 'not yet' : <When at={domain.checked_at} />}
      {domain.next_check_at !== null && (
        <>
          ; next automatic check: <When at={domain.next_check_at} />
        </>
      )}
    </li>
    {domain.activated_at !== null && (
      <li>
        Active since <When at={domain.activated_at} />
      </li>
    )}
    {domain.status !== 'active' && domain.expires_at !== null && (
      <li>
        Unless it is active by <When at={domain.expires_at} />, the claim lapses: the hostname is removed and another org may add it.
      </li>
    )}
  </ul>
);

const CheckNowForm: FC<{ hostname: string; csrf: string }> = ({ hostname, csrf }) => (
  <form method="post" action={domainActionPath(hostname, 'verify')} class="inline">
    <CsrfField token={csrf} />
    <button type="submit" class="secondary">
      Check now<span class="visually-hidden"> {hostname}</span>
    </button>
  </form>
);

/** Removing says what it does and asks for the hostname, as deleting a webhook asks for its slug. */
const RemoveForm: FC<{ domain: DomainView; csrf: string; idPrefix: string }> = ({ domain, csrf, idPrefix }) => (
  <details class="remove-domain">
    <summary>
      Remove<span class="visually-hidden"> {domain.hostname}</span>
    </summary>
    <form method="post" action={domainActionPath(domain.hostname, 'remove')} class="stack">
      <CsrfField token={csrf} />
      <p>
        Removing <strong>{domain.hostname}</strong> deletes it at Cloudflare too
        {domain.status === 'active' ? ': webhooks sent to it are refused from then on, and its URLs are no longer listed.' : ', and frees the name.'} The URLs on the
        org’s own host keep working. Adding it again starts over with new DNS records.
      </p>
      <label for={`${idPrefix}-confirm`}>{`Type the hostname ${domain.hostname} to confirm`}</label>
      <input id={`${idPrefix}-confirm`} name="confirm" type="text" autocomplete="off" spellcheck={false} required />
      <div>
        <button type="submit" class="danger">
          Remove {domain.hostname}
        </button>
      </div>
    </form>
  </details>
);

export const DomainEntry: FC<{ domain: DomainView; csrf: string }> = ({ domain, csrf }) => {
  const anchor = domainAnchor(domain.hostname);
  const routing = domain.records.find((r) => r.purpose === 'routing');
  return (
    <section id={anchor} class="domain" aria-labelledby={`${anchor}-heading`}>
      <h3 id={`${anchor}-heading`}>
        <code>{domain.hostname}</code> <StatusBadge status={domain.status} />
      </h3>
      <p>{domain.status_text}</p>
      {domain.reasons.length > 0 && (
        <>
          <p>What Cloudflare reports:</p>
          <ul class="errors">
            {domain.reasons.map((reason) => (
              <li>{reason}</li>
            ))}
          </ul>
        </>
      )}
      <Checks domain={domain} />
      {domain.status === 'active' ? (
        routing && (
          <p>
            Keep the CNAME record <code>{routing.name}</code> → <code>{routing.value}</code> in place: without it the hostname moves away and stops serving webhooks.
          </p>
        )
      ) : domain.records.length > 0 ? (
        <DnsRecordsTable idPrefix={`${anchor}-record`} caption={`DNS records to create for ${domain.hostname}`} records={domain.records} />
      ) : null}
      <div class="domain-actions">
        <CheckNowForm hostname={domain.hostname} csrf={csrf} />
        <RemoveForm domain={domain} csrf={csrf} idPrefix={anchor} />
      </div>
    </section>
  );
};
