/**
 * The parts of one issue's page: what happened when (its timeline), the sample refusals (reason,
 * time, paths — never a value, which the issue does not hold), the paths content refusals fail at
 * with the types the sender put there, the buttons that change its state, and for content causes
 * the replay of its kept requests with where to fix the schema first.
 */
import type { FC } from 'hono/jsx';
import { CsrfField } from '../../csrf';
import { causeOf as reasonText } from '../webhook/recent-activity';
import { When } from '../webhook/when';
import type { IssueReplayView, IssueView, ProposalView } from './types';
import { plural } from './words';

interface TimelineEntry {
  at: string;
  text: string;
}

/** The issue's moments, oldest first, from the times it carries. */
export function timelineOf(issue: IssueView): TimelineEntry[] {
  const silence = issue.cause === 'silence';
  const entries: TimelineEntry[] = [
    { at: issue.first_seen_at, text: silence ? 'The quiet began' : 'First refusal seen' },
    { at: issue.opened_at, text: issue.reopen_count > 0 ? `Opened (last re-opened; re-opened ${plural(issue.reopen_count, 'time')} in all)` : 'Opened' },
  ];
  if (issue.acknowledged_at !== null) entries.push({ at: issue.acknowledged_at, text: 'Acknowledged' });
  if (issue.resolved_at !== null) entries.push({ at: issue.resolved_at, text: 'Resolved' });
  entries.push({ at: issue.last_seen_at, text: silence ? 'Last quiet hour counted' : 'Last refusal seen' });
  return entries.sort((a, b) => a.at.localeCompare(b.at));
}

export const IssueTimeline: FC<{ issue: IssueView }> = ({ issue }) => (
  <>
    <ol class="timeline">
      {timelineOf(issue).map((e) => (
        <li>
          <When at={e.at} /> — {e.text}
        </li>
      ))}
    </ol>
    {issue.state === 'ignored' && <p class="muted">Ignored: it stays closed whatever the sender does, and announces nothing more.</p>}
    {issue.state === 'resolved' && <p class="muted">Resolved: it re-opens by itself if the refusals come back.</p>}
  </>
);

