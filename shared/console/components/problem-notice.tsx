/**
 * A control API refusal shown as the person's next step: what happened, then what to do, with each
 * failing field, each dependent workflow or each unmet input field listed by name. Never raw JSON.
 * The API's own words stay as they are (they are the contract, and name API calls); where they say
 * to detach a trigger, change a mapping or delete a workflow, the notice links each named workflow
 * to the console page that does it.
 */
import type { FC } from 'hono/jsx';
import type { ApiProblem } from '../api-client';
import { attachHref, detachHref, workflowHref } from '../pages/workflows/links';

/** What to do next for each kind of refusal, in the words of the page the person is on. */
export function nextStepFor(problem: ApiProblem): string {
  switch (problem.status) {
    case 400:
      return 'Correct the fields listed below and send the form again.';
    case 401:
      return 'Your session is no longer valid. Sign in again with a project API token.';
    case 404:
      return 'It may have been deleted, or it belongs to another project. Go back to the list and pick it again.';
    case 409:
      return problem.dependents?.length
        ? 'Detach this webhook from each workflow below (or delete the workflow) with the links beside it, then try again.'
        : problem.workflows?.length
          ? 'The workflows below would stop receiving the fields they need. Keep those fields in the schema, or first change those workflows’ mappings (or detach them) with the links beside each.'
          : 'Change what conflicts, as described above, and try again.';
    case 413:
      return 'Shorten the schema or sample you pasted and send the form again; nothing was changed.';
    case 422:
      return 'Add a mapping for each input field listed below (input field ← JSON Pointer into the payload), or attach a webhook whose payload carries them.';
    case 429:
    case 503:
      return 'The service is busy. Wait a few seconds and try again; nothing was changed.';
    default:
      return 'Nothing was changed. Try again in a moment; if it keeps failing, use the API or the hasp CLI and contact support.';
  }
}

/** An unmet input field in plain words: `patient_id: no mapping…`. */
const UnmetList: FC<{ unmet: { field: string; reason: string }[] }> = ({ unmet }) => (
  <ul class="errors">
    {unmet.map((u) => (
      <li>
        {u.field === '' ? (
          u.reason
        ) : (
          <>
            <code>{u.field}</code>: {u.reason}
          </>
        )}
      </li>
    ))}
  </ul>
);

/** The console actions beside a named workflow: a ` — link · link` tail, or nothing. */
const WorkflowActions: FC<{ links: { href: string; label: string }[] }> = ({ links }) =>
  links.length === 0 ? null : (
    <>
      {' — '}
      {links.map((l, i) => (
        <>
          {i > 0 && ' · '}
          <a href={l.href}>{l.label}</a>
        </>
      ))}
    </>
  );

export interface ProblemNoticeProps {
  problem: ApiProblem;
  /** A heading of the notice; defaults to the problem's title. */
  heading?: string;
  /** Overrides `nextStepFor(problem)` where the page knows better. */
  nextStep?: string;
  /** Names the webhook ids in `triggers` (422) by slug. */
  webhookNames?: ReadonlyMap<string, string>;
  /**
   * The webhook the refused action was on: links to detach it or change its mapping then go
   * straight to that trigger (and back to the webhook), rather than to the workflow's list of them.
   */
  webhookId?: string;
  /** The workflow the refused action was on: each refused trigger (422) links to its mapping and to detaching it. */
  workflowId?: string;
}

export const ProblemNotice: FC<ProblemNoticeProps> = ({ problem, heading, nextStep, webhookNames, webhookId, workflowId }) => (
  <section class="problem" role="alert" aria-labelledby="problem-heading">
    <h2 id="problem-heading">{heading ?? problem.title}</h2>
    <p>{problem.detail}</p>
    <p>
      <strong>Next step:</strong> {nextStep ?? nextStepFor(problem)}
    </p>
    {problem.triggers && problem.triggers.length > 0 ? (
      problem.triggers.map((t) => (
        <div>
          <p>
            Unmet input fields for webhook <code>{webhookNames?.get(t.webhook_id) ?? t.webhook_id}</code>
            {workflowId !== undefined && (
              <WorkflowActions
                links={[
                  { href: attachHref({ workflowId, webhookId: t.webhook_id }), label: 'change its mapping' },
                  { href: detachHref(workflowId, { webhookId: t.webhook_id }), label: 'detach it' },
                ]}
              />
            )}
            :
          </p>
          <UnmetList unmet={t.unmet} />
        </div>
      ))
    ) : problem.workflows && problem.workflows.length > 0 ? (
      problem.workflows.map((w) => (
        <div>
          <p>
            Workflow <a href={workflowHref(w.id)}>{w.name}</a>
            <WorkflowActions
              links={[
                webhookId === undefined
                  ? { href: workflowHref(w.id, 'triggers'), label: 'change its mapping' }
                  : { href: attachHref({ workflowId: w.id, webhookId, back: 'webhook' }), label: 'change its mapping' },
                { href: detachHref(w.id, { webhookId, back: 'webhook' }), label: 'detach this webhook from it' },
              ]}
            />{' '}
            would lose:
          </p>
          <UnmetList unmet={w.unmet} />
        </div>
      ))
    ) : problem.errors && problem.errors.length > 0 ? (
      <ul class="errors">
        {problem.errors.map((e) => (
          <li>
            {e.path !== '' && (
              <>
                <code>{e.path}</code>:{' '}
              </>
            )}
            {e.message}
          </li>
        ))}
      </ul>
    ) : null}
    {problem.dependents && problem.dependents.length > 0 && (
      <>
        <p>Workflows that depend on it:</p>
        <ul class="errors">
          {problem.dependents.map((d) => (
            <li>
              <a href={workflowHref(d.id)}>{d.name}</a>
              {d.class && <> (Class {d.class})</>}
              <WorkflowActions
                links={[
                  { href: detachHref(d.id, { webhookId, back: 'webhook' }), label: 'detach this webhook from it' },
                  { href: workflowHref(d.id, 'delete'), label: 'delete the workflow' },
                ]}
              />
            </li>
          ))}
        </ul>
      </>
    )}
  </section>
);
