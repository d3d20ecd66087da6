/**
 * `/workflows`: the project's workflows, and everything done to one — create it with its input
 * fields, edit them and its name, attach a webhook (its fields beside the payload, with the class it
 * will have and the proposed Class B mapping), detach one, delete it. Pages are drawn by
 * ./workflows/*; every change goes through the control API in-process as the session's token, so
 * each rule (validation, classes, ownership, audit) is the API's own.
 *
 * Post/redirect/get, done or refused: a change that succeeds sets a one-time message and answers 303
 * with the page to see; a refusal (the API's answer, or the console's own check of the form) is kept
 * for the session with what was typed (./workflows/refusals.ts) and answers 303 to the form's page,
 * which shows it at the refusal's status. A POST about a workflow that is not this project's
 * answers 404 at once: there is no page of it to go back to.
 */
import { Hono, type Context } from 'hono';
import type { ListPage, WebhookView, WorkflowView } from '../../control/responses';
import { classifyTrigger, type JsonSchema } from '../../schema';
import type { ApiProblem, FieldError } from '../api-client';
import { ProblemNotice } from '../components/problem-notice';
import type { ConsoleEnv } from '../context';
import { setFlash } from '../flash';
import { renderPage, type PageOptions } from '../layout';
import { AttachChooserPage, AttachPage } from './workflows/attach-page';
import { DetachPage } from './workflows/detach-page';
import { rowsFromForm, rowsOf, sameSchema, schemaFromRows, type FieldRow } from './workflows/input-fields';
import { attachHref, backOf, detachHref, webhookWorkflowsHref, workflowHref, type Back } from './workflows/links';
import { WorkflowsListPage } from './workflows/list-page';
import { mappingText, parseMapping } from './workflows/mapping-text';
import { NewWorkflowPage, type NewWorkflowDraft, type StartingWebhook } from './workflows/new-page';
import { proposeMapping } from './workflows/propose-mapping';
import { refusalOf, refusedTo } from './workflows/refusals';
import { WorkflowPage, type WebhookOption, type WorkflowPageRefusal } from './workflows/workflow-page';

type WorkflowsContext = Context<ConsoleEnv>;
type PageStatus = NonNullable<PageOptions['status']>;

/** How many workflows and webhooks a page lists; the rest are for the API and the CLI. */
const MAX = 100;

/** Ids as the API makes them: anything else is not worth a lookup. */
const WORKFLOW_ID = /^wf_[0-9a-z]{1,64}$/;
const WEBHOOK_ID = /^wh_[0-9a-z]{1,64}$/;

/** The statuses a refusal keeps; any other shows as 400. */
const PAGE_STATUSES: readonly PageStatus[] = [400, 401, 403, 404, 409, 413, 422, 429, 503];

function statusOf(problem: ApiProblem): PageStatus {
  return PAGE_STATUSES.find((s) => s === problem.status) ?? 400;
}

/** A problem the console finds in a form before calling the API: nothing was sent. */
function formProblem(title: string, errors: FieldError[]): ApiProblem {
  return { code: 'invalid-request', title, status: 400, detail: 'Nothing was changed: fix the fields below and send the form again.', errors };
}

function text(form: Record<string, unknown>, key: string): string {
  const value = form[key];
  return typeof value === 'string' ? value : '';
}

function notFound(c: WorkflowsContext): Promise<Response> {
  return renderPage(
    c,
    { title: 'Workflow not found', current: 'workflows', status: 404 },
    <>
      <h1>No such workflow in this project</h1>
      <p>
        It may have been deleted, or it belongs to another project. See <a href="/workflows">all workflows</a>.
      </p>
    </>,
  );
}

function unavailable(c: WorkflowsContext, title: string, problem: ApiProblem): Promise<Response> {
  return renderPage(
    c,
    { title, current: 'workflows', status: 502 },
    <>
      <h1>{title}</h1>
      <ProblemNotice problem={problem} nextStep="Reload the page in a moment." />
    </>,
  );
}

async function workflowOf(c: WorkflowsContext, id: string): Promise<WorkflowView | null> {
  if (!WORKFLOW_ID.test(id)) return null;
  const found = await c.var.api.get<WorkflowView>(`/v1/workflows/${id}`);
  return found.ok ? found.data : null;
}

async function webhookOf(c: WorkflowsContext, id: string): Promise<WebhookView | null> {
  if (!WEBHOOK_ID.test(id)) return null;
  const found = await c.var.api.get<WebhookView>(`/v1/webhooks/${id}`);
  return found.ok ? found.data : null;
}

