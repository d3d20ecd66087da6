/**
 * `/workflows/new`: a workflow from a name and its input fields, typed row by row or copied from a
 * webhook's payload fields (a GET form: nothing is created until the create form is sent).
 */
import type { FC } from 'hono/jsx';
import type { JsonSchema } from '../../../schema';
import type { ApiProblem } from '../../api-client';
import { ProblemNotice } from '../../components/problem-notice';
import { CsrfField } from '../../csrf';
import { FieldRowsFieldset } from './fields-form';
import type { FieldRow } from './input-fields';
import type { WebhookOption } from './workflow-page';

/** The webhook whose payload fields the new workflow starts from. */
export interface StartingWebhook extends WebhookOption {
  schema: JsonSchema;
}

/** What the create form shows: empty, copied from a webhook, or as typed when it was refused. */
export interface NewWorkflowDraft {
  name: string;
  rows: FieldRow[];
  problem: ApiProblem | null;
}

/** Empty rows on a form that has none filled. */
const EMPTY_FORM_ROWS = 5;

const StartFrom: FC<{ webhooks: readonly WebhookOption[]; from: StartingWebhook | null }> = ({ webhooks, from }) => (
  <form method="get" action="/workflows/new" class="stack">
    <div class="field">
      <label for="from-webhook">Start from a webhook’s payload fields (optional)</label>
      <select id="from-webhook" name="from" aria-describedby="from-hint">
        {webhooks.map((w) => (
          <option value={w.id} selected={from?.id === w.id}>{`${w.name} (${w.slug})`}</option>
        ))}
      </select>
      <p id="from-hint" class="hint">
        Fills the rows below with the webhook’s top-level fields. Kept as they are, that webhook attaches as Class A: its payload is the input.
      </p>
    </div>
    <div>
      <button type="submit" class="secondary">
        Use its fields
      </button>
    </div>
  </form>
);

export const NewWorkflowPage: FC<{ csrf: string; webhooks: readonly WebhookOption[]; from: StartingWebhook | null; draft: NewWorkflowDraft }> = ({
  csrf,
  webhooks,
  from,
  draft,
}) => (
  <>
    <p>
      <a href="/workflows">All workflows</a>
    </p>
    <h1>New workflow</h1>
    <p>
      A workflow’s input fields are its contract: every webhook attached to it must fill them, with its payload as it is (Class A) or through a mapping (Class B).
    </p>
    {draft.problem && <ProblemNotice problem={draft.problem} heading="The workflow was not created" />}
    {webhooks.length > 0 && <StartFrom webhooks={webhooks} from={from} />}
    <form method="post" action="/workflows" class="stack">
      <CsrfField token={csrf} />
      {from && <input type="hidden" name="from" value={from.id} />}
      {from && (
        <p>
          Input fields copied from <a href={`/webhooks/${from.id}`}>{from.slug}</a>. Change, remove or add any before creating.
        </p>
      )}
      <div class="field">
        <label for="workflow-name">Name</label>
        <input type="text" id="workflow-name" name="name" value={draft.name} required maxlength={200} />
      </div>
      <FieldRowsFieldset rows={draft.rows} source={from?.schema ?? {}} idPrefix="new-field" spare={draft.rows.length === 0 ? EMPTY_FORM_ROWS : undefined} />
      <div>
        <button type="submit">Create workflow</button>
      </div>
    </form>
  </>
);
