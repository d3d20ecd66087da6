/**
 * `/workflows/attach?workflow_id&webhook_id`: the workflow's input fields beside the webhook's
 * payload paths, the class the trigger will have, and the mapping form — prefilled with the
 * proposed mapping when the payload does not already fit (Class B), empty when it does (Class A).
 * Without both ids the page first asks for them (a GET form: nothing changes until the attach form
 * is sent).
 */
import type { FC } from 'hono/jsx';
import type { WebhookView, WorkflowView } from '../../../control/responses';
import type { JsonSchema, TriggerClass } from '../../../schema';
import type { ApiProblem } from '../../api-client';
import { ProblemNotice } from '../../components/problem-notice';
import { SchemaTree } from '../../components/webhook/schema-tree';
import { CsrfField } from '../../csrf';
import { typeWords } from './input-fields';
import { workflowHref, type Back } from './links';
import { inputFieldsOf, payloadPaths, type MappingProposal, type MatchKind } from './propose-mapping';
import type { WebhookOption } from './workflow-page';

/** Everything the attach page shows; the route computes the proposal and the preview. */
export interface AttachPageData {
  workflow: WorkflowView;
  webhook: WebhookView;
  proposal: MappingProposal;
  /** True when the payload fits the input as it is (Class A with no mapping). */
  fitsAsIs: boolean;
  /** The mapping box's text: what was typed, the current mapping, or the proposal. */
  mappingText: string;
  /** What the API will make of the box's text, by its own rule; null when the text cannot be read. */
  preview: TriggerClass | null;
  problem: ApiProblem | null;
  back: Back;
}

const MATCH_WORDS: Record<MatchKind, string> = {
  'same-name': 'same field',
  'same-name-other-case': 'same name, other case style',
  'nested-same-name': 'nested field of that name',
  'nested-joined-name': 'its path reads as the name',
};

const ClassPreview: FC<{ data: AttachPageData }> = ({ data }) => {
  const { preview, fitsAsIs, mappingText } = data;
  if (preview === null) return <p>The mapping below cannot be read yet; attaching says what to fix.</p>;
  switch (preview.class) {
    case 'A':
      return (
        <p class="flash notice">
          <strong>Class A.</strong> The payload already carries every input field with the same rules: the payload is passed to each run as its input, and no
          mapping is needed.
        </p>
      );
    case 'B':
      return (
        <p class="flash notice">
          <strong>Class B.</strong> The mapping below fills every required input field from the payload, with a type the input accepts.
          {fitsAsIs ? ' (An empty mapping would make it Class A: the payload as it is.)' : ''}
        </p>
      );
    case 'refused':
      return (
        <div class="warning">
          <p>
            <strong>{mappingText.trim() === '' ? 'Not Class A as it stands:' : 'This mapping would be refused:'}</strong> fill these input fields below.
          </p>
          <ul class="errors">
            {preview.unmet.map((u) =>
              u.field === '' ? (
                <li>{u.reason}</li>
              ) : (
                <li>
                  <code>{u.field}</code>: {u.reason}
                </li>
              ),
            )}
          </ul>
        </div>
      );
  }
};