/** The project's webhooks as options of a select; empty when they cannot be read just now. */
async function webhookOptions(c: WorkflowsContext): Promise<WebhookOption[]> {
  const list = await c.var.api.get<ListPage<WebhookOption>>(`/v1/webhooks?limit=${MAX}`);
  return list.ok ? list.data.data.map((w) => ({ id: w.id, slug: w.slug, name: w.name })) : [];
}

// ---- the list and one workflow ----

async function showList(c: WorkflowsContext): Promise<Response> {
  const workflows = await c.var.api.get<ListPage<WorkflowView>>(`/v1/workflows?limit=${MAX}`);
  if (!workflows.ok) return unavailable(c, 'Workflows', workflows.problem);
  return renderPage(c, { title: 'Workflows', current: 'workflows' }, <WorkflowsListPage workflows={workflows.data.data} hasMore={workflows.data.has_more} shown={MAX} />);
}

async function showWorkflow(c: WorkflowsContext, workflow: WorkflowView, refusal: WorkflowPageRefusal | null = null): Promise<Response> {
  const webhooks = await webhookOptions(c);
  return renderPage(
    c,
    { title: workflow.name, current: 'workflows', status: refusal === null ? 200 : statusOf(refusal.problem) },
    <WorkflowPage workflow={workflow} webhooks={webhooks} csrf={c.var.session.csrfToken} refusal={refusal} />,
  );
}

// ---- create ----

async function startingWebhook(c: WorkflowsContext, id: string): Promise<StartingWebhook | null> {
  const webhook = id === '' ? null : await webhookOf(c, id);
  return webhook === null ? null : { id: webhook.id, slug: webhook.slug, name: webhook.name, schema: webhook.schema as JsonSchema };
}

async function showNew(c: WorkflowsContext, from: StartingWebhook | null, draft: NewWorkflowDraft): Promise<Response> {
  const webhooks = await webhookOptions(c);
  return renderPage(
    c,
    { title: 'New workflow', current: 'workflows', status: draft.problem === null ? 200 : statusOf(draft.problem) },
    <NewWorkflowPage csrf={c.var.session.csrfToken} webhooks={webhooks} from={from} draft={draft} />,
  );
}

/**
 * The contract the rows describe. An "as it is" row keeps its rules from `source`; a form with no
 * named field and a base without properties stays as the base is (any object).
 */
function contractOf(rows: readonly FieldRow[], base: JsonSchema, source: JsonSchema): ReturnType<typeof schemaFromRows> {
  const built = schemaFromRows(rows, base, source);
  if (!built.ok || Object.keys(built.schema.properties ?? {}).length > 0 || base.properties !== undefined) return built;
  const { properties: _none, ...rest } = built.schema;
  return { ok: true, schema: rest };
}

// ---- attach ----

interface AttachAttempt {
  /** The mapping box as typed, or null for the page's own proposal. */
  typed: string | null;
  problem: ApiProblem | null;
  back: Back;
}

function showAttach(c: WorkflowsContext, workflow: WorkflowView, webhook: WebhookView, attempt: AttachAttempt): Promise<Response> {
  const input = workflow.input_schema as JsonSchema;
  const payload = webhook.schema as JsonSchema;
  const proposal = proposeMapping(input, payload);
  const fitsAsIs = classifyTrigger(input, payload).class === 'A';
  const current = workflow.triggers.find((t) => t.webhook_id === webhook.id);
  const shown = attempt.typed ?? (current !== undefined ? mappingText(current.mapping ?? {}) : fitsAsIs ? '' : mappingText(proposal.mapping));
  const parsed = parseMapping(shown);
  // The class by the API's own rule (shared/schema), so the page says what attaching will do.
  const preview = parsed.ok ? classifyTrigger(input, payload, parsed.mapping) : null;
  return renderPage(
    c,
    { title: `Attach ${webhook.slug}`, current: 'workflows', status: attempt.problem === null ? 200 : statusOf(attempt.problem) },
    <AttachPage data={{ workflow, webhook, proposal, fitsAsIs, mappingText: shown, preview, problem: attempt.problem, back: attempt.back }} csrf={c.var.session.csrfToken} />,
  );
}

