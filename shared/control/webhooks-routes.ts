/**
 * `/v1/webhooks`: create, list, get, patch, delete, rotate-secret. Every query is scoped to the
 * caller's project: another project's webhook answers 404 exactly like one that does not exist.
 * Every write that changes what the edge serves invalidates this isolate's config cache at once;
 * other isolates see it within CONFIG_TTL_SECONDS.
 */
import { and, desc, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import * as v from 'valibot';
import type { Db } from '../db/client';
import { triggers, webhooks, workflows } from '../db/schema';
import { ProblemError } from '../http/problem';
import { randomId } from '../ids';
import { checkEnforceable, checkSchemaChange, type Dependent as SchemaDependent, type JsonSchema } from '../schema';
import { parseStoredSecrets, type StoredSecret } from '../secrets/stored-secret';
import { schemeOf, type AuthConfig } from '../signatures/auth-config';
import { edgeInvalidator, type Caller, type ControlDeps, type ControlEnv } from './context';
import { CursorParam, DEFAULT_PAGE_SIZE, LimitParam, decodeCursor, olderThan, toPage } from './pagination';
import { OPEN_OBJECT_SCHEMA, requestedSchema } from './payload-schema';
import type { RouteDoc } from './route-doc';
import { firstFreeSlug, slugify, slugIsFree } from './slug';
import { CreateWebhookBody, DEFAULT_BODY_LIMIT_BYTES, PatchWebhookBody, RotateSecretBody } from './webhook-requests';
import {
  DEFAULT_OVERLAP_SECONDS,
  isFieldError,
  planSecret,
  projectDataKey,
  rotateSecrets,
  sealSecret,
  secretDisclosure,
  type SecretPlan,
} from './webhook-secrets';
import { dependentsOf, parseAuth, runtimeOrigin, verifiedHostnames, webhookView, type HostBase, type WebhookRow } from './webhook-view';
import { invalidRequest, jsonBody, queryParams, type FieldError } from './validation';

export const ListWebhooksQuery = v.strictObject({ limit: LimitParam, cursor: CursorParam });

export const WEBHOOK_ROUTES: RouteDoc[] = [
  { method: 'post', path: '/v1/webhooks', summary: 'Create a webhook; the generated secret is shown only in this response', body: CreateWebhookBody, responses: { 201: 'The webhook, with `secret` when one was generated', 400: 'Invalid fields', 409: 'The slug is taken in this org', 415: 'Body is not JSON' } },
  { method: 'get', path: '/v1/webhooks', summary: 'List the project’s webhooks, newest first', query: ListWebhooksQuery, responses: { 200: '`{ data, has_more, next_cursor }`', 400: 'Invalid query' } },
  { method: 'get', path: '/v1/webhooks/:id', summary: 'Get a webhook with its dependents', responses: { 200: 'The webhook', 404: 'No such webhook in this project' } },
  { method: 'patch', path: '/v1/webhooks/:id', summary: 'Change name, description, schema or sample, auth, enabled, body limit', body: PatchWebhookBody, responses: { 200: 'The webhook, with `secret` when a new auth method got a generated one', 400: 'Invalid fields', 404: 'No such webhook in this project', 409: 'The schema change would break the listed workflows' } },
  { method: 'delete', path: '/v1/webhooks/:id', summary: 'Delete a webhook no workflow depends on', responses: { 204: 'Deleted; its URL answers 404 from now on', 404: 'No such webhook in this project', 409: 'Workflows depend on it (`dependents`)' } },
  { method: 'post', path: '/v1/webhooks/:id/rotate-secret', summary: 'A new secret, shown once; the old ones verify for overlap_seconds more', body: RotateSecretBody, responses: { 200: 'The new secret (when generated) and when the old ones expire', 400: 'Invalid fields', 404: 'No such webhook in this project', 409: 'The webhook has no secret (auth none)' } },
];

/** A name from a description: its first line, cut at a word boundary near 80 characters. */
function nameFromDescription(description: string): string | undefined {
  const line = description.trim().split('\n')[0]?.trim() ?? '';
  if (line.length === 0) return undefined;
  if (line.length <= 80) return line;
  const cut = line.slice(0, 80);
  const space = cut.lastIndexOf(' ');
  return `${space > 40 ? cut.slice(0, space) : cut}…`;
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Error && /UNIQUE constraint failed/i.test(`${err.message} ${err.cause instanceof Error ? err.cause.message : ''}`);
}

function isForeignKeyViolation(err: unknown): boolean {
  return err instanceof Error && /FOREIGN KEY constraint failed/i.test(`${err.message} ${err.cause instanceof Error ? err.cause.message : ''}`);
}

function slugTaken(slug: string): ProblemError {
  return new ProblemError('conflict', `The slug "${slug}" is already used by a webhook of this org. Choose another slug, or omit it to derive a free one from the name.`, {
    errors: [{ path: '/slug', message: `"${slug}" is taken in this org` }],
    slug,
  });
}

async function findWebhook(db: Db, caller: Caller, id: string): Promise<WebhookRow> {
  const row = await db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.id, id), eq(webhooks.projectId, caller.projectId)))
    .get();
  if (!row) throw new ProblemError('not-found', 'No webhook with this id in your project.');
  return row;
}

