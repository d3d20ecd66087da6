/** `/workflows`: each workflow with its input fields and triggers, and the way to a new one. */
import type { FC } from 'hono/jsx';
import type { WorkflowView } from '../../../control/responses';
import type { JsonSchema } from '../../../schema';
import { typeWords } from './input-fields';
import { workflowHref } from './links';
import { inputFieldsOf } from './propose-mapping';
import { TriggersTable } from './triggers-table';

const FieldsSummary: FC<{ schema: JsonSchema }> = ({ schema }) => {
  const fields = inputFieldsOf(schema);
  if (fields.length === 0) return <p class="muted">Input: any JSON object.</p>;
  return (
    <p>
      Input fields:{' '}
      {fields.map((f, i) => (
        <>
          {i > 0 && ', '}
          <code>{f.field}</code> <span class="muted">{`${typeWords(f.schema)}${f.required ? '' : ', optional'}`}</span>
        </>
      ))}
    </p>
  );
};

export const WorkflowsListPage: FC<{ workflows: readonly WorkflowView[]; hasMore: boolean; shown: number }> = ({ workflows, hasMore, shown }) => (
  <>
    <h1>Workflows</h1>
    <p>
      A workflow starts one run per event of each webhook in its trigger list. Class A triggers pass the payload as the input; Class B triggers map payload fields into
      it.
    </p>
    <p>
      <a class="button" href="/workflows/new">
        New workflow
      </a>
    </p>
    {workflows.length === 0 && <p>This project has no workflows yet. Create one here, or with the HASP workflow compiler or the API.</p>}
    {workflows.map((wf) => (
      <section id={wf.id} aria-labelledby={`${wf.id}-heading`}>
        <h2 id={`${wf.id}-heading`}>
          <a href={workflowHref(wf.id)}>{wf.name}</a> {wf.enabled ? <span class="badge ok">Enabled</span> : <span class="badge off">Disabled</span>}
        </h2>
        <p class="muted mono">{wf.id}</p>
        <FieldsSummary schema={wf.input_schema as JsonSchema} />
        <TriggersTable workflow={wf} />
      </section>
    ))}
    {hasMore && <p class="muted">{`Showing the newest ${shown} workflows; use the API or the hasp CLI for the rest.`}</p>}
  </>
);
