/**
 * `/v1/webhooks/{id}/schema-proposals`: the schema changes sender health proposes from a webhook's
 * drift evidence (shared/health/proposals.ts), kept in the project's health object. Each view names
 * the workflows the change would break (`breaks`), by the very check a schema PATCH runs; applying
 * one is that PATCH's rule and write (`refuseBreakingChange`, then the schema and `updated_at`),
 * with the same 409 when it would break a dependent.
 */
import { and, eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { createFactory } from 'hono/factory';
import * as v from 'valibot';
import { webhooks } from '../db/schema';
import type { CurrentSchema } from '../health/drift-store';
import { PROPOSAL_STATES, type AppliedProposal, type ProposalBreak, type SchemaProposalView, type StoredProposal } from '../health/proposals';
import { ProblemError } from '../http/problem';
import { checkSchemaChange, type Dependent } from '../schema';
import { clockOf, edgeInvalidator, pathParam, type ControlDeps, type ControlEnv } from './context';
import { WEBHOOK, findOwned, ownedBy } from './owned';
import { PAGE_PARAMS, decodeCursor, pageBody, DEFAULT_PAGE_SIZE, encodeCursor } from './pagination';
import { enforceableSchema, storedSchema } from './payload-schema';
import type { WebhookView } from './responses';
import { ControlRoutes } from './route-doc';
import { invalidRequest, queryParams } from './validation';
import type { WebhookRow } from './webhook-view';
import { refuseBreakingChange, schemaDependents, viewOf } from './webhooks-routes';

export const ListSchemaProposalsQuery = v.strictObject({
  state: v.optional(v.picklist([...PROPOSAL_STATES, 'all'], `state must be one of ${[...PROPOSAL_STATES, 'all'].join(', ')}`)),
  ...PAGE_PARAMS,
});

const PROPOSAL_ID = /^prp_[0-9a-z]{1,64}$/;
const NO_SUCH_PROPOSAL = 'No schema proposal with this id for this webhook.';

const factory = createFactory<ControlEnv>();
type ProposalContext = Context<ControlEnv>;

function healthOf(env: Env, projectId: string) {
  return env.SENDER_HEALTH.get(env.SENDER_HEALTH.idFromName(projectId));
}

function currentOf(row: WebhookRow): CurrentSchema {
  return { schemaText: row.schema, version: row.updatedAt };
}

/** The proposal id of the path, or the 404 a proposal that does not exist answers. */
function proposalParam(c: ProposalContext): string {
  const id = pathParam(c, 'proposal_id');
  if (!PROPOSAL_ID.test(id)) throw new ProblemError('not-found', NO_SUCH_PROPOSAL);
  return id;
}

/**
 * The view of a proposal: an open one with the workflows it would break, checked against the
 * webhook's schema today exactly as a PATCH to the proposed schema would be.
 */
function proposalView(proposal: StoredProposal, row: WebhookRow, dependents: readonly Dependent[]): SchemaProposalView {
  const breaks: ProposalBreak[] =
    proposal.state !== 'open' ? [] : checkSchemaChange(storedSchema(row.schema), proposal.schema, dependents).map((b) => ({ id: b.workflowId, name: b.name, unmet: b.unmet }));
  return { ...proposal, breaks };
}

/** Dependents read once per request, and only when an open proposal needs them. */
function dependentsOnce(c: ProposalContext, webhookId: string): () => Promise<Dependent[]> {
  let loaded: Promise<Dependent[]> | undefined;
  return () => (loaded ??= schemaDependents(c.var.db, webhookId));
}

async function viewsOf(c: ProposalContext, row: WebhookRow, proposals: readonly StoredProposal[]): Promise<SchemaProposalView[]> {
  const dependents = dependentsOnce(c, row.id);
  return Promise.all(proposals.map(async (p) => proposalView(p, row, p.state === 'open' ? await dependents() : [])));
}

function listProposals(deps: ControlDeps) {
  return factory.createHandlers(queryParams(ListSchemaProposalsQuery), async (c) => {
    const { db, caller } = c.var;
    const query = c.req.valid('query');
    const row = await findOwned(db, caller, WEBHOOK, pathParam(c, 'id'));
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const page = await healthOf(c.env, caller.projectId).listSchemaProposals(
      caller.projectId,
      row.id,
      currentOf(row),
      { state: query.state, limit: query.limit ?? DEFAULT_PAGE_SIZE, after },
      clockOf(deps)(),
    );
    const items = await viewsOf(c, row, page.items);
    return c.json(pageBody({ items, nextCursor: page.next === null ? null : encodeCursor(page.next) }, (item) => item));
  });
}

function getProposal(deps: ControlDeps) {
  return factory.createHandlers(async (c) => {
    const { db, caller } = c.var;
    const row = await findOwned(db, caller, WEBHOOK, pathParam(c, 'id'));
    const proposal = await healthOf(c.env, caller.projectId).getSchemaProposal(caller.projectId, row.id, proposalParam(c), currentOf(row), clockOf(deps)(), true);
    if (proposal === null) throw new ProblemError('not-found', NO_SUCH_PROPOSAL);
    const [view] = await viewsOf(c, row, [proposal]);
    return c.json(view);
  });
}

function notOpen(proposal: StoredProposal, verb: string): ProblemError {
  const why =
    proposal.state === 'superseded'
      ? 'the webhook’s schema changed after it was made; list the open proposals for the one made against today’s schema'
      : `it was ${proposal.state}${proposal.closed_at === null ? '' : ` at ${proposal.closed_at}`}`;
  return new ProblemError('conflict', `This proposal cannot be ${verb}: ${why}.`, { state: proposal.state });
}

function applyProposal(deps: ControlDeps) {
  return factory.createHandlers(async (c) => {
    const { db, caller } = c.var;
    const row = await findOwned(db, caller, WEBHOOK, pathParam(c, 'id'));
    const proposalId = proposalParam(c);
    const now = clockOf(deps)();
    const health = healthOf(c.env, caller.projectId);
    // Not brought up to date with the evidence: what is applied is what was last shown.
    const proposal = await health.getSchemaProposal(caller.projectId, row.id, proposalId, currentOf(row), now, false);
    if (proposal === null) throw new ProblemError('not-found', NO_SUCH_PROPOSAL);
    const answer = async (applied: StoredProposal): Promise<AppliedProposal<WebhookView>> => ({ proposal: { ...applied, breaks: [] }, webhook: await viewOf(c, row.id, now) });
    // A retried apply that went through answers as the first did.
    if (proposal.state === 'applied') return c.json(await answer(proposal));
    if (proposal.state !== 'open') throw notOpen(proposal, 'applied');

    // The PATCH's rules for `{ "schema": … }` (requestedSchema's schema branch): a schema the edge can enforce, and no dependent broken.
    const requested = enforceableSchema(proposal.schema, '/schema');
    if (!requested.ok) throw invalidRequest(requested.errors);
    await refuseBreakingChange(db, row, requested.schema, '/schema');

    const stamp = new Date(now).toISOString();
    // Only over the schema the proposal was checked against: a PATCH in between is not overwritten.
    const written = await db
      .update(webhooks)
      .set({ schema: JSON.stringify(requested.schema), updatedAt: stamp })
      .where(and(ownedBy(WEBHOOK, caller, row.id), eq(webhooks.schema, row.schema)))
      .returning({ schema: webhooks.schema, updatedAt: webhooks.updatedAt });
    const stored = written[0];
    if (stored === undefined) {
      throw new ProblemError('conflict', 'The webhook’s schema changed while this proposal was being applied; nothing was changed. List the open proposals again.');
    }
    edgeInvalidator(deps)(caller);
    const applied = await health.markSchemaProposalApplied(caller.projectId, row.id, proposalId, { schemaText: stored.schema, version: stored.updatedAt }, now);
    return c.json(await answer(applied ?? { ...proposal, state: 'applied', updated_at: stamp, closed_at: stamp }));
  });
}

function dismissProposal(deps: ControlDeps) {
  return factory.createHandlers(async (c) => {
    const { db, caller } = c.var;
    const row = await findOwned(db, caller, WEBHOOK, pathParam(c, 'id'));
    const dismissed = await healthOf(c.env, caller.projectId).dismissSchemaProposal(caller.projectId, row.id, proposalParam(c), currentOf(row), clockOf(deps)());
    if (dismissed === null) throw new ProblemError('not-found', NO_SUCH_PROPOSAL);
    if (dismissed.state !== 'dismissed') throw notOpen(dismissed, 'dismissed');
    return c.json(proposalView(dismissed, row, []));
  });
}

export function schemaProposalsRoutes(deps: ControlDeps): ControlRoutes {
  const base = '/v1/webhooks/:id/schema-proposals';
  return new ControlRoutes()
    .route(
      {
        method: 'get',
        path: base,
        summary: 'Schema changes proposed from the webhook’s drift evidence (new fields in accepted events, refusals concentrated on one path and type), newest first; open ones unless `state` says otherwise',
        query: ListSchemaProposalsQuery,
        responses: { 200: '`{ data, has_more, next_cursor }`: each proposal with its `diff`, `evidence`, the proposed `schema` and, when open, the workflows it would break (`breaks`)', 400: 'Invalid query', 404: 'No such webhook in this project' },
      },
      ...listProposals(deps),
    )
    .route(
      { method: 'get', path: `${base}/:proposal_id`, summary: 'One schema proposal, brought up to date with the evidence', responses: { 200: 'The proposal', 404: 'No such webhook or proposal' } },
      ...getProposal(deps),
    )
    .route(
      {
        method: 'post',
        path: `${base}/:proposal_id/apply`,
        summary: 'Make the proposed schema the webhook’s, under the same rules as a schema PATCH. Idempotent',
        responses: { 200: '`{ proposal, webhook }`: the proposal, `applied`, and the webhook with its new schema', 400: 'The proposed schema is one the edge can no longer enforce', 404: 'No such webhook or proposal', 409: 'It would break the listed workflows (as a PATCH would answer), or the proposal is not open, or the schema changed meanwhile' },
        audit: { action: 'webhook.schema_proposal.apply', resource: { param: 'id' } },
      },
      ...applyProposal(deps),
    )
    .route(
      {
        method: 'post',
        path: `${base}/:proposal_id/dismiss`,
        summary: 'Dismiss a proposal: none of its changes (path and type) is proposed again. Idempotent',
        responses: { 200: 'The proposal, `dismissed`', 404: 'No such webhook or proposal', 409: 'The proposal was applied or superseded' },
        audit: { action: 'webhook.schema_proposal.dismiss', resource: { param: 'proposal_id' } },
      },
      ...dismissProposal(deps),
    );
}
