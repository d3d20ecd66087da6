/** A workflow's triggers: each webhook with its class and, for Class B, its mapping. */
import type { FC } from 'hono/jsx';
import type { WorkflowView } from '../../../control/responses';
import { attachHref, detachHref } from './links';

const CLASS_WORDS = { A: 'A: same schema, payload is the input', B: 'B: mapped into the input' } as const;

/** `actions`: links to change each trigger's mapping or detach it (the workflow's own page). */
export const TriggersTable: FC<{ workflow: WorkflowView; actions?: boolean }> = ({ workflow, actions }) =>
  workflow.triggers.length === 0 ? (
    <p class="muted">No triggers yet: this workflow starts on no webhook.</p>
  ) : (
    <table class="triggers">
      <caption class="visually-hidden">Triggers of {workflow.name}</caption>
      <thead>
        <tr>
          <th scope="col">Webhook</th>
          <th scope="col">Class</th>
          <th scope="col">Mapping (input field ← payload)</th>
          {actions === true && <th scope="col">Actions</th>}
        </tr>
      </thead>
      <tbody>
        {workflow.triggers.map((t) => (
          <tr id={`trigger-${t.webhook_id}`}>
            <th scope="row">
              <a href={`/webhooks/${t.webhook_id}`}>{t.webhook_slug}</a>
            </th>
            <td>{CLASS_WORDS[t.class]}</td>
            <td>
              {t.mapping && Object.keys(t.mapping).length > 0 ? (
                <ul class="plain">
                  {Object.entries(t.mapping).map(([field, pointer]) => (
                    <li>
                      <code>{field}</code> ← <code>{pointer}</code>
                    </li>
                  ))}
                </ul>
              ) : (
                <span class="muted">none</span>
              )}
            </td>
            {actions === true && (
              <td>
                <ul class="plain">
                  <li>
                    <a href={attachHref({ workflowId: workflow.id, webhookId: t.webhook_id })}>Change the mapping</a>
                  </li>
                  <li>
                    <a href={detachHref(workflow.id, { webhookId: t.webhook_id })}>{`Detach ${t.webhook_slug}…`}</a>
                  </li>
                </ul>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
