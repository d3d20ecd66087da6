/**
 * `/v1/webhooks`: create, list, get, patch, delete, rotate-secret. Every query is scoped to the
 * caller's project: another project's webhook answers 404 exactly like one that does not exist.
 * Every write that changes what the edge serves invalidates this isolate's config cache at once;
 * other isolates see it within CONFIG_TTL_SECONDS.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Context } from 'hono';
import { createFactory } from 'hono/factory';
import * as v from 'valibot';
import type { Db } from '../db/client';
import { violates } from '../db/constraint-errors';
import { triggers, webhooks, workflows } from '../db/schema';
import { senderHealth } from '../health/watch';
import { ProblemError } from '../http/problem';
import { safeErrorText } from '../http/safe-error';
import { randomId } from '../ids';
import { checkSchemaChange, parseMappingColumn, type Dependent as SchemaDependent, type JsonSchema } from '../schema';
import { parseStoredSecrets, type StoredSecret } from '../secrets/stored-secret';
import { schemeOf, type AuthConfig } from '../signatures/auth-config';
import { clockOf, edgeInvalidator, pathParam, type ControlDeps, type ControlEnv } from './context';
import { WEBHOOK, findOwned, ownedBy, pageOwned } from './owned';
import { PAGE_PARAMS, pageBody } from './pagination';
import { OPEN_OBJECT_SCHEMA, requestedSchema, storedSchema } from './payload-schema';
import { ControlRoutes } from './route-doc';
import { firstFreeSlug, slugify, slugIsFree } from './slug';
import { draftWebhook, type Draft } from '../describe/draft';
import { CreateWebhookBody, DEFAULT_BODY_LIMIT_BYTES, DraftWebhookBody, DEFAULT_RETENTION, PatchWebhookBody, RotateSecretBody, healthThresholdsColumn, ipAllowlistColumn, rateLimitColumns, resolveRetention } from './webhook-requests';
import {
  DEFAULT_OVERLAP_SECONDS,
  planSecret,
  rotateSecrets,
  sealSecret,
  secretDisclosure,
  secretView,
  type SecretPlan,
} from './webhook-secrets';
import { dependentsOf, parseAuth, runtimeOrigin, activeHostnames, openIssueCounts, webhookView, type Dependent, type HostBase, type WebhookRow, type WebhookView } from './webhook-view';
import { invalidRequest, isFieldError, jsonBody, queryParams, type FieldError } from './validation';

export const ListWebhooksQuery = v.strictObject(PAGE_PARAMS);

const factory = createFactory<ControlEnv>();

/**
 * The slug a drafted webhook gets in the org: its own slug if free, else the first free alternative
 * (another name a reviewer would accept reads better in a URL than a number), else the first free
 * numeric suffix. The note says which, so the reviewer knows why the URL differs from the text's.
 * `alternatives` keeps the other free ones, best first.
 */
async function draftedSlug(db: Db, orgId: string, draft: Draft): Promise<{ slug: string; alternatives: string[]; note: string | null }> {
  const candidates = [draft.slug, ...draft.alternatives];
  const rows = await db
    .select({ slug: webhooks.slug })
    .from(webhooks)
    .where(and(eq(webhooks.orgId, orgId), inArray(webhooks.slug, candidates)))
    .all();
  const taken = new Set(rows.map((row) => row.slug));
  const [first, ...rest] = candidates.filter((slug) => !taken.has(slug));
  if (first === draft.slug) return { slug: first, alternatives: rest, note: null };
  if (first !== undefined) return { slug: first, alternatives: rest, note: `"${draft.slug}" is taken in this org: "${first}", the first free alternative, is proposed instead.` };
  const slug = await firstFreeSlug(db, orgId, draft.slug);
  return { slug, alternatives: [], note: `"${draft.slug}" is taken in this org, and so are its alternatives: "${slug}" is the first free slug.` };
}

/** The draft for a description, or the 400 saying what the text lacks. */
function draftOrThrow(description: string, samplePayload?: Draft['sample_payload']): Draft {
  const outcome = draftWebhook({ description, samplePayload: samplePayload ?? undefined });
  if (!outcome.ok) throw invalidRequest([outcome.refusal], outcome.refusal.message);
  return outcome.draft;
}

function slugTaken(slug: string): ProblemError {
  return new ProblemError('conflict', `The slug "${slug}" is already used by a webhook of this org. Choose another slug, or omit it to derive a free one from the name.`, {
    errors: [{ path: '/slug', message: `"${slug}" is taken in this org` }],
    slug,
  });
}

function dependentsConflict(dependents: readonly Dependent[]): ProblemError {
  return new ProblemError('conflict', `${dependents.length} workflow(s) depend on this webhook. Detach it from their triggers or delete them first.`, { dependents });
}

