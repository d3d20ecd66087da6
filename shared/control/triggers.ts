/**
 * A workflow's trigger list, checked as a whole: every webhook must be the caller's (else 404, as
 * if absent), each is classified against the input contract (Class A: equivalent schema; Class B:
 * the mapping yields every required input field), and anything else refuses the whole request
 * with 422 listing every unmet field of every trigger, so one round trip shows all that is wrong.
 */
import { and, eq, getTableColumns } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import * as v from 'valibot';
import { chunk, rowsPerInsert } from '../db/batching';
import type { Db } from '../db/client';
import { inJsonArray } from '../db/json-rows';
import { triggers, webhooks } from '../db/schema';
import { ProblemError } from '../http/problem';
import { classifyTrigger, type JsonSchema } from '../schema';
import { escape } from '../schema/json-pointer';
import { storedSchema } from './payload-schema';
import type { FieldError } from './validation';

export const MAX_TRIGGERS = 100;

const TRIGGER_ROWS_PER_INSERT = rowsPerInsert(Object.keys(getTableColumns(triggers)).length);

export const TriggerSpecSchema = v.strictObject({
  webhook_id: v.pipe(v.string('webhook_id must be a string'), v.startsWith('wh_', 'webhook_id must be a webhook id (wh_…)')),
  mapping: v.optional(
    v.record(
      v.pipe(v.string(), v.minLength(1, 'an input field name must not be empty')),
      v.string('a mapping value must be a JSON Pointer into the payload, e.g. "/patient/id"'),
      'mapping must be an object: { "inputField": "/json/pointer/into/payload" }',
    ),
  ),
});
export type TriggerSpec = v.InferOutput<typeof TriggerSpecSchema>;

export const TriggerListSchema = v.pipe(
  v.array(TriggerSpecSchema, 'triggers must be an array of { webhook_id, mapping? }'),
  v.maxLength(MAX_TRIGGERS, `a workflow has at most ${MAX_TRIGGERS} triggers`),
);

export interface TriggerWebhook {
  id: string;
  slug: string;
  schema: JsonSchema;
}

export interface PlannedTrigger {
  webhookId: string;
  class: 'A' | 'B';
  /** The resolved mapping fan-out applies (Class B), null for Class A. */
  mapping: Record<string, string> | null;
  position: number;
}

/** The caller's webhooks among `ids`; an id of another project is simply absent. */
export async function loadTriggerWebhooks(db: Db, projectId: string, ids: readonly string[]): Promise<Map<string, TriggerWebhook>> {
  const found = new Map<string, TriggerWebhook>();
  const rows = await db
    .select({ id: webhooks.id, slug: webhooks.slug, schema: webhooks.schema })
    .from(webhooks)
    .where(and(eq(webhooks.projectId, projectId), inJsonArray(webhooks.id, [...new Set(ids)])))
    .all();
  for (const row of rows) found.set(row.id, { id: row.id, slug: row.slug, schema: storedSchema(row.schema) });
  return found;
}

/** 404 for webhooks the caller does not have, 400 for a webhook listed twice. */
export function checkTriggerWebhooks(specs: readonly TriggerSpec[], found: ReadonlyMap<string, TriggerWebhook>, at = '/triggers'): void {
  const missing: FieldError[] = [];
  const duplicate: FieldError[] = [];
  const seen = new Set<string>();
  specs.forEach((spec, i) => {
    if (!found.has(spec.webhook_id)) missing.push({ path: `${at}/${i}/webhook_id`, message: `No webhook ${spec.webhook_id} in your project` });
    if (seen.has(spec.webhook_id)) duplicate.push({ path: `${at}/${i}/webhook_id`, message: `${spec.webhook_id} is listed more than once` });
    seen.add(spec.webhook_id);
  });
  if (missing.length > 0) throw new ProblemError('not-found', 'A trigger names a webhook that is not in your project.', { errors: missing });
  if (duplicate.length > 0) throw new ProblemError('invalid-request', 'A webhook can be a trigger of a workflow only once.', { errors: duplicate });
}

/**
 * Classifies every trigger against `input`; throws 422 listing each unmet field of each refused
 * trigger (at `/triggers/{i}/mapping/{field}` by default: where the fix goes).
 */
export function planTriggers(
  input: JsonSchema,
  specs: readonly TriggerSpec[],
  found: ReadonlyMap<string, TriggerWebhook>,
  at: (index: number) => string = (index) => `/triggers/${index}`,
): PlannedTrigger[] {
  const planned: PlannedTrigger[] = [];
  const refused: { index: number; webhook_id: string; unmet: { field: string; reason: string }[] }[] = [];
  specs.forEach((spec, index) => {
    const webhook = found.get(spec.webhook_id);
    if (webhook === undefined) throw new Error(`trigger webhook ${spec.webhook_id} was not checked`);
    const result = classifyTrigger(input, webhook.schema, spec.mapping);
    switch (result.class) {
      case 'A':
        planned.push({ webhookId: webhook.id, class: 'A', mapping: null, position: index });
        break;
      case 'B':
        planned.push({ webhookId: webhook.id, class: 'B', mapping: result.mapping, position: index });
        break;
      case 'refused':
        refused.push({ index, webhook_id: webhook.id, unmet: result.unmet });
        break;
    }
  });
  if (refused.length > 0) {
    const errors: FieldError[] = refused.flatMap((r) =>
      r.unmet.map((u) => ({
        path: u.field === '' ? at(r.index) : `${at(r.index)}/mapping/${escape(u.field)}`,
        message: u.field === '' ? u.reason : `${u.field}: ${u.reason}`,
      })),
    );
    throw new ProblemError(
      'incompatible-trigger',
      `${refused.length} trigger(s) cannot feed the workflow input: neither an equivalent schema (Class A) nor a mapping that yields every required input field (Class B).`,
      { errors, triggers: refused },
    );
  }
  return planned;
}

/** Statements that replace a workflow's trigger list (run in one db.batch with the workflow write). */
export function replaceTriggers(db: Db, workflowId: string, planned: readonly PlannedTrigger[]): BatchItem<'sqlite'>[] {
  const rows = planned.map((t) => ({
    workflowId,
    webhookId: t.webhookId,
    class: t.class,
    mapping: t.mapping === null ? null : JSON.stringify(t.mapping),
    position: t.position,
  }));
  return [db.delete(triggers).where(eq(triggers.workflowId, workflowId)), ...chunk(rows, TRIGGER_ROWS_PER_INSERT).map((part) => db.insert(triggers).values(part))];
}
