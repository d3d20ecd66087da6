/**
 * `/v1/workflows`: workflows with their trigger lists. The input contract is `input_schema`, or by
 * default the payload schema of the first trigger's webhook, fixed at creation; each trigger shows
 * the class it was attached with. A trigger list is written with its workflow in one db.batch.
 * Fan-out reads triggers at consume time, so no edge cache needs invalidating here.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { createFactory } from 'hono/factory';
import * as v from 'valibot';
import type { Db } from '../db/client';
import { inJsonArray } from '../db/json-rows';
import { triggers, webhooks, workflows } from '../db/schema';
import { ProblemError } from '../http/problem';
import { randomId } from '../ids';
import { parseMappingColumn, type JsonSchema } from '../schema';
import { clockOf, pathParam, type Caller, type ControlDeps, type ControlEnv } from './context';
import { WORKFLOW, findOwned, ownedBy, pageOwned } from './owned';
import { PAGE_PARAMS, pageBody } from './pagination';
import { JsonObjectSchema, enforceableSchema, storedSchema } from './payload-schema';
import { ControlRoutes } from './route-doc';
import {
  TriggerListSchema,
  TriggerSpecSchema,
  checkTriggerWebhooks,
  loadTriggerWebhooks,
  planTriggers,
  replaceTriggers,
  type TriggerSpec,
} from './triggers';
import { invalidRequest, jsonBody, queryParams } from './validation';
import { NameSchema } from './webhook-requests';

const EnabledSchema = v.boolean('enabled must be true or false');

export const CreateWorkflowBody = v.strictObject({
  name: NameSchema,
  input_schema: v.optional(JsonObjectSchema),
  triggers: v.optional(TriggerListSchema),
  enabled: v.optional(EnabledSchema),
});

export const PatchWorkflowBody = v.strictObject({
  name: v.optional(NameSchema),
  /** A new input contract: every trigger is classified again against it. */
  input_schema: v.optional(JsonObjectSchema),
  /** The whole new trigger list (leave a webhook out to detach it). */
  triggers: v.optional(TriggerListSchema),
  enabled: v.optional(EnabledSchema),
});

export const ListWorkflowsQuery = v.strictObject(PAGE_PARAMS);

type WorkflowRow = typeof workflows.$inferSelect;

interface TriggerRow {
  workflowId: string;
  webhookId: string;
  slug: string;
  class: 'A' | 'B';
  mapping: string | null;
  position: number;
}