/** Seals a planned secret into the secrets column; only supplied or generated plans hold one. */
async function sealedColumn(plan: SecretPlan, dataKey: () => Promise<CryptoKey>, webhookId: string, now: number): Promise<string> {
  if (plan.kind !== 'supplied' && plan.kind !== 'generated') return '[]';
  return JSON.stringify([await sealSecret(await dataKey(), webhookId, plan.value, now)]);
}

/** Workflows listening to a webhook, with what checkSchemaChange needs (the schema PATCH's, and a proposal's `breaks`). */
export async function schemaDependents(db: Db, webhookId: string): Promise<SchemaDependent[]> {
  const rows = await db
    .select({ workflowId: workflows.id, name: workflows.name, inputSchema: workflows.inputSchema, mapping: triggers.mapping })
    .from(triggers)
    .innerJoin(workflows, eq(workflows.id, triggers.workflowId))
    .where(eq(triggers.webhookId, webhookId))
    .all();
  return rows.map((r) => {
    const dependent: SchemaDependent = { workflowId: r.workflowId, name: r.name, inputSchema: storedSchema(r.inputSchema) };
    const mapping = parseMappingColumn(r.mapping);
    if (mapping !== null) dependent.mapping = mapping;
    return dependent;
  });
}

/** The 409 for a schema change that would break dependent workflows, or nothing: the PATCH's rule, which applying a schema proposal follows too. */
export async function refuseBreakingChange(db: Db, row: WebhookRow, next: JsonSchema, field: string): Promise<void> {
  const broken = checkSchemaChange(storedSchema(row.schema), next, await schemaDependents(db, row.id));
  if (broken.length === 0) return;
  throw new ProblemError(
    'conflict',
    `This schema change would break ${broken.length} dependent workflow(s): ${broken.map((b) => `${b.name} (${b.workflowId})`).join(', ')}. Change or detach their triggers first.`,
    {
      workflows: broken.map((b) => ({ id: b.workflowId, name: b.name, unmet: b.unmet })),
      errors: broken.flatMap((b) => b.unmet.map((u) => ({ path: field, message: `workflow ${b.workflowId}: ${u.field === '' ? '' : `${u.field}: `}${u.reason}` }))),
    },
  );
}

type WebhookContext = Context<ControlEnv>;

async function hostBase(c: WebhookContext): Promise<HostBase> {
  const [customHosts, openIssues] = await Promise.all([activeHostnames(c.var.db, c.var.caller), openIssueCounts(c.env, c.var.caller.projectId)]);
  return { runtimeOrigin: runtimeOrigin(c.req.url, c.env, c.var.caller.orgSlug), customHosts, openIssues };
}

/** The resource view of one webhook, read back after a write so the response shows what is stored. */
export async function viewOf(c: WebhookContext, id: string, now: number): Promise<WebhookView> {
  const { db, caller } = c.var;
  const row = await findOwned(db, caller, WEBHOOK, id);
  const dependents = await dependentsOf(db, [row.id]);
  return webhookView(row, await hostBase(c), dependents.get(row.id) ?? [], now);
}

function createWebhook(deps: ControlDeps) {
  return factory.createHandlers(jsonBody(CreateWebhookBody), async (c) => {
    const body = c.req.valid('json');
    const { db, caller } = c.var;
    const now = clockOf(deps)();
    const errors: FieldError[] = [];

    // A description alone creates what POST /v1/webhooks/draft proposes; fields given win over it.
    const draft = body.name === undefined && body.description !== undefined ? draftOrThrow(body.description) : undefined;
    const name = body.name ?? draft?.name;
    if (name === undefined) errors.push({ path: '/name', message: 'Give a name, a description, or both' });
    const auth: AuthConfig = body.auth ?? draft?.auth ?? { method: 'hmac' };
    const plan = planSecret(auth, body.secret);
    if (isFieldError(plan)) errors.push(plan);
    const fromDraft = body.schema === undefined && body.sample_payload === undefined && draft?.schema != null ? { ok: true as const, schema: draft.schema } : undefined;
    const schema = requestedSchema(body) ?? fromDraft ?? { ok: true, schema: OPEN_OBJECT_SCHEMA };
    if (!schema.ok) errors.push(...schema.errors);
    const retention = resolveRetention(body, DEFAULT_RETENTION);
    if (isFieldError(retention)) errors.push(retention);
    if (name === undefined || isFieldError(plan) || !schema.ok || isFieldError(retention)) throw invalidRequest(errors);

    let slug: string;
    let slugNote: string | null = null;
    if (body.slug !== undefined) {
      if (!(await slugIsFree(db, caller.orgId, body.slug))) throw slugTaken(body.slug);
      slug = body.slug;
    } else if (draft !== undefined) {
      ({ slug, note: slugNote } = await draftedSlug(db, caller.orgId, draft));
    } else {
      slug = await firstFreeSlug(db, caller.orgId, slugify(name) ?? 'webhook');
    }

    const id = randomId('wh');
    const secrets = await sealedColumn(plan, c.var.dataKey, id, now);
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
        ...retention,
        ...rateLimitColumns(body.rate_limit),
        ...ipAllowlistColumn(body.ip_allowlist),
        ...healthThresholdsColumn(body.health_thresholds),
        createdAt: stamp,
        updatedAt: stamp,
      });
    } catch (err) {
      // Another request took the slug between the check and the insert.
      if (violates(err, 'UNIQUE')) throw slugTaken(slug);
      throw err;
    }
    edgeInvalidator(deps)(caller);
    const drafted = draft === undefined ? {} : { notes: slugNote === null ? draft.notes : [...draft.notes, slugNote] };
    return c.json({ ...(await viewOf(c, id, now)), ...secretDisclosure(plan, id), ...drafted }, 201);
  });
}

