/**
 * Adding a custom hostname: the form, the API's refusal beside it (with the TXT record that takes
 * over another org's lapsing claim, when the refusal carries one), and, once the API said the org
 * is not on the enterprise plan, an explanation in place of the form. The console cannot read the
 * plan; the API's 403 to an attempt is what tells it.
 */
import type { FC } from 'hono/jsx';
import type { ApiProblem } from '../../api-client';
import { CsrfField } from '../../csrf';
import { ProblemNotice } from '../problem-notice';
import { When } from '../webhook/when';
import { DnsRecordsTable } from './dns-records-table';
import { addRefusalNextStep, claimExpiresAt, cloudflareUnavailableText, takeoverOf } from './refusal-words';

/** A refused add, shown with what the person had typed. */
export interface AddAttempt {
  hostname: string;
  problem: ApiProblem;
}

const Takeover: FC<{ problem: ApiProblem }> = ({ problem }) => {
  const record = takeoverOf(problem);
  if (record === null) return null;
  const lapses = claimExpiresAt(problem);
  return (
    <div class="takeover">
      <p>
        To take the hostname over, create this TXT record at your DNS provider, then add the hostname again.
        {lapses !== null && (
          <>
            {' '}
            Otherwise the other org’s claim lapses at <When at={lapses} /> and the hostname can be added then.
          </>
        )}
      </p>
      <DnsRecordsTable idPrefix="takeover-record" caption="TXT record that proves your org controls the hostname" records={[{ ...record, purpose: 'takeover' }]} />
    </div>
  );
};

export const AddHostnameForm: FC<{ csrf: string; attempt: AddAttempt | null }> = ({ csrf, attempt }) => (
  <>
    {attempt && (
      <>
        <ProblemNotice
          problem={attempt.problem}
          heading={attempt.problem.code === 'cloudflare-unavailable' ? cloudflareUnavailableText(attempt.problem) : `${attempt.hostname.trim() || 'The hostname'} was not added`}
          nextStep={addRefusalNextStep(attempt.problem)}
        />
        <Takeover problem={attempt.problem} />
      </>
    )}
    <form method="post" action="/domains" class="stack">
      <CsrfField token={csrf} />
      <div class="field">
        <label for="hostname">Hostname</label>
        <input
          id="hostname"
          name="hostname"
          type="text"
          inputmode="url"
          autocomplete="off"
          spellcheck={false}
          required
          value={attempt?.hostname ?? ''}
          aria-invalid={attempt?.problem.status === 400 ? 'true' : undefined}
          aria-describedby="hostname-hint"
        />
        <p id="hostname-hint" class="hint">
          A name in a domain your org owns, such as <code>api.example.com</code>: no <code>https://</code> and no path. The next page lists the DNS records to
          create. Custom hostnames are for orgs on the enterprise plan.
        </p>
      </div>
      <div>
        <button type="submit">Add hostname</button>
      </div>
    </form>
  </>
);

/** In place of the form once the API refused an add because the org is not on the enterprise plan. */
export const NotEnterprise: FC<{ problem: ApiProblem; orgSlug: string }> = ({ problem, orgSlug }) => (
  <div class="warning" role="alert">
    <p>
      <strong>Custom hostnames need the enterprise plan.</strong> {problem.detail}
    </p>
    <p>
      Nothing was added. The webhooks of <strong>{orgSlug}</strong> keep working at their URLs on the org’s own host, shown on each webhook’s page. To receive them
      on a hostname of your own, ask HASP to move the org to the enterprise plan, then add the hostname here.
    </p>
  </div>
);