function workflowView(row: WorkflowRow, rows: readonly TriggerRow[]) {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    input_schema: JSON.parse(row.inputSchema) as unknown,
    triggers: rows.map((t) => {
      const mapping = parseMappingColumn(t.mapping);
      return { webhook_id: t.webhookId, webhook_slug: t.slug, class: t.class, ...(mapping === null ? {} : { mapping }) };
    }),
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

async function triggersOf(db: Db, workflowIds: readonly string[]): Promise<Map<string, TriggerRow[]>> {
  const byWorkflow = new Map<string, TriggerRow[]>(workflowIds.map((id) => [id, []]));
  const rows = await db
    .select({ workflowId: triggers.workflowId, webhookId: triggers.webhookId, slug: webhooks.slug, class: triggers.class, mapping: triggers.mapping, position: triggers.position })
    .from(triggers)
    .innerJoin(webhooks, eq(webhooks.id, triggers.webhookId))
    .where(inJsonArray(triggers.workflowId, workflowIds))
    .orderBy(asc(triggers.position), asc(triggers.webhookId))
    .all();
  for (const row of rows) byWorkflow.get(row.workflowId)?.push(row);
  return byWorkflow;
}

async function viewOf(db: Db, caller: Caller, id: string) {
  const row = await findOwned(db, caller, WORKFLOW, id);
  return workflowView(row, (await triggersOf(db, [id])).get(id) ?? []);
}

function checkedInput(schema: Record<string, unknown>): JsonSchema {
  const checked = enforceableSchema(schema, '/input_schema');
  if (!checked.ok) throw invalidRequest(checked.errors);
  return checked.schema;
}

/** The stored trigger list as specs, so it can be classified again (Class B keeps its mapping). */
function specsOf(rows: readonly TriggerRow[]): TriggerSpec[] {
  return rows.map((t) => {
    const mapping = parseMappingColumn(t.mapping);
    return mapping === null ? { webhook_id: t.webhookId } : { webhook_id: t.webhookId, mapping };
  });
}

function runBatch(db: Db, items: BatchItem<'sqlite'>[]): Promise<unknown> {
  const [first, ...rest] = items;
  if (first === undefined) return Promise.resolve();
  return db.batch([first, ...rest]);
}

const factory = createFactory<ControlEnv>();

export function workflowsRoutes(deps: ControlDeps): ControlRoutes {
  const clock = clockOf(deps);

  const createWorkflow = factory.createHandlers(jsonBody(CreateWorkflowBody), async (c) => {
    const body = c.req.valid('json');
    const { db, caller } = c.var;
    const specs = body.triggers ?? [];
    const given = body.input_schema === undefined ? undefined : checkedInput(body.input_schema);
    const found = await loadTriggerWebhooks(db, caller.projectId, specs.map((s) => s.webhook_id));
    checkTriggerWebhooks(specs, found);
    const firstId = specs[0]?.webhook_id;
    const input = given ?? (firstId === undefined ? undefined : found.get(firstId)?.schema);
    if (input === undefined) {
      throw invalidRequest([{ path: '/input_schema', message: 'Give input_schema, or at least one trigger whose payload schema becomes the input contract' }]);
    }
    const planned = planTriggers(input, specs, found);

    const id = randomId('wf');
    const stamp = new Date(clock()).toISOString();
    await runBatch(db, [
      db.insert(workflows).values({ id, projectId: caller.projectId, name: body.name, inputSchema: JSON.stringify(input), enabled: body.enabled ?? true, createdAt: stamp, updatedAt: stamp }),
      ...replaceTriggers(db, id, planned),
    ]);
    return c.json(await viewOf(db, caller, id), 201);
  });

  const listWorkflows = factory.createHandlers(queryParams(ListWorkflowsQuery), async (c) => {
    const { db, caller } = c.var;
    const page = await pageOwned(db, caller, WORKFLOW, c.req.valid('query'), (r) => ({ at: r.createdAt, id: r.id }));
    const byWorkflow = await triggersOf(db, page.items.map((r) => r.id));
    return c.json(pageBody(page, (r) => workflowView(r, byWorkflow.get(r.id) ?? [])));
  });

  const getWorkflow = factory.createHandlers(async (c) => c.json(await viewOf(c.var.db, c.var.caller, pathParam(c, 'id'))));

  const patchWorkflow = factory.createHandlers(jsonBody(PatchWorkflowBody), async (c) => {
    const body = c.req.valid('json');
    const { db, caller } = c.var;
    const row = await findOwned(db, caller, WORKFLOW, pathParam(c, 'id'));
    const input = body.input_schema === undefined ? storedSchema(row.inputSchema) : checkedInput(body.input_schema);
    const writes: BatchItem<'sqlite'>[] = [];
    if (body.triggers !== undefined || body.input_schema !== undefined) {
      const specs = body.triggers ?? specsOf((await triggersOf(db, [row.id])).get(row.id) ?? []);
      const found = await loadTriggerWebhooks(db, caller.projectId, specs.map((s) => s.webhook_id));
      checkTriggerWebhooks(specs, found);
      writes.push(...replaceTriggers(db, row.id, planTriggers(input, specs, found)));
    }
    writes.unshift(
      db
        .update(workflows)
        .set({
          name: body.name,
          enabled: body.enabled,
          inputSchema: body.input_schema === undefined ? undefined : JSON.stringify(input),
          updatedAt: new Date(clock()).toISOString(),
        })
        .where(ownedBy(WORKFLOW, caller, row.id)),
    );
    await runBatch(db, writes);
    return c.json(await viewOf(db, caller, row.id));
  });

  const deleteWorkflow = factory.createHandlers(async (c) => {
    const { db, caller } = c.var;
    const row = await findOwned(db, caller, WORKFLOW, pathParam(c, 'id'));
    await runBatch(db, [
      db.delete(triggers).where(eq(triggers.workflowId, row.id)),
      db.delete(workflows).where(ownedBy(WORKFLOW, caller, row.id)),
    ]);
    return c.body(null, 204);
  });

  const attachTrigger = factory.createHandlers(jsonBody(TriggerSpecSchema), async (c) => {
    const spec = c.req.valid('json');
    const { db, caller } = c.var;
    const row = await findOwned(db, caller, WORKFLOW, pathParam(c, 'id'));
    const current = specsOf((await triggersOf(db, [row.id])).get(row.id) ?? []);
    const existing = current.findIndex((s) => s.webhook_id === spec.webhook_id);
    const specs = existing === -1 ? [...current, spec] : current.map((s, i) => (i === existing ? spec : s));
    const found = await loadTriggerWebhooks(db, caller.projectId, specs.map((s) => s.webhook_id));
    if (!found.has(spec.webhook_id)) {
      throw new ProblemError('not-found', 'No webhook with this id in your project.', { errors: [{ path: '/webhook_id', message: `No webhook ${spec.webhook_id} in your project` }] });
    }
    checkTriggerWebhooks(specs, found);
    const index = existing === -1 ? specs.length - 1 : existing;
    // The attached trigger is classified alone first, so its errors point into this request's
    // body (`/mapping/…`) rather than into a list the caller did not send.
    planTriggers(storedSchema(row.inputSchema), [spec], found, () => '');
    const planned = planTriggers(storedSchema(row.inputSchema), specs, found);
    await runBatch(db, [
      db.update(workflows).set({ updatedAt: new Date(clock()).toISOString() }).where(eq(workflows.id, row.id)),
      ...replaceTriggers(db, row.id, planned),
    ]);
    return c.json({ ...(await viewOf(db, caller, row.id)), attached: { webhook_id: spec.webhook_id, position: index } }, 201);
  });

  const detachTrigger = factory.createHandlers(async (c) => {
    const { db, caller } = c.var;
    const row = await findOwned(db, caller, WORKFLOW, pathParam(c, 'id'));
    const detached = await db
      .delete(triggers)
      .where(and(eq(triggers.workflowId, row.id), eq(triggers.webhookId, pathParam(c, 'webhook_id'))))
      .returning({ webhookId: triggers.webhookId });
    if (detached.length === 0) throw new ProblemError('not-found', 'This webhook is not a trigger of this workflow.');
    await db.update(workflows).set({ updatedAt: new Date(clock()).toISOString() }).where(eq(workflows.id, row.id));
    return c.body(null, 204);
  });

  return new ControlRoutes()
    .route(
      { method: 'post', path: '/v1/workflows', summary: 'Create a workflow; each trigger is classified A or B', body: CreateWorkflowBody, responses: { 201: 'The workflow, each trigger with its class', 400: 'Invalid fields', 404: 'A trigger names a webhook not in this project', 422: 'A trigger is neither Class A nor Class B (`errors` lists every unmet field)' }, audit: { action: 'workflow.create', resource: { created: 'id' } } },
      ...createWorkflow,
    )
    .route(
      { method: 'get', path: '/v1/workflows', summary: 'List the project’s workflows, newest first', query: ListWorkflowsQuery, responses: { 200: '`{ data, has_more, next_cursor }`', 400: 'Invalid query' } },
      ...listWorkflows,
    )
    .route(
      { method: 'get', path: '/v1/workflows/:id', summary: 'Get a workflow with its triggers', responses: { 200: 'The workflow', 404: 'No such workflow in this project' } },
      ...getWorkflow,
    )
    .route(
      { method: 'patch', path: '/v1/workflows/:id', summary: 'Change name, enabled, input contract or the whole trigger list', body: PatchWorkflowBody, responses: { 200: 'The workflow', 400: 'Invalid fields', 404: 'No such workflow (or trigger webhook) in this project', 422: 'A trigger is neither Class A nor Class B' }, audit: { action: 'workflow.update', resource: { param: 'id' } } },
      ...patchWorkflow,
    )
    .route(
      { method: 'delete', path: '/v1/workflows/:id', summary: 'Delete a workflow and its triggers', responses: { 204: 'Deleted', 404: 'No such workflow in this project' }, audit: { action: 'workflow.delete', resource: { param: 'id' } } },
      ...deleteWorkflow,
    )
    .route(
      { method: 'post', path: '/v1/workflows/:id/triggers', summary: 'Attach a webhook as a trigger (or re-attach it with a new mapping)', body: TriggerSpecSchema, responses: { 201: 'The workflow', 400: 'Invalid fields', 404: 'No such workflow or webhook in this project', 422: 'The trigger is neither Class A nor Class B' }, audit: { action: 'workflow.trigger.attach', resource: { param: 'id' } } },
      ...attachTrigger,
    )
    .route(
      { method: 'delete', path: '/v1/workflows/:id/triggers/:webhook_id', summary: 'Detach a trigger', responses: { 204: 'Detached', 404: 'No such workflow in this project, or the webhook is not its trigger' }, audit: { action: 'workflow.trigger.detach', resource: { param: 'id' } } },
      ...detachTrigger,
    );
}