async function showAttachChooser(c: WorkflowsContext, workflowId: string, webhookId: string, back: Back): Promise<Response> {
  const [workflows, webhooks] = await Promise.all([c.var.api.get<ListPage<WorkflowView>>(`/v1/workflows?limit=${MAX}`), webhookOptions(c)]);
  if (!workflows.ok) return unavailable(c, 'Attach a webhook to a workflow', workflows.problem);
  return renderPage(
    c,
    { title: 'Attach a webhook', current: 'workflows' },
    <AttachChooserPage
      workflows={workflows.data.data.map((w) => ({ id: w.id, name: w.name }))}
      webhooks={webhooks}
      workflowId={workflowId === '' ? null : workflowId}
      webhookId={webhookId === '' ? null : webhookId}
      back={back}
    />,
  );
}

/** Where an attach or detach of `webhookId` returns to. */
function backTo(back: Back, workflowId: string, webhookId: string): string {
  return back === 'webhook' && WEBHOOK_ID.test(webhookId) ? webhookWorkflowsHref(webhookId) : workflowHref(workflowId, 'triggers');
}

// ---- detach ----

function showDetach(c: WorkflowsContext, workflow: WorkflowView, webhookId: string, back: Back, problem: ApiProblem | null = null): Promise<Response> {
  const one = workflow.triggers.filter((t) => t.webhook_id === webhookId);
  const triggers = one.length > 0 ? one : workflow.triggers;
  return renderPage(
    c,
    { title: `Detach from ${workflow.name}`, current: 'workflows', status: problem === null ? 200 : statusOf(problem) },
    <DetachPage workflow={workflow} triggers={triggers} csrf={c.var.session.csrfToken} back={back} problem={problem} />,
  );
}

export const workflowsRoutes = new Hono<ConsoleEnv>();

workflowsRoutes.get('/', (c) => showList(c));

workflowsRoutes.get('/new', async (c) => {
  const from = await startingWebhook(c, c.req.query('from') ?? '');
  const refusal = await refusalOf(c, null, ['create']);
  const draft = refusal ?? { name: '', rows: from === null ? [] : rowsOf(from.schema), problem: null };
  return showNew(c, from, draft);
});

workflowsRoutes.post('/', async (c) => {
  const form = await c.req.parseBody();
  const name = text(form, 'name');
  const rows = rowsFromForm(form);
  const from = await startingWebhook(c, text(form, 'from'));
  const refuse = (problem: ApiProblem) => refusedTo(c, null, `/workflows/new${from === null ? '' : `?from=${from.id}`}`, { form: 'create', problem, name, rows });
  const contract = contractOf(rows, { type: 'object' }, from?.schema ?? {});
  if (!contract.ok) return refuse(formProblem('The input fields could not be read', contract.errors));
  const created = await c.var.api.post<WorkflowView>('/v1/workflows', { name, input_schema: contract.schema });
  if (!created.ok) return refuse(created.problem);
  setFlash(c, { kind: 'notice', text: `Created ${created.data.name}. Attach a webhook below so its events start runs of it.` });
  return c.redirect(workflowHref(created.data.id, 'attach'), 303);
});

workflowsRoutes.get('/attach', async (c) => {
  const workflowId = c.req.query('workflow_id') ?? '';
  const webhookId = c.req.query('webhook_id') ?? '';
  const back = backOf(c.req.query('back'));
  const [workflow, webhook] = await Promise.all([workflowOf(c, workflowId), webhookOf(c, webhookId)]);
  if (workflow === null || webhook === null) return showAttachChooser(c, workflow?.id ?? '', webhook?.id ?? '', back);
  const refusal = await refusalOf(c, workflow.id, ['attach']);
  const mine = refusal !== null && refusal.webhookId === webhook.id ? refusal : null;
  return showAttach(c, workflow, webhook, { typed: mine?.mapping ?? null, problem: mine?.problem ?? null, back });
});

workflowsRoutes.get('/:id', async (c) => {
  const workflow = await workflowOf(c, c.req.param('id'));
  if (workflow === null) return notFound(c);
  return showWorkflow(c, workflow, await refusalOf(c, workflow.id, ['edit', 'delete']));
});

workflowsRoutes.post('/:id/edit', async (c) => {
  const workflow = await workflowOf(c, c.req.param('id'));
  if (workflow === null) return notFound(c);
  const form = await c.req.parseBody();
  const name = text(form, 'name');
  const rows = rowsFromForm(form);
  const refuse = (problem: ApiProblem) => refusedTo(c, workflow.id, workflowHref(workflow.id, 'input'), { form: 'edit', problem, name, rows });
  const current = workflow.input_schema as JsonSchema;
  const contract = contractOf(rows, current, current);
  if (!contract.ok) return refuse(formProblem('The input fields could not be read', contract.errors));
  const changed = !sameSchema(contract.schema, current);
  const saved = await c.var.api.patch<WorkflowView>(`/v1/workflows/${workflow.id}`, { name, ...(changed ? { input_schema: contract.schema } : {}) });
  if (!saved.ok) return refuse(saved.problem);
  setFlash(c, { kind: 'notice', text: changed ? `Saved ${saved.data.name}: its input fields changed, and every trigger still fills them.` : `Saved ${saved.data.name}.` });
  return c.redirect(workflowHref(workflow.id), 303);
});

