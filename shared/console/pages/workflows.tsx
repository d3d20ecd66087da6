/**
 * `/workflows`: each workflow with its triggers (webhook, Class A or B, and a Class B mapping), and
 * a form to attach a webhook as a trigger. The control API classifies the trigger; a 422 comes back
 * as the list of input fields the webhook's payload cannot fill, shown beside that workflow's form.
 */
import { Hono, type Context } from 'hono';
import type { FC } from 'hono/jsx';
import type { ListPage, WebhookView, WorkflowView } from '../../control/responses';
import type { ApiProblem, FieldError } from '../api-client';
import { ProblemNotice } from '../components/problem-notice';
import type { ConsoleEnv } from '../context';
import { CsrfField } from '../csrf';
import { setFlash } from '../flash';
import { renderPage } from '../layout';

/** What the attach form names a webhook by. */
type WebhookOption = Pick<WebhookView, 'id' | 'slug' | 'name'>;

/** A refused attach, shown beside the workflow it was for, with what the person had typed. */
interface AttachAttempt {
  workflowId: string;
  webhookId: string;
  mapping: string;
  problem: ApiProblem;
}

const MAX = 100;

/**
 * The mapping textarea: one `input_field = /json/pointer` per line (`←` or `:` also work), or a
 * JSON object as the API takes it.
 */
export function parseMapping(raw: string): { ok: true; mapping: Record<string, string> | undefined } | { ok: false; errors: FieldError[] } {
  const trimmed = raw.trim();
  if (trimmed === '') return { ok: true, mapping: undefined };
  if (trimmed.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && Object.values(parsed).every((v) => typeof v === 'string')) {
        return { ok: true, mapping: parsed as Record<string, string> };
      }
    } catch {
      // Reported below with the line format, which is what the form asks for.
    }
    return { ok: false, errors: [{ path: '/mapping', message: 'Write the mapping as JSON { "input_field": "/pointer" } or as lines like patient_id = /patient/id.' }] };
  }
  const mapping: Record<string, string> = {};
  const errors: FieldError[] = [];
  trimmed.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const match = /^\s*([^=:←\s][^=:←]*?)\s*(?:=|:|←)\s*(\S.*?)\s*$/.exec(line);
    if (!match?.[1] || !match[2]) {
      errors.push({ path: `/mapping (line ${i + 1})`, message: `“${line.trim()}” is not of the form input_field = /json/pointer` });
      return;
    }
    mapping[match[1]] = match[2];
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, mapping };
}