function draftWebhookRoute() {
  return factory.createHandlers(jsonBody(DraftWebhookBody), async (c) => {
    const body = c.req.valid('json');
    const draft = draftOrThrow(body.description, body.sample_payload);
    // The slug the create would get: a second EHR description must not propose the first's URL.
    const { slug, alternatives, note } = await draftedSlug(c.var.db, c.var.caller.orgId, draft);
    return c.json({ ...draft, slug, alternatives, notes: note === null ? draft.notes : [...draft.notes, note] });
  });
}

function listWebhooks(deps: ControlDeps) {
  return factory.createHandlers(queryParams(ListWebhooksQuery), async (c) => {
    const { db, caller } = c.var;
    const page = await pageOwned(db, caller, WEBHOOK, c.req.valid('query'), (r) => ({ at: r.createdAt, id: r.id }));
    const dependents = await dependentsOf(db, page.items.map((r) => r.id));
    const base = await hostBase(c);
    const now = clockOf(deps)();
    return c.json(pageBody(page, (r) => webhookView(r, base, dependents.get(r.id) ?? [], now)));
  });
}

function getWebhook(deps: ControlDeps) {
  return factory.createHandlers(async (c) => c.json(await viewOf(c, pathParam(c, 'id'), clockOf(deps)())));
}

function patchWebhook(deps: ControlDeps) {
  return factory.createHandlers(jsonBody(PatchWebhookBody), async (c) => {
    const body = c.req.valid('json');
    const { db, caller } = c.var;
    const row = await findOwned(db, caller, WEBHOOK, pathParam(c, 'id'));
    const now = clockOf(deps)();
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
    // Retention applies to events recorded from then on: the consumer stamps each event's expiries
    // from the webhook's values when it records the event.
    const retention = resolveRetention(body, row);
    if (isFieldError(retention)) errors.push(retention);
    if (errors.length > 0 || (schema !== undefined && !schema.ok) || isFieldError(retention)) throw invalidRequest(errors);
    if (schema !== undefined) await refuseBreakingChange(db, row, schema.schema, body.schema !== undefined ? '/schema' : '/sample_payload');

    const secrets = plan === undefined ? undefined : await sealedColumn(plan, c.var.dataKey, row.id, now);
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
        ...retention,
        ...rateLimitColumns(body.rate_limit),
        ...ipAllowlistColumn(body.ip_allowlist),
        ...healthThresholdsColumn(body.health_thresholds),
        updatedAt: new Date(now).toISOString(),
      })
      .where(ownedBy(WEBHOOK, caller, row.id));
    edgeInvalidator(deps)(caller);
    return c.json({ ...(await viewOf(c, row.id, now)), ...(plan === undefined ? {} : secretDisclosure(plan, row.id)) });
  });
}

function deleteWebhook(deps: ControlDeps) {
  return factory.createHandlers(async (c) => {
    const { db, caller } = c.var;
    const row = await findOwned(db, caller, WEBHOOK, pathParam(c, 'id'));
    const dependents = async () => (await dependentsOf(db, [row.id])).get(row.id) ?? [];
    const before = await dependents();
    if (before.length > 0) throw dependentsConflict(before);
    try {
      await db.delete(webhooks).where(ownedBy(WEBHOOK, caller, row.id));
    } catch (err) {
      // A workflow attached it between the check and the delete: the triggers foreign key refuses.
      if (violates(err, 'FOREIGN KEY')) throw dependentsConflict(await dependents());
      throw err;
    }
    edgeInvalidator(deps)(caller);
    try {
      await senderHealth(c.env, caller.projectId).forgetWebhook(row.id);
    } catch (error) {
      // The webhook is gone either way; its issues would only linger in the list until forgotten.
      console.error('sender health did not forget a deleted webhook', safeErrorText(error));
    }
    return c.body(null, 204);
  });
}