export const SamplesTable: FC<{ issue: IssueView }> = ({ issue }) =>
  issue.samples.length === 0 ? (
    <p>No sample refusals kept.</p>
  ) : (
    <table class="samples" tabindex={0}>
      <caption>The newest refusals it counted, with the JSON paths that failed. Payload values are never kept here.</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Reason</th>
          <th scope="col">Requests</th>
          <th scope="col">Failing paths</th>
        </tr>
      </thead>
      <tbody>
        {issue.samples.map((s) => (
          <tr>
            <td>
              <When at={s.at} />
            </td>
            <td>
              {reasonText(s.reason)} <span class="muted mono">{s.reason}</span>
            </td>
            <td>{s.count}</td>
            <td>
              {s.paths.length === 0 ? (
                <span class="muted">none named</span>
              ) : (
                <ul class="plain">
                  {s.paths.map((p) => (
                    <li>
                      <code>{p === '' ? '(the whole payload)' : p}</code>
                    </li>
                  ))}
                </ul>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );

export const TopPathsTable: FC<{ issue: IssueView }> = ({ issue }) =>
  issue.top_paths.length === 0 ? null : (
    <table class="top-paths" tabindex={0}>
      <caption>Where payloads fail most, and the type of value the sender put there</caption>
      <thead>
        <tr>
          <th scope="col">JSON path</th>
          <th scope="col">Type sent</th>
          <th scope="col">Refusals</th>
        </tr>
      </thead>
      <tbody>
        {issue.top_paths.map((p) => (
          <tr>
            <th scope="row">
              <code>{p.path === '' ? '(the whole payload)' : p.path}</code>
            </th>
            <td>{p.type === 'missing' ? 'missing (a required field was absent)' : p.type}</td>
            <td>{p.count}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );

/** A state change as a one-button form; `what` says what it does for those who read the button's description. */
const StateForm: FC<{ issueId: string; csrf: string; action: 'acknowledge' | 'resolve' | 'ignore'; label: string; describedBy: string; primary?: boolean }> = ({ issueId, csrf, action, label, describedBy, primary }) => (
  <form method="post" action={`/issues/${encodeURIComponent(issueId)}/${action}`} class="inline">
    <CsrfField token={csrf} />
    <button type="submit" class={primary === true ? undefined : 'secondary'} aria-describedby={describedBy}>
      {label}
    </button>
  </form>
);

/**
 * The state changes the API allows from where the issue stands (acknowledge an open one; resolve
 * one that is not resolved; ignore any), each with what it does. A page left open while the issue
 * moved on can still post a stale one: the API refuses it (409) and the page says so.
 */
export const IssueActions: FC<{ issue: IssueView; csrf: string }> = ({ issue, csrf }) => {
  const canAcknowledge = issue.state === 'open';
  const canResolve = issue.state !== 'resolved';
  const canIgnore = issue.state !== 'ignored';
  return (
    <>
      <div class="issue-actions">
        {canAcknowledge && <StateForm issueId={issue.id} csrf={csrf} action="acknowledge" label="Acknowledge" describedBy="acknowledge-help" primary />}
        {canResolve && <StateForm issueId={issue.id} csrf={csrf} action="resolve" label={issue.state === 'ignored' ? 'Stop ignoring (resolve)' : 'Resolve'} describedBy="resolve-help" />}
        {canIgnore && <StateForm issueId={issue.id} csrf={csrf} action="ignore" label="Ignore" describedBy="ignore-help" />}
      </div>
      <ul class="hint">
        {canAcknowledge && <li id="acknowledge-help">Acknowledge: say someone is on it. It stays listed until it is resolved.</li>}
        {canResolve && <li id="resolve-help">Resolve: the sender is fixed. It re-opens by itself, and announces so, if the refusals come back.</li>}
        {canIgnore && <li id="ignore-help">Ignore: stop tracking this cause for this webhook. It never re-opens.</li>}
      </ul>
    </>
  );
};

/** Content causes: replay the kept refused requests against today's schema, once it is fixed. */
export const ReplayKept: FC<{ issue: IssueView; csrf: string; proposals: readonly ProposalView[] | null }> = ({ issue, csrf, proposals }) => {
  if (issue.cause !== 'content') return null;
  const kept = issue.kept_requests ?? 0;
  const page = `/webhooks/${encodeURIComponent(issue.webhook_id)}`;
  const open = (proposals ?? []).filter((p) => p.state === 'open');
  return (
    <>
      <p>
        Each kept request is checked again against the webhook’s schema as it is now: fix the schema first, then replay. Requests that still fail stay kept, and
        the issue keeps counting.
      </p>
      <ul>
        {open.map((p) => (
          <li>
            <a href={`${page}#${p.id}`}>Review the proposed schema change</a> ({plural(p.diff.length, 'change')}), made from what the sender actually sends.
          </li>
        ))}
        <li>
          <a href={`${page}#schema`}>Change the schema yourself</a> in the webhook’s schema editor.
        </li>
      </ul>
      {kept === 0 ? (
        <p class="muted">No refused requests wait for a replay (they expire after a few days, or were replayed already).</p>
      ) : (
        <form method="post" action={`/issues/${encodeURIComponent(issue.id)}/replay`} class="inline">
          <CsrfField token={csrf} />
          <button type="submit" aria-describedby="replay-help">
            Replay these {plural(kept, 'request')}
          </button>
          <p class="hint" id="replay-help">
            Accepted ones become events and start their workflows’ runs.{issue.kept_requests_more === true ? ` More than ${kept} are kept: replay again afterwards for the rest.` : ''}
          </p>
        </form>
      )}
    </>
  );
};

/** What the last replay did: how many were accepted, still refused or skipped, and the first few still refused with the way to a fix. */
export const ReplayResult: FC<{ issue: IssueView; result: IssueReplayView }> = ({ issue, result }) => {
  const page = `/webhooks/${encodeURIComponent(issue.webhook_id)}`;
  const refusals = result.refusals ?? [];
  return (
    <div class="replay-result" role="status">
      <p>
        <strong>Replayed:</strong> {plural(result.replayed, 'request')} accepted, {result.still_refused} still refused, {result.skipped} skipped (expired, or replayed
        already).
      </p>
      {result.replayed > 0 && (
        <p>
          The accepted ones are events now and start their workflows’ runs: see <a href={`${page}#events`}>the webhook’s recent events</a>.
        </p>
      )}
      {refusals.length > 0 && (
        <>
          <p>Still refused by today’s schema{result.still_refused > refusals.length ? ` (the first ${refusals.length})` : ''}; they stay kept:</p>
          <ul class="compact">
            {refusals.map((r) => (
              <li>
                <code>{r.request_id}</code>: {reasonText(r.reason)}. {r.detail}{' '}
                <a href={`${page}/schema/fix?request=${encodeURIComponent(r.request_id)}`}>Propose a schema fix for it</a>
              </li>
            ))}
          </ul>
        </>
      )}
      {result.more === true && <p>More kept requests wait: replay again for the rest.</p>}
    </div>
  );
};