const TriggersTable: FC<{ workflow: WorkflowView }> = ({ workflow }) =>
  workflow.triggers.length === 0 ? (
    <p class="muted">No triggers yet: this workflow starts on no webhook.</p>
  ) : (
    <table>
      <caption class="visually-hidden">Triggers of {workflow.name}</caption>
      <thead>
        <tr>
          <th scope="col">Webhook</th>
          <th scope="col">Class</th>
          <th scope="col">Mapping (input field ← payload)</th>
        </tr>
      </thead>
      <tbody>
        {workflow.triggers.map((t) => (
          <tr>
            <th scope="row">
              <a href={`/webhooks/${t.webhook_id}`}>{t.webhook_slug}</a>
            </th>
            <td>{t.class === 'A' ? 'A: same schema, payload is the input' : 'B: mapped into the input'}</td>
            <td>
              {t.mapping && Object.keys(t.mapping).length > 0 ? (
                <ul>
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
          </tr>
        ))}
      </tbody>
    </table>
  );

const AttachForm: FC<{ csrf: string; workflow: WorkflowView; webhooks: WebhookOption[]; attempt: AttachAttempt | null }> = ({ csrf, workflow, webhooks, attempt }) => {
  const ids = `attach-${workflow.id}`;
  const names = new Map(webhooks.map((w) => [w.id, w.slug]));
  return (
    <section aria-labelledby={`${ids}-heading`}>
      <h3 id={`${ids}-heading`}>Attach a webhook as a trigger</h3>
      {attempt && <ProblemNotice problem={attempt.problem} heading="The webhook was not attached" webhookNames={names} />}
      {webhooks.length === 0 ? (
        <p>
          There are no webhooks to attach yet. <a href="/webhooks/new">Create one</a>.
        </p>
      ) : (
        <form method="post" action={`/workflows/${workflow.id}/triggers`} class="stack">
          <CsrfField token={csrf} />
          <div class="field">
            <label for={`${ids}-webhook`}>Webhook</label>
            <select id={`${ids}-webhook`} name="webhook_id" required>
              {webhooks.map((w) => (
                <option value={w.id} selected={attempt?.webhookId === w.id}>
                  {`${w.name} (${w.slug})`}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for={`${ids}-mapping`}>Mapping (optional)</label>
            <textarea id={`${ids}-mapping`} name="mapping" aria-describedby={`${ids}-hint`}>
              {attempt?.mapping ?? ''}
            </textarea>
            <p id={`${ids}-hint`} class="hint">
              Leave empty when the webhook’s payload has the workflow’s input schema (Class A). Otherwise one line per input field:{' '}
              <code>patient_id = /patient/id</code> (a JSON Pointer into the payload), which makes it Class B.
            </p>
          </div>
          <div>
            <button type="submit">Attach</button>
          </div>
        </form>
      )}
    </section>
  );
};

async function workflowsPage(c: Context<ConsoleEnv>, attempt: AttachAttempt | null): Promise<Response> {
  const [workflows, webhooks] = await Promise.all([
    c.var.api.get<ListPage<WorkflowView>>(`/v1/workflows?limit=${MAX}`),
    c.var.api.get<ListPage<WebhookOption>>(`/v1/webhooks?limit=${MAX}`),
  ]);
  if (!workflows.ok || !webhooks.ok) {
    const problem = !workflows.ok ? workflows.problem : !webhooks.ok ? webhooks.problem : null;
    return renderPage(c, { title: 'Workflows', current: 'workflows', status: 502 }, (
      <>
        <h1>Workflows</h1>
        {problem && <ProblemNotice problem={problem} nextStep="Reload the page in a moment." />}
      </>
    ));
  }
  const status = attempt === null ? 200 : attempt.problem.status === 422 ? 422 : attempt.problem.status === 404 ? 404 : 400;
  return renderPage(c, { title: 'Workflows', current: 'workflows', status }, (
    <>
      <h1>Workflows</h1>
      <p>
        A workflow starts one run per event of each webhook in its trigger list. Class A triggers pass the payload as the input; Class B triggers map payload fields
        into it.
      </p>
      {workflows.data.data.length === 0 && <p>This project has no workflows yet. Workflows are created by the HASP workflow compiler or the API.</p>}
      {workflows.data.data.map((wf) => (
        <section id={wf.id} aria-labelledby={`${wf.id}-heading`}>
          <h2 id={`${wf.id}-heading`}>
            {wf.name} {wf.enabled ? <span class="badge ok">Enabled</span> : <span class="badge off">Disabled</span>}
          </h2>
          <p class="muted mono">{wf.id}</p>
          <TriggersTable workflow={wf} />
          <AttachForm csrf={c.var.session.csrfToken} workflow={wf} webhooks={webhooks.data.data} attempt={attempt?.workflowId === wf.id ? attempt : null} />
        </section>
      ))}
      {workflows.data.has_more && <p class="muted">Showing the newest {MAX} workflows; use the API or the hasp CLI for the rest.</p>}
    </>
  ));
}

export const workflowsRoutes = new Hono<ConsoleEnv>();

workflowsRoutes.get('/', (c) => workflowsPage(c, null));

workflowsRoutes.post('/:id/triggers', async (c) => {
  const workflowId = c.req.param('id');
  const form = await c.req.parseBody();
  const webhookId = typeof form.webhook_id === 'string' ? form.webhook_id : '';
  const mappingRaw = typeof form.mapping === 'string' ? form.mapping : '';
  const mapping = parseMapping(mappingRaw);
  if (!mapping.ok) {
    const problem: ApiProblem = { code: 'invalid-request', title: 'The mapping could not be read', status: 400, detail: 'Nothing was sent: fix the mapping first.', errors: mapping.errors };
    return workflowsPage(c, { workflowId, webhookId, mapping: mappingRaw, problem });
  }
  const body: Record<string, unknown> = { webhook_id: webhookId };
  if (mapping.mapping !== undefined) body.mapping = mapping.mapping;
  const attached = await c.var.api.post<WorkflowView>(`/v1/workflows/${encodeURIComponent(workflowId)}/triggers`, body);
  if (!attached.ok) return workflowsPage(c, { workflowId, webhookId, mapping: mappingRaw, problem: attached.problem });
  const trigger = attached.data.triggers.find((t) => t.webhook_id === webhookId);
  setFlash(c, { kind: 'notice', text: `Attached ${trigger?.webhook_slug ?? webhookId} to ${attached.data.name}${trigger ? ` as Class ${trigger.class}` : ''}.` });
  return c.redirect(`/workflows#${attached.data.id}`, 303);
});

