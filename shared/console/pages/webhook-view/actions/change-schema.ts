/**
 * Changing the webhook's payload schema, from JSON Schema or from a sample payload, in two steps.
 *
 * `POST /webhooks/:id/schema` with `step=check` (the editor's button) saves nothing: it runs the
 * compatibility check the API runs on PATCH (`checkSchemaChange`, shared/schema/compat.ts) on the
 * schema the API would store for this text (`requestedSchema`, shared/control/payload-schema.ts),
 * against the stored schema and the dependents as the API reads them (./load.ts), and answers with
 * the page: which workflows would break, or none and a Save button carrying the same text. The
 * control API has no dry run, and needs none: the console calls the API's own rule in-process.
 * With `step=save`, the PATCH itself, which checks again and refuses a breaking change with 409;
 * done or refused, the answer is a 303 (./respond.tsx), so a reload repeats nothing.
 *
 * `GET /webhooks/:id/schema/fix?request=req_…`: the fix that would admit a kept refused request
 * (shared/schema/refusal-fix.ts, from its failing paths), prefilled into the editor and checked.
 */
import * as v from 'valibot';
import { JsonObjectSchema, requestedSchema, SamplesSchema, storedSchema, type SchemaOutcome } from '../../../../control/payload-schema';
import type { KeptRequestView, WebhookView } from '../../../../control/responses';
import { checkSchemaChange, type JsonSchema } from '../../../../schema';
import { fixStepText, proposeSchemaFix } from '../../../../schema/refusal-fix';
import type { ApiProblem } from '../../../api-client';
import type { SchemaDraft } from '../../../components/webhook/settings-forms';
import { API_ID, formField, type WebhookAction } from '../action';
import { schemaDependentsOf } from '../load';
import { doneAndBack, formProblem, notFound, refused, showPage, type ViewContext } from '../respond';

type Kind = 'schema' | 'sample_payload';

const NOT_JSON = 'Check quotes, commas and brackets; a sample is one JSON object like {"id": "p1"}.';

/** The schema text the person sent, or the problem with it, before the API or the check is asked. */
function parseDraft(draft: SchemaDraft & { kind: Kind }): { ok: true; value: unknown } | { ok: false; problem: ApiProblem } {
  try {
    return { ok: true, value: JSON.parse(draft.text) };
  } catch {
    return { ok: false, problem: formProblem('The text is not valid JSON.', '/text', NOT_JSON) };
  }
}

/**
 * The schema the PATCH would store for this field and value: the PATCH body's own rule for the
 * field (a JSON object, or one or more sample objects), then the same `requestedSchema`.
 */
function requestedFrom(kind: Kind, value: unknown): { ok: true; schema: JsonSchema } | { ok: false; problem: ApiProblem } {
  const notASchema = (message: string) => ({ ok: false as const, problem: formProblem('This is not a schema the webhook can have.', `/${kind}`, message) });
  let outcome: SchemaOutcome | undefined;
  if (kind === 'schema') {
    const field = v.safeParse(JsonObjectSchema, value);
    if (!field.success) return notASchema(field.issues[0].message);
    outcome = requestedSchema({ schema: field.output });
  } else {
    const field = v.safeParse(SamplesSchema, value);
    if (!field.success) return notASchema(field.issues[0].message);
    outcome = requestedSchema({ sample_payload: field.output });
  }
  // Undefined only for a body naming neither field, which this one never is.
  if (outcome === undefined) throw new Error('unreachable: the check names a schema or a sample');
  if (outcome.ok) return outcome;
  return { ok: false, problem: { code: 'invalid-request', title: 'Invalid request', status: 400, detail: 'Saving this schema would be refused: correct the places listed.', errors: outcome.errors } };
}

/** The page with the check's answer: the workflows the change would break, or the problem with the text. */
async function checkDraft(c: ViewContext, id: string, draft: SchemaDraft & { kind: Kind }): Promise<Response> {
  const refusedCheck = (problem: ApiProblem) => showPage(c, id, { schemaDraft: { ...draft, problem }, status: 400 });
  const parsed = parseDraft(draft);
  if (!parsed.ok) return refusedCheck(parsed.problem);
  const requested = requestedFrom(draft.kind, parsed.value);
  if (!requested.ok) return refusedCheck(requested.problem);

  const webhook = await c.var.api.get<WebhookView>(`/v1/webhooks/${id}`);
  if (!webhook.ok) return notFound(c);
  const dependents = await schemaDependentsOf(c.var.api, webhook.data);
  if (dependents === null) {
    const problem: ApiProblem = { code: 'unavailable', title: 'Unavailable', status: 503, detail: 'The workflows that handle this webhook could not all be read, so the change was not checked. Check it again in a moment.' };
    return showPage(c, id, { schemaDraft: { ...draft, problem }, status: 503 });
  }
  const broken = checkSchemaChange(storedSchema(JSON.stringify(webhook.data.schema)), requested.schema, dependents);
  return showPage(c, id, { schemaDraft: { ...draft, preview: { schema: requested.schema, checked: dependents.length, broken } } });
}

export const changeSchema: WebhookAction = async (c, id) => {
  const kind: Kind = (await formField(c, 'kind')) === 'sample_payload' ? 'sample_payload' : 'schema';
  const text = await formField(c, 'text');
  const fixFor = await formField(c, 'fix_for');
  const draft: SchemaDraft & { kind: Kind } = { kind, text, ...(API_ID.test(fixFor) ? { fixFor } : {}) };
  // Saving is the explicit step; anything else only checks, and changes nothing.
  if ((await formField(c, 'step')) !== 'save') return checkDraft(c, id, draft);

  const parsed = parseDraft(draft);
  if (!parsed.ok) return refused(c, id, 'Save the schema', parsed.problem, { kind, text });
  const result = await c.var.api.patch(`/v1/webhooks/${id}`, { [kind]: parsed.value });
  if (!result.ok) return refused(c, id, 'Save the schema', result.problem, { kind, text });
  const saved = kind === 'schema' ? 'Schema saved.' : 'Schema saved, inferred from your sample.';
  return doneAndBack(c, id, draft.fixFor === undefined ? saved : `${saved} Replay ${draft.fixFor} under Recent refusals: it is checked against this schema.`, '#schema');
};

export const offerSchemaFix: WebhookAction = async (c, id) => {
  const requestId = c.req.query('request') ?? '';
  if (!API_ID.test(requestId)) return notFound(c);
  const [webhook, kept] = await Promise.all([c.var.api.get<WebhookView>(`/v1/webhooks/${id}`), c.var.api.get<KeptRequestView>(`/v1/rejections/${requestId}`)]);
  if (!webhook.ok) return notFound(c);
  if (!kept.ok || kept.data.webhook_id !== id) {
    const problem: ApiProblem = kept.ok ? { code: 'not-found', title: 'Not found', status: 404, detail: 'No kept refused request with this id for this webhook.' } : kept.problem;
    return showPage(c, id, { notice: { kind: 'problem', action: `Propose a fix for ${requestId}`, problem }, status: 404 });
  }
  const fix = proposeSchemaFix(storedSchema(JSON.stringify(webhook.data.schema)), kept.data.errors ?? []);
  if (fix.steps.length === 0) {
    const message = `No schema change found that would accept ${requestId}: today’s schema may accept it already (replay it), or it was refused for a reason a schema cannot change.`;
    return showPage(c, id, { notice: { kind: 'done', message } });
  }
  return checkDraft(c, id, { kind: 'schema', text: JSON.stringify(fix.schema, null, 2), fixFor: requestId, fixSteps: fix.steps.map(fixStepText) });
};