/** Seals a planned secret into the secrets column; only supplied or generated plans hold one. */
async function sealedColumn(plan: SecretPlan, dataKey: () => Promise<CryptoKey>, webhookId: string, now: number): Promise<string> {
  if (plan.kind !== 'supplied' && plan.kind !== 'generated') return '[]';
  return JSON.stringify([await sealSecret(await dataKey(), webhookId, plan.value, now)]);
}

/** Workflows listening to a webhook, with what checkSchemaChange needs. */
async function schemaDependents(db: Db, webhookId: string): Promise<SchemaDependent[]> {
  const rows = await db
    .select({ workflowId: workflows.id, name: workflows.name, inputSchema: workflows.inputSchema, mapping: triggers.mapping })
    .from(triggers)
    .innerJoin(workflows, eq(workflows.id, triggers.workflowId))
    .where(eq(triggers.webhookId, webhookId))
    .all();
  return rows.map((r) => {
    const input = checkEnforceable(JSON.parse(r.inputSchema));
    const dependent: SchemaDependent = { workflowId: r.workflowId, name: r.name, inputSchema: input.ok ? input.schema : OPEN_OBJECT_SCHEMA };
    if (r.mapping !== null) dependent.mapping = v.parse(v.record(v.string(), v.string()), JSON.parse(r.mapping));
    return dependent;
  });
}

function storedSchema(row: WebhookRow): JsonSchema {
  const checked = checkEnforceable(JSON.parse(row.schema));
  return checked.ok ? checked.schema : OPEN_OBJECT_SCHEMA;
}