const InputSide: FC<{ data: AttachPageData }> = ({ data }) => {
  const fields = inputFieldsOf(data.workflow.input_schema as JsonSchema);
  const proposed = new Map(data.proposal.fields.map((p) => [p.field, p]));
  return (
    <section aria-labelledby="inputs-heading">
      <h2 id="inputs-heading">Workflow input fields</h2>
      {fields.length === 0 ? (
        <p>No input fields: the workflow takes any JSON object.</p>
      ) : (
        <table class="input-fields" tabindex={0}>
          <caption class="visually-hidden">{`Input fields of ${data.workflow.name}, and the payload path proposed for each`}</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Type</th>
              <th scope="col">Proposed from the payload</th>
            </tr>
          </thead>
          <tbody>
            {fields.map((f) => {
              const p = proposed.get(f.field);
              return (
                <tr>
                  <th scope="row">
                    <code>{f.field}</code>
                  </th>
                  <td>{`${typeWords(f.schema)}, ${f.required ? 'required' : 'optional'}`}</td>
                  <td>
                    {p === undefined || p.pointer === null ? (
                      <span class="muted">{f.required ? 'nothing fits: write a pointer' : 'nothing fits (optional: left out)'}</span>
                    ) : (
                      <>
                        <code>{p.pointer}</code> <span class="muted">{p.match === null ? '' : `(${MATCH_WORDS[p.match]})`}</span>
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
};

const PayloadSide: FC<{ webhook: WebhookView }> = ({ webhook }) => {
  const paths = payloadPaths(webhook.schema as JsonSchema);
  return (
    <section aria-labelledby="payload-heading">
      <h2 id="payload-heading">{`Payload of ${webhook.slug}`}</h2>
      {paths.length === 0 ? (
        <p>This webhook accepts any JSON object: its schema names no fields a mapping could rely on.</p>
      ) : (
        <table class="payload-paths" tabindex={0}>
          <caption class="visually-hidden">{`Paths of the ${webhook.slug} payload, to use in the mapping`}</caption>
          <thead>
            <tr>
              <th scope="col">Path</th>
              <th scope="col">Type</th>
              <th scope="col">Present</th>
            </tr>
          </thead>
          <tbody>
            {paths.map((p) => (
              <tr>
                <th scope="row">
                  <code>{p.pointer}</code>
                </th>
                <td>{typeWords(p.schema)}</td>
                <td>{p.alwaysPresent ? 'always' : 'may be absent'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
};

export const AttachPage: FC<{ data: AttachPageData; csrf: string }> = ({ data, csrf }) => {
  const { workflow, webhook } = data;
  const existing = workflow.triggers.find((t) => t.webhook_id === webhook.id);
  return (
    <>
      <p>
        <a href={workflowHref(workflow.id)}>{`Back to ${workflow.name}`}</a>
      </p>
      <h1>{`Attach ${webhook.slug} to ${workflow.name}`}</h1>
      {data.problem && <ProblemNotice problem={data.problem} heading="The webhook was not attached" webhookNames={new Map([[webhook.id, webhook.slug]])} />}
      {existing && (
        <p>
          {`${webhook.slug} is already a trigger of this workflow (Class ${existing.class}). Attaching it again replaces its mapping.`}
        </p>
      )}
      <section aria-labelledby="class-heading">
        <h2 id="class-heading">The class it will have</h2>
        <ClassPreview data={data} />
      </section>
      <div class="side-by-side">
        <InputSide data={data} />
        <PayloadSide webhook={webhook} />
      </div>
      {Object.keys((webhook.schema as JsonSchema).properties ?? {}).length > 0 && (
        <details>
          <summary>The payload schema as a tree, with a sample</summary>
          <SchemaTree schema={webhook.schema as JsonSchema} />
        </details>
      )}
      <section aria-labelledby="mapping-heading">
        <h2 id="mapping-heading">Mapping</h2>
        <form method="post" action={`/workflows/${workflow.id}/triggers`} class="stack">
          <CsrfField token={csrf} />
          <input type="hidden" name="webhook_id" value={webhook.id} />
          {data.back === 'webhook' && <input type="hidden" name="back" value="webhook" />}
          <div class="field">
            <label for="attach-mapping">Mapping (input field = JSON Pointer into the payload)</label>
            <textarea id="attach-mapping" name="mapping" rows={Math.max(4, data.proposal.fields.length + 1)} spellcheck={false} aria-describedby="attach-mapping-hint">
              {data.mappingText}
            </textarea>
            <p id="attach-mapping-hint" class="hint">
              One line per input field, such as <code>patient_id = /patient/id</code> (Class B). Leave it empty to pass the payload as it is (Class A, when the
              schemas match). The service checks it again when you attach.
            </p>
          </div>
          <div>
            <button type="submit">{existing ? `Save the mapping of ${webhook.slug}` : `Attach ${webhook.slug}`}</button>
          </div>
        </form>
      </section>
    </>
  );
};

/** The first step when the attach page lacks a workflow or a webhook: pick them. */
export const AttachChooserPage: FC<{
  workflows: readonly Pick<WorkflowView, 'id' | 'name'>[];
  webhooks: readonly WebhookOption[];
  workflowId: string | null;
  webhookId: string | null;
  back: Back;
}> = ({ workflows, webhooks, workflowId, webhookId, back }) => (
  <>
    <h1>Attach a webhook to a workflow</h1>
    {workflows.length === 0 || webhooks.length === 0 ? (
      <p>
        {workflows.length === 0 ? (
          <>
            There is no workflow yet. <a href="/workflows/new">Create one</a> first.
          </>
        ) : (
          <>
            There is no webhook yet. <a href="/webhooks/new">Create one</a> first.
          </>
        )}
      </p>
    ) : (
      <form method="get" action="/workflows/attach" class="stack">
        {back === 'webhook' && <input type="hidden" name="back" value="webhook" />}
        <div class="field">
          <label for="choose-workflow">Workflow</label>
          <select id="choose-workflow" name="workflow_id" required>
            {workflows.map((w) => (
              <option value={w.id} selected={w.id === workflowId}>
                {w.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="choose-webhook">Webhook</label>
          <select id="choose-webhook" name="webhook_id" required>
            {webhooks.map((w) => (
              <option value={w.id} selected={w.id === webhookId}>{`${w.name} (${w.slug})`}</option>
            ))}
          </select>
        </div>
        <p class="hint">The next page shows the workflow’s input fields beside the webhook’s payload and proposes the mapping. Nothing is attached yet.</p>
        <div>
          <button type="submit">Next: review fields and mapping</button>
        </div>
      </form>
    )}
  </>
);
