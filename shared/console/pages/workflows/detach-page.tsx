/**
 * `/workflows/:id/detach[?webhook_id]`: what detaching a trigger does, and the button that does it —
 * for one trigger, or for each of the workflow's when the page was not told which (a link from a
 * refusal that names the workflow but not the webhook).
 */
import type { FC } from 'hono/jsx';
import type { TriggerView, WorkflowView } from '../../../control/responses';
import type { ApiProblem } from '../../api-client';
import { ProblemNotice } from '../../components/problem-notice';
import { CsrfField } from '../../csrf';
import { mappingText } from './mapping-text';
import { workflowHref, type Back } from './links';

const DetachForm: FC<{ workflow: WorkflowView; trigger: TriggerView; csrf: string; back: Back }> = ({ workflow, trigger, csrf, back }) => (
  <form method="post" action={`/workflows/${workflow.id}/detach`} class="stack">
    <CsrfField token={csrf} />
    <input type="hidden" name="webhook_id" value={trigger.webhook_id} />
    {back === 'webhook' && <input type="hidden" name="back" value="webhook" />}
    <p>
      Accepted events of <a href={`/webhooks/${trigger.webhook_id}`}>{trigger.webhook_slug}</a> will no longer start runs of {workflow.name}. Runs already
      started are kept.{' '}
      {trigger.mapping && Object.keys(trigger.mapping).length > 0
        ? `It is attached as Class ${trigger.class} with this mapping, which is forgotten (attach it again to restore it):`
        : `It is attached as Class ${trigger.class}; attach it again at any time.`}
    </p>
    {trigger.mapping && Object.keys(trigger.mapping).length > 0 && (
      <pre tabindex={0}>
        <code>{mappingText(trigger.mapping)}</code>
      </pre>
    )}
    <div>
      <button type="submit" class="danger">{`Detach ${trigger.webhook_slug}`}</button>
    </div>
  </form>
);

export const DetachPage: FC<{ workflow: WorkflowView; triggers: readonly TriggerView[]; csrf: string; back: Back; problem: ApiProblem | null }> = ({
  workflow,
  triggers,
  csrf,
  back,
  problem,
}) => (
  <>
    <p>
      <a href={workflowHref(workflow.id)}>{`Back to ${workflow.name}`}</a>
    </p>
    <h1>{triggers.length === 1 && triggers[0] ? `Detach ${triggers[0].webhook_slug} from ${workflow.name}` : `Detach a webhook from ${workflow.name}`}</h1>
    {problem && <ProblemNotice problem={problem} heading="Nothing was detached" />}
    {triggers.length === 0 ? (
      <p>
        This workflow has no triggers: there is nothing to detach. <a href={workflowHref(workflow.id)}>Go to the workflow</a>.
      </p>
    ) : (
      triggers.map((t) => (
        <section aria-labelledby={`detach-${t.webhook_id}-heading`}>
          <h2 id={`detach-${t.webhook_id}-heading`}>{t.webhook_slug}</h2>
          <DetachForm workflow={workflow} trigger={t} csrf={csrf} back={back} />
        </section>
      ))
    )}
  </>
);