export function webhooksRoutes(deps: ControlDeps) {
  const clock = deps.now ?? Date.now;
  const invalidateEdge = edgeInvalidator(deps);
  const app = new Hono<ControlEnv>();

  const hostBase = async (c: { req: { url: string }; env: Env; var: { db: Db; caller: Caller } }): Promise<HostBase> => ({
    runtimeOrigin: runtimeOrigin(c.req.url, c.env, c.var.caller.orgSlug),
    customHosts: await verifiedHostnames(c.var.db, c.var.caller),
  });

  app.post('/', jsonBody(CreateWebhookBody), async (c) => {
    const body = c.req.valid('json');
    const { db, caller } = c.var;
    const now = clock();
    const errors: FieldError[] = [];

    const name = body.name ?? (body.description === undefined ? undefined : nameFromDescription(body.description));
    if (name === undefined) errors.push({ path: '/name', message: 'Give a name, a description, or both' });
    const auth: AuthConfig = body.auth ?? { method: 'hmac' };
    const plan = planSecret(auth, body.secret);
    if (isFieldError(plan)) errors.push(plan);
    const schema = requestedSchema(body) ?? { ok: true, schema: OPEN_OBJECT_SCHEMA };
    if (!schema.ok) errors.push(...schema.errors);
    if (name === undefined || isFieldError(plan) || !schema.ok) throw invalidRequest(errors);

    let slug: string;
    if (body.slug !== undefined) {
      if (!(await slugIsFree(db, caller.orgId, body.slug))) throw slugTaken(body.slug);
      slug = body.slug;
    } else {
      slug = await firstFreeSlug(db, caller.orgId, slugify(name) ?? slugify(body.description ?? '') ?? 'webhook');
    }

    const id = randomId('wh');
    const secrets = await sealedColumn(plan, async () => projectDataKey(db, await deps.masterKey(c.env), caller.projectId), id, now);
    const stamp = new Date(now).toISOString();
    try {
      await db.insert(webhooks).values({
        id,
        orgId: caller.orgId,
        projectId: caller.projectId,
        slug,
        name,
        description: body.description ?? null,
        auth: JSON.stringify(auth),
        secrets,
        schema: JSON.stringify(schema.schema),
        enabled: body.enabled ?? true,
        bodyLimitBytes: body.body_limit_bytes ?? DEFAULT_BODY_LIMIT_BYTES,
        createdAt: stamp,
        updatedAt: stamp,
      });
    } catch (err) {
      // Another request took the slug between the check and the insert.
      if (isUniqueViolation(err)) throw slugTaken(slug);
      throw err;
    }
    invalidateEdge(caller);
    const row = await findWebhook(db, caller, id);
    return c.json({ ...webhookView(row, await hostBase(c), [], now), ...secretDisclosure(plan, id) }, 201);
  });

  app.get('/', queryParams(ListWebhooksQuery), async (c) => {
    const query = c.req.valid('query');
    const { db, caller } = c.var;
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const rows = await db
      .select()
      .from(webhooks)
      .where(
        and(
          eq(webhooks.projectId, caller.projectId),
          olderThan(webhooks.createdAt, webhooks.id, after),
        ),
      )
      .orderBy(desc(webhooks.createdAt), desc(webhooks.id))
      .limit(limit + 1)
      .all();
    const page = toPage(rows, limit, (r) => ({ at: r.createdAt, id: r.id }));
    const dependents = await dependentsOf(db, page.items.map((r) => r.id));
    const base = await hostBase(c);
    const now = clock();
    return c.json({
      data: page.items.map((r) => webhookView(r, base, dependents.get(r.id) ?? [], now)),
      has_more: page.nextCursor !== null,
      next_cursor: page.nextCursor,
    });
  });

  app.get('/:id', async (c) => {
    const { db, caller } = c.var;
    const row = await findWebhook(db, caller, c.req.param('id'));
    const dependents = await dependentsOf(db, [row.id]);
    return c.json(webhookView(row, await hostBase(c), dependents.get(row.id) ?? [], clock()));
  });

  app.patch('/:id', jsonBody(PatchWebhookBody), async (c) => {
    const body = c.req.valid('json');
    const { db, caller } = c.var;
    const row = await findWebhook(db, caller, c.req.param('id'));
    const now = clock();
    const errors: FieldError[] = [];

    // Auth: the same scheme keeps its secrets (say, a new header name); another scheme needs a
    // secret of its own, supplied or generated here and shown once in this response.
    let plan: SecretPlan | undefined;
    let auth: AuthConfig | undefined;
    if (body.secret !== undefined && body.auth === undefined) {
      errors.push({ path: '/secret', message: `Change a secret with POST /v1/webhooks/${row.id}/rotate-secret, or send it with a new auth` });
    } else if (body.auth !== undefined) {
      auth = body.auth;
      if (body.secret !== undefined || schemeOf(body.auth) !== schemeOf(parseAuth(row))) {
        const planned = planSecret(body.auth, body.secret);
        if (isFieldError(planned)) errors.push(planned);
        else plan = planned;
      }
    }
    const schema = requestedSchema(body);
    if (schema !== undefined && !schema.ok) errors.push(...schema.errors);
    if (errors.length > 0 || (schema !== undefined && !schema.ok)) throw invalidRequest(errors);

    if (schema !== undefined) {
      const broken = checkSchemaChange(storedSchema(row), schema.schema, await schemaDependents(db, row.id));
      if (broken.length > 0) {
        const field = body.schema !== undefined ? '/schema' : '/sample_payload';
        throw new ProblemError(
          'conflict',
          `This schema change would break ${broken.length} dependent workflow(s): ${broken.map((b) => `${b.name} (${b.workflowId})`).join(', ')}. Change or detach their triggers first.`,
          {
            workflows: broken.map((b) => ({ id: b.workflowId, name: b.name, unmet: b.unmet })),
            errors: broken.flatMap((b) => b.unmet.map((u) => ({ path: field, message: `workflow ${b.workflowId}: ${u.field === '' ? '' : `${u.field}: `}${u.reason}` }))),
          },
        );
      }
    }

    const secrets = plan === undefined ? undefined : await sealedColumn(plan, async () => projectDataKey(db, await deps.masterKey(c.env), caller.projectId), row.id, now);
    await db
      .update(webhooks)
      .set({
        name: body.name,
        description: body.description,
        auth: auth === undefined ? undefined : JSON.stringify(auth),
        secrets,
        schema: schema === undefined ? undefined : JSON.stringify(schema.schema),
        enabled: body.enabled,
        bodyLimitBytes: body.body_limit_bytes,
        updatedAt: new Date(now).toISOString(),
      })
      .where(and(eq(webhooks.id, row.id), eq(webhooks.projectId, caller.projectId)));
    invalidateEdge(caller);
    const updated = await findWebhook(db, caller, row.id);
    const dependents = await dependentsOf(db, [row.id]);
    return c.json({ ...webhookView(updated, await hostBase(c), dependents.get(row.id) ?? [], now), ...(plan === undefined ? {} : secretDisclosure(plan, row.id)) });
  });

  app.delete('/:id', async (c) => {
    const { db, caller } = c.var;
    const row = await findWebhook(db, caller, c.req.param('id'));
    const dependentsConflict = (list: readonly unknown[]) =>
      new ProblemError('conflict', `${list.length} workflow(s) depend on this webhook. Detach it from their triggers or delete them first.`, { dependents: list });
    const dependents = (await dependentsOf(db, [row.id])).get(row.id) ?? [];
    if (dependents.length > 0) throw dependentsConflict(dependents);
    try {
      await db.delete(webhooks).where(and(eq(webhooks.id, row.id), eq(webhooks.projectId, caller.projectId)));
    } catch (err) {
      // A workflow attached it between the check and the delete: the triggers foreign key refuses.
      if (isForeignKeyViolation(err)) throw dependentsConflict((await dependentsOf(db, [row.id])).get(row.id) ?? []);
      throw err;
    }
    invalidateEdge(caller);
    return c.body(null, 204);
  });

  app.post('/:id/rotate-secret', jsonBody(RotateSecretBody), async (c) => {
    const body = c.req.valid('json');
    const { db, caller } = c.var;
    const row = await findWebhook(db, caller, c.req.param('id'));
    const auth = parseAuth(row);
    if (auth.method === 'none') {
      throw new ProblemError('conflict', 'This webhook has auth method "none": there is no secret to rotate. PATCH its auth first.');
    }
    const plan = planSecret(auth, body.secret);
    if (isFieldError(plan)) throw invalidRequest([plan]);
    if (plan.kind === 'awaiting-sender') {
      throw invalidRequest([{ path: '/secret', message: `${plan.label} issues the signing secret: roll it there and send the new one as secret` }]);
    }
    if (plan.kind === 'none') throw new Error('unreachable: auth has a method with secrets');

    const now = clock();
    const overlap = body.overlap_seconds ?? DEFAULT_OVERLAP_SECONDS;
    const dataKey = await projectDataKey(db, await deps.masterKey(c.env), caller.projectId);
    const next = await sealSecret(dataKey, row.id, plan.value, now);
    const secrets: StoredSecret[] = rotateSecrets(parseStoredSecrets(row.secrets), next, now, overlap);
    await db
      .update(webhooks)
      .set({ secrets: JSON.stringify(secrets), updatedAt: new Date(now).toISOString() })
      .where(and(eq(webhooks.id, row.id), eq(webhooks.projectId, caller.projectId)));
    invalidateEdge(caller);
    return c.json({
      id: row.id,
      secret_id: next.id,
      ...secretDisclosure(plan, row.id),
      overlap_seconds: overlap,
      previous_secrets_expire_at: overlap > 0 && secrets.length > 1 ? new Date(now + overlap * 1000).toISOString() : null,
      secrets: secrets.map((s) => ({ id: s.id, created_at: s.created_at, expires_at: s.expires_at })),
    });
  });

  return app;
}