workflowsRoutes.post('/:id/triggers', async (c) => {
  const form = await c.req.parseBody();
  const webhookId = text(form, 'webhook_id');
  const [workflow, webhook] = await Promise.all([workflowOf(c, c.req.param('id')), webhookOf(c, webhookId)]);
  if (workflow === null || webhook === null) return notFound(c);
  const typed = text(form, 'mapping');
  const back = backOf(form.back);
  const refuse = (problem: ApiProblem) =>
    refusedTo(c, workflow.id, attachHref({ workflowId: workflow.id, webhookId: webhook.id, back }), { form: 'attach', problem, webhookId: webhook.id, mapping: typed, back });
  const mapping = parseMapping(typed);
  if (!mapping.ok) return refuse(formProblem('The mapping could not be read', mapping.errors));
  const body = { webhook_id: webhook.id, ...(mapping.mapping === undefined ? {} : { mapping: mapping.mapping }) };
  const attached = await c.var.api.post<WorkflowView>(`/v1/workflows/${workflow.id}/triggers`, body);
  if (!attached.ok) return refuse(attached.problem);
  const trigger = attached.data.triggers.find((t) => t.webhook_id === webhook.id);
  setFlash(c, { kind: 'notice', text: `Attached ${webhook.slug} to ${attached.data.name}${trigger ? ` as Class ${trigger.class}` : ''}.` });
  return c.redirect(backTo(back, workflow.id, webhook.id), 303);
});

workflowsRoutes.get('/:id/detach', async (c) => {
  const workflow = await workflowOf(c, c.req.param('id'));
  if (workflow === null) return notFound(c);
  const refusal = await refusalOf(c, workflow.id, ['detach']);
  return showDetach(c, workflow, c.req.query('webhook_id') ?? '', backOf(c.req.query('back')), refusal?.problem ?? null);
});

workflowsRoutes.post('/:id/detach', async (c) => {
  const workflow = await workflowOf(c, c.req.param('id'));
  if (workflow === null) return notFound(c);
  const form = await c.req.parseBody();
  const webhookId = text(form, 'webhook_id');
  const back = backOf(form.back);
  const trigger = workflow.triggers.find((t) => t.webhook_id === webhookId);
  const detached = await c.var.api.delete(`/v1/workflows/${workflow.id}/triggers/${encodeURIComponent(webhookId)}`);
  if (!detached.ok) {
    const page = detachHref(workflow.id, { webhookId: WEBHOOK_ID.test(webhookId) ? webhookId : undefined, back });
    return refusedTo(c, workflow.id, page, { form: 'detach', problem: detached.problem, webhookId, back });
  }
  setFlash(c, { kind: 'notice', text: `Detached ${trigger?.webhook_slug ?? webhookId} from ${workflow.name}: its events no longer start runs of this workflow.` });
  return c.redirect(backTo(back, workflow.id, webhookId), 303);
});

workflowsRoutes.post('/:id/delete', async (c) => {
  const workflow = await workflowOf(c, c.req.param('id'));
  if (workflow === null) return notFound(c);
  const refuse = (problem: ApiProblem) => refusedTo(c, workflow.id, workflowHref(workflow.id, 'delete'), { form: 'delete', problem });
  const confirm = text(await c.req.parseBody(), 'confirm').trim();
  if (confirm !== workflow.name.trim()) {
    return refuse({ ...formProblem('The confirmation does not match', [{ path: 'confirm', message: `Type the workflow’s name, ${workflow.name}, exactly.` }]), detail: 'Nothing was deleted.' });
  }
  const deleted = await c.var.api.delete(`/v1/workflows/${workflow.id}`);
  if (!deleted.ok) return refuse(deleted.problem);
  const count = workflow.triggers.length;
  setFlash(c, { kind: 'notice', text: `Deleted ${workflow.name}${count === 0 ? '' : ` and its ${count} trigger${count === 1 ? '' : 's'}`}.` });
  return c.redirect('/workflows', 303);
});