function rotateSecret(deps: ControlDeps) {
  return factory.createHandlers(jsonBody(RotateSecretBody), async (c) => {
    const body = c.req.valid('json');
    const { db, caller } = c.var;
    const row = await findOwned(db, caller, WEBHOOK, pathParam(c, 'id'));
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

    const now = clockOf(deps)();
    const overlap = body.overlap_seconds ?? DEFAULT_OVERLAP_SECONDS;
    const next = await sealSecret(await c.var.dataKey(), row.id, plan.value, now);
    const secrets: StoredSecret[] = rotateSecrets(parseStoredSecrets(row.secrets), next, now, overlap);
    await db
      .update(webhooks)
      .set({ secrets: JSON.stringify(secrets), updatedAt: new Date(now).toISOString() })
      .where(ownedBy(WEBHOOK, caller, row.id));
    edgeInvalidator(deps)(caller);
    return c.json({
      id: row.id,
      secret_id: next.id,
      ...secretDisclosure(plan, row.id),
      overlap_seconds: overlap,
      previous_secrets_expire_at: overlap > 0 && secrets.length > 1 ? new Date(now + overlap * 1000).toISOString() : null,
      secrets: secrets.map(secretView),
    });
  });
}

export function webhooksRoutes(deps: ControlDeps): ControlRoutes {
  return new ControlRoutes()
    .route(
      { method: 'post', path: '/v1/webhooks', summary: 'Create a webhook; the generated secret is shown only in this response', body: CreateWebhookBody, responses: { 201: 'The webhook, with `secret` when one was generated', 400: 'Invalid fields', 409: 'The slug is taken in this org', 415: 'Body is not JSON' }, audit: { action: 'webhook.create', resource: { created: 'id' } } },
      ...createWebhook(deps),
    )
    .route(
      { method: 'post', path: '/v1/webhooks/draft', summary: 'Propose a webhook from a description (name, short slug, auth, sample and schema, notes on what was guessed); creates nothing', body: DraftWebhookBody, responses: { 200: 'The draft: `{ name, slug, alternatives, description, auth, sample_payload, schema, notes, warnings }`; `slug` is free in the org (when the proposed one is taken, the first free of `alternatives`, else a numeric suffix, and a note says so); `alternatives` lists up to three other free slugs, best first', 400: 'The description is empty or names no event: `errors` says what to add', 415: 'Body is not JSON' } },
      ...draftWebhookRoute(),
    )
    .route(
      { method: 'get', path: '/v1/webhooks', summary: 'List the project’s webhooks, newest first', query: ListWebhooksQuery, responses: { 200: '`{ data, has_more, next_cursor }`', 400: 'Invalid query' } },
      ...listWebhooks(deps),
    )
    .route(
      { method: 'get', path: '/v1/webhooks/:id', summary: 'Get a webhook with its dependents', responses: { 200: 'The webhook', 404: 'No such webhook in this project' } },
      ...getWebhook(deps),
    )
    .route(
      { method: 'patch', path: '/v1/webhooks/:id', summary: 'Change name, description, schema or sample, auth, enabled, body limit, retention (for events recorded from then on), rate limit, IP allowlist', body: PatchWebhookBody, responses: { 200: 'The webhook, with `secret` when a new auth method got a generated one', 400: 'Invalid fields', 404: 'No such webhook in this project', 409: 'The schema change would break the listed workflows' }, audit: { action: 'webhook.update', resource: { param: 'id' } } },
      ...patchWebhook(deps),
    )
    .route(
      { method: 'delete', path: '/v1/webhooks/:id', summary: 'Delete a webhook no workflow depends on', responses: { 204: 'Deleted; its URL answers 404 from now on', 404: 'No such webhook in this project', 409: 'Workflows depend on it (`dependents`)' }, audit: { action: 'webhook.delete', resource: { param: 'id' } } },
      ...deleteWebhook(deps),
    )
    .route(
      { method: 'post', path: '/v1/webhooks/:id/rotate-secret', summary: 'A new secret, shown once; the old ones verify for overlap_seconds more', body: RotateSecretBody, responses: { 200: 'The new secret (when generated) and when the old ones expire', 400: 'Invalid fields', 404: 'No such webhook in this project', 409: 'The webhook has no secret (auth none)' }, audit: { action: 'webhook.secret.rotate', resource: { param: 'id' } } },
      ...rotateSecret(deps),
    );
}
