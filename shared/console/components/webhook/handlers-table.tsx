/**
 * Which workflows handle this webhook's requests: each with its trigger's class (A: the payload
 * already fits the workflow's input; B: a mapping reshapes it) and, for B, the mapping itself, with
 * links to the workflow pages that open the workflow, change the mapping, detach it, or attach
 * another workflow. Links, not forms: each leads to a page that says what the action will do.
 */
import type { FC } from 'hono/jsx';
import { attachHref, detachHref, workflowHref } from '../../pages/workflows/links';
import type { Handler } from './types';

const CLASS_MEANING = {
  A: 'Class A: the payload fits the workflow’s input as it is',
  B: 'Class B: a mapping fills the workflow’s input from the payload',
} as const;

const MappingList: FC<{ mapping: Record<string, string> }> = ({ mapping }) => (
  <ul class="mapping">
    {Object.entries(mapping).map(([input, from]) => (
      <li>
        input <code>{input}</code> ← payload <code>{from}</code>
      </li>
    ))}
  </ul>
);

/**
 * `webhookId`: the webhook whose page this is. With it, "change the mapping", "detach" and "attach a
 * workflow" go straight to that trigger; without it, to pages that ask which webhook.
 */
export const HandlersTable: FC<{ handlers: readonly Handler[]; webhookId?: string }> = ({ handlers, webhookId }) => {
  const attach = attachHref({ webhookId, back: 'webhook' });
  if (handlers.length === 0) {
    return (
      <p>
        No workflow handles this webhook’s requests yet: accepted events start no run. <a href={attach}>Attach a workflow</a> to this webhook, or{' '}
        <a href="/workflows/new">create a workflow</a> first.
      </p>
    );
  }
  return (
    <>
      <table class="handlers">
        <caption>{`${handlers.length} workflow${handlers.length === 1 ? ' starts' : 's start'} a run for each accepted event`}</caption>
        <thead>
          <tr>
            <th scope="col">Workflow</th>
            <th scope="col">Class</th>
            <th scope="col">Mapping</th>
            <th scope="col">State</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {handlers.map((h) => (
            <tr>
              <th scope="row">
                <a href={workflowHref(h.id)}>{h.name}</a> <code>{h.id}</code>
              </th>
              <td>
                <abbr title={CLASS_MEANING[h.class]}>{h.class}</abbr> <span class="muted">{CLASS_MEANING[h.class].slice(9)}</span>
              </td>
              <td>{h.mapping === null ? <span class="muted">none (payload passed as is)</span> : <MappingList mapping={h.mapping} />}</td>
              <td>{h.enabled ? 'enabled' : 'disabled: starts no runs'}</td>
              <td>
                <ul class="plain">
                  <li>
                    <a href={workflowHref(h.id)}>Open workflow</a>
                  </li>
                  {webhookId !== undefined && (
                    <li>
                      <a href={attachHref({ workflowId: h.id, webhookId, back: 'webhook' })}>Change the mapping</a>
                    </li>
                  )}
                  <li>
                    <a href={detachHref(h.id, { webhookId, back: 'webhook' })}>Detach…</a>
                  </li>
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <a href={attach}>Attach a workflow</a> to this webhook.
      </p>
    </>
  );
};
