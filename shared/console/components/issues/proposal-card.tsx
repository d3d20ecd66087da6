/**
 * A schema change proposed from what senders actually send, on the webhook's page: each change in
 * words, the evidence it was made from (paths, types and counts — never a value), the workflows
 * whose trigger contracts it would break, and the buttons that apply or dismiss it. Applying follows
 * the rules of a schema change: the API refuses (409) what would break a workflow, and the page says
 * so as it does for the schema editor.
 */
import type { FC } from 'hono/jsx';
import { typesOf } from '../../../schema/json-schema';
import { CsrfField } from '../../csrf';
import { workflowHref } from '../../pages/workflows/links';
import { When } from '../webhook/when';
import type { ProposalChange, ProposalEvidence, ProposalView } from './types';
import { plural } from './words';

/** `string or number`. */
function typesText(types: readonly string[] | undefined): string {
  if (types === undefined || types.length === 0) return 'any type';
  return types.length === 1 ? (types[0] ?? '') : `${types.slice(0, -1).join(', ')} or ${types.at(-1) ?? ''}`;
}

/** A payload path as the page shows it: `*` is every item of an array or every key of a map. */
const PathCode: FC<{ path: string }> = ({ path }) => <code>{path === '' ? '(the whole payload)' : path}</code>;

/** One change in words. */
export function changeText(change: ProposalChange): string {
  switch (change.op) {
    case 'add-property':
      return `new optional field, ${typesText(typesOf(change.to))}`;
    case 'widen-type': {
      const dropped = change.dropped === undefined || change.dropped.length === 0 ? '' : ` (its list of allowed values goes: none is ${typesText(change.to.filter((t) => !change.from.includes(t)))})`;
      return `accept ${typesText(change.to)}, not only ${typesText(change.from)}${dropped}`;
    }
    case 'make-optional':
      return 'no longer required: senders leave it out';
  }
}

/** One piece of evidence in words: where, what type, how many, and when. */
const Evidence: FC<{ item: ProposalEvidence }> = ({ item }) => {
  const share = `${Math.round(item.share * 100)} %`;
  const sent = item.type === 'missing' ? 'missing' : `sent as ${item.type}`;
  return (
    <li>
      <PathCode path={item.path} /> {sent}:{' '}
      {item.source === 'accepted' ? (
        <>
          in {plural(item.count, 'accepted event')} ({share} of those summarised)
        </>
      ) : (
        <>
          in {plural(item.count, 'refusal')} ({share} of the refusals there)
        </>
      )}
      , first seen <When at={item.first_seen_at} />, last seen <When at={item.last_seen_at} />
    </li>
  );
};

export const ProposalCard: FC<{ proposal: ProposalView; csrf: string }> = ({ proposal, csrf }) => {
  const base = `/webhooks/${encodeURIComponent(proposal.webhook_id)}/proposals/${encodeURIComponent(proposal.id)}`;
  const { breaks, window } = proposal;
  return (
    <article class="proposal" id={proposal.id} aria-labelledby={`${proposal.id}-heading`}>
      <h4 id={`${proposal.id}-heading`}>
        {plural(proposal.diff.length, 'change')} proposed <When at={proposal.created_at} />
      </h4>
      <p class="muted">
        <code>{proposal.id}</code>, from the last {window.hours} hours: {plural(window.events_seen, 'accepted event')} ({window.events_summarised} summarised),{' '}
        {plural(window.refusals, 'content refusal')}.
      </p>
      <ul class="diff" aria-label="What changes">
        {proposal.diff.map((change) => (
          <li>
            <PathCode path={change.path} />: {changeText(change)}
          </li>
        ))}
      </ul>
      <details>
        <summary>Why: what senders sent ({plural(proposal.evidence.length, 'observation')})</summary>
        <ul class="compact">
          {proposal.evidence.map((item) => (
            <Evidence item={item} />
          ))}
        </ul>
      </details>
      {breaks.length === 0 ? (
        <p>No workflow breaks: every workflow that handles this webhook keeps the fields it needs.</p>
      ) : (
        <>
          <p>
            <strong>It would break {plural(breaks.length, 'workflow')}</strong>, so applying it is refused until they no longer need what it changes:
          </p>
          <ul class="compact">
            {breaks.map((b) => (
              <li>
                <a href={workflowHref(b.id)}>{b.name}</a> would lose{' '}
                {b.unmet.map((u, i) => (
                  <>
                    {i > 0 && '; '}
                    {u.field === '' ? (
                      u.reason
                    ) : (
                      <>
                        <code>{u.field}</code>: {u.reason}
                      </>
                    )}
                  </>
                ))}
              </li>
            ))}
          </ul>
        </>
      )}
      <div class="proposal-actions">
        <form method="post" action={`${base}/apply`} class="inline">
          <CsrfField token={csrf} />
          <button type="submit" aria-describedby={`${proposal.id}-apply-help`}>
            Apply this change
          </button>
        </form>
        <form method="post" action={`${base}/dismiss`} class="inline">
          <CsrfField token={csrf} />
          <button type="submit" class="secondary" aria-describedby={`${proposal.id}-dismiss-help`}>
            Dismiss
          </button>
        </form>
      </div>
      <p class="hint" id={`${proposal.id}-apply-help`}>
        Apply saves the proposed schema as a schema change does; requests refused under the old one can then be replayed from their issue.
      </p>
      <p class="hint" id={`${proposal.id}-dismiss-help`}>
        Dismiss keeps the schema as it is; the same change is not proposed again.
      </p>
    </article>
  );
};

/** The webhook's open proposals, or that there are none. */
export const SchemaProposals: FC<{ proposals: readonly ProposalView[] | null; csrf: string }> = ({ proposals, csrf }) => {
  if (proposals === null) return <p>Schema proposals could not be read just now; reload the page.</p>;
  const open = proposals.filter((p) => p.state === 'open');
  if (open.length === 0) return <p>No schema change proposed: what senders send fits the schema.</p>;
  return (
    <>
      {open.map((proposal) => (
        <ProposalCard proposal={proposal} csrf={csrf} />
      ))}
    </>
  );
};
