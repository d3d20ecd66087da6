/**
 * `/workflows/:id`: one workflow — its input fields (and the form that edits them and its name),
 * its triggers with their classes and mappings, the way to attach another webhook, and delete.
 */
import type { Child, FC } from 'hono/jsx';
import type { WebhookView, WorkflowView } from '../../../control/responses';
import type { JsonSchema } from '../../../schema';
import type { ApiProblem } from '../../api-client';
import { Copyable } from '../../components/copy-button';
import { ProblemNotice } from '../../components/problem-notice';
import { CsrfField } from '../../csrf';
import { FieldRowsFieldset, InputFieldsTable } from './fields-form';
import { rowsOf, type FieldRow } from './input-fields';
import { TriggersTable } from './triggers-table';

/** What the page names a webhook by. */
export type WebhookOption = Pick<WebhookView, 'id' | 'slug' | 'name'>;

/** A refused form of this page, shown beside it with what the person had typed. */
export type WorkflowPageRefusal = { form: 'edit'; problem: ApiProblem; name: string; rows: FieldRow[] } | { form: 'delete'; problem: ApiProblem };

const Section: FC<{ id: string; title: string; children?: Child }> = ({ id, title, children }) => (
  <section id={id} aria-labelledby={`${id}-heading`} class="workflow-section">
    <h2 id={`${id}-heading`}>{title}</h2>
    {children}
  </section>
);

const EditForm: FC<{ workflow: WorkflowView; csrf: string; refusal: Extract<WorkflowPageRefusal, { form: 'edit' }> | null }> = ({ workflow, csrf, refusal }) => {
  const schema = workflow.input_schema as JsonSchema;
  return (
    <form method="post" action={`/workflows/${workflow.id}/edit`} class="stack">
      <CsrfField token={csrf} />
      <div class="field">
        <label for="workflow-name">Name</label>
        <input type="text" id="workflow-name" name="name" value={refusal?.name ?? workflow.name} required maxlength={200} />
      </div>
      <FieldRowsFieldset rows={refusal?.rows ?? rowsOf(schema)} source={schema} idPrefix="edit-field" />
      <p class="hint">
        A changed set of input fields is checked against every trigger again: if one could no longer fill them, nothing is saved and the page says which trigger
        and field.
      </p>
      <div>
        <button type="submit">Save name and input fields</button>
      </div>
    </form>
  );
};

const AttachChooser: FC<{ workflow: WorkflowView; webhooks: readonly WebhookOption[] }> = ({ workflow, webhooks }) => {
  if (webhooks.length === 0) {
    return (
      <p>
        There are no webhooks to attach yet. <a href="/webhooks/new">Create one</a>.
      </p>
    );
  }
  const attached = new Set(workflow.triggers.map((t) => t.webhook_id));
  return (
    <form method="get" action="/workflows/attach" class="stack">
      <input type="hidden" name="workflow_id" value={workflow.id} />
      <div class="field">
        <label for="attach-webhook">Webhook</label>
        <select id="attach-webhook" name="webhook_id" required aria-describedby="attach-hint">
          {webhooks.map((w) => (
            <option value={w.id}>{`${w.name} (${w.slug})${attached.has(w.id) ? ' — attached: change its mapping' : ''}`}</option>
          ))}
        </select>
        <p id="attach-hint" class="hint">
          The next page shows this workflow’s input fields beside the webhook’s payload, says which class the trigger will have, and proposes the mapping a
          Class B trigger needs. Nothing is attached until you confirm there.
        </p>
      </div>
      <div>
        <button type="submit" class="secondary">
          Next: review fields and mapping
        </button>
      </div>
    </form>
  );
};

const DeleteForm: FC<{ workflow: WorkflowView; csrf: string }> = ({ workflow, csrf }) => {
  const slugs = workflow.triggers.map((t) => t.webhook_slug);
  return (
    <form method="post" action={`/workflows/${workflow.id}/delete`} class="stack">
      <CsrfField token={csrf} />
      <p>
        Deleting removes <strong>{workflow.name}</strong>
        {slugs.length === 0 ? '. ' : ` and its ${slugs.length} trigger${slugs.length === 1 ? '' : 's'}: events of ${slugs.join(', ')} no longer start runs of it. `}
        Runs it already started, and their events, are kept.
      </p>
      <div class="field">
        <label for="delete-confirm">{`Type the workflow’s name, ${workflow.name}, to confirm`}</label>
        <input id="delete-confirm" name="confirm" type="text" autocomplete="off" required />
      </div>
      <div>
        <button type="submit" class="danger">
          Delete this workflow
        </button>
      </div>
    </form>
  );
};

export const WorkflowPage: FC<{ workflow: WorkflowView; webhooks: readonly WebhookOption[]; csrf: string; refusal: WorkflowPageRefusal | null }> = ({
  workflow,
  webhooks,
  csrf,
  refusal,
}) => {
  const editRefusal = refusal?.form === 'edit' ? refusal : null;
  const names = new Map(workflow.triggers.map((t) => [t.webhook_id, t.webhook_slug]));
  return (
    <article class="workflow-view">
      <header class="page-header">
        <p>
          <a href="/workflows">All workflows</a>
        </p>
        <h1>{workflow.name}</h1>
        <p>
          {workflow.enabled ? <span class="badge ok">Enabled</span> : <span class="badge off">Disabled</span>}{' '}
          <Copyable id="workflow-id" value={workflow.id} label="Copy id" />
        </p>
      </header>
      <nav aria-label="On this page" class="page-toc">
        <ul>
          <li>
            <a href="#input">Input fields</a>
          </li>
          <li>
            <a href="#triggers">Triggers</a>
          </li>
          <li>
            <a href="#attach">Attach a webhook</a>
          </li>
          <li>
            <a href="#delete">Delete</a>
          </li>
        </ul>
      </nav>
      <Section id="input" title="Input fields">
        <InputFieldsTable schema={workflow.input_schema as JsonSchema} caption={`What each run of ${workflow.name} receives as input`} />
        {editRefusal && (
          <ProblemNotice
            problem={editRefusal.problem}
            heading="The changes were not saved"
            webhookNames={names}
            workflowId={workflow.id}
            {...(editRefusal.problem.status === 422
              ? { nextStep: 'Keep the input fields these triggers fill, or first change their mappings or detach them with the links below; then save again.' }
              : {})}
          />
        )}
        <details open={editRefusal !== null}>
          <summary>Edit the name and input fields</summary>
          <EditForm workflow={workflow} csrf={csrf} refusal={editRefusal} />
        </details>
      </Section>
      <Section id="triggers" title="Triggers">
        <p>A run starts for each accepted event of these webhooks.</p>
        <TriggersTable workflow={workflow} actions />
      </Section>
      <Section id="attach" title="Attach a webhook">
        <AttachChooser workflow={workflow} webhooks={webhooks} />
      </Section>
      <Section id="delete" title="Delete">
        {refusal?.form === 'delete' && <ProblemNotice problem={refusal.problem} heading="The workflow was not deleted" />}
        <DeleteForm workflow={workflow} csrf={csrf} />
      </Section>
    </article>
  );
};
