/**
 * A refused workflow form, across its redirect: the refusal (the API's answer, or the console's own
 * check of the form) and what was typed are kept for this session as a form handoff
 * (../../handoffs.ts), and the POST answers 303 to the form's page with `?refused=` naming it. The
 * page shows it at the refusal's status on every reload until it expires — a reload shows the
 * refusal again and re-sends nothing. Field names and mappings are kept; they are never secrets.
 */
import type { Context } from 'hono';
import * as v from 'valibot';
import type { ApiProblem } from '../../api-client';
import type { ConsoleEnv } from '../../context';
import { setFlash } from '../../flash';
import { sessionHandoffs, storedProblem } from '../../handoffs';
import { FIELD_TYPES, MAX_FIELD_ROWS, type FieldRow } from './input-fields';
import type { Back } from './links';

export type WorkflowRefusal =
  | { form: 'create'; problem: ApiProblem; name: string; rows: FieldRow[] }
  | { form: 'edit'; problem: ApiProblem; name: string; rows: FieldRow[] }
  | { form: 'delete'; problem: ApiProblem }
  | { form: 'attach'; problem: ApiProblem; webhookId: string; mapping: string; back: Back }
  | { form: 'detach'; problem: ApiProblem; webhookId: string; back: Back };

export type RefusedForm = WorkflowRefusal['form'];

/** The handoff subject: a new workflow's form, or the workflow the form was about. */
export function subjectOf(workflowId: string | null): string {
  return workflowId === null ? 'workflow:new' : `workflow:${workflowId}`;
}

const TypeKey = v.picklist(['keep', ...FIELD_TYPES.map((t) => t.key)]);
const Rows = v.pipe(v.array(v.object({ name: v.string(), type: TypeKey, required: v.boolean(), original: v.string() })), v.maxLength(MAX_FIELD_ROWS));
const BackSchema = v.picklist(['workflow', 'webhook']);

const Stored = v.variant('form', [
  v.object({ form: v.literal('create'), name: v.string(), rows: Rows }),
  v.object({ form: v.literal('edit'), name: v.string(), rows: Rows }),
  v.object({ form: v.literal('delete') }),
  v.object({ form: v.literal('attach'), webhookId: v.string(), mapping: v.string(), back: BackSchema }),
  v.object({ form: v.literal('detach'), webhookId: v.string(), back: BackSchema }),
]);

/**
 * Refused: keeps `refusal` for this session and answers 303 to `page` (a path, with its query and
 * `#section` if any) naming it. Too large to keep, the refusal goes as a one-time message instead.
 */
export async function refusedTo(c: Context<ConsoleEnv>, workflowId: string | null, page: string, refusal: WorkflowRefusal): Promise<Response> {
  const ticket = await sessionHandoffs(c).put('form', subjectOf(workflowId), refusal);
  const [path = page, hash] = page.split('#', 2);
  if (ticket === null) {
    setFlash(c, { kind: 'error', text: `Refused: ${refusal.problem.detail}` });
    return c.redirect(page, 303);
  }
  return c.redirect(`${path}${path.includes('?') ? '&' : '?'}refused=${ticket}${hash === undefined ? '' : `#${hash}`}`, 303);
}

/** The refusal of one of `forms` that this request's `?refused=` names, when it is this session's and still kept. */
export async function refusalOf<F extends RefusedForm>(c: Context<ConsoleEnv>, workflowId: string | null, forms: readonly F[]): Promise<Extract<WorkflowRefusal, { form: F }> | null> {
  const ticket = c.req.query('refused');
  if (ticket === undefined) return null;
  const value = await sessionHandoffs(c).read('form', subjectOf(workflowId), ticket);
  const problem = storedProblem(typeof value === 'object' && value !== null ? (value as Record<string, unknown>).problem : null);
  const parsed = v.safeParse(Stored, value);
  if (problem === null || !parsed.success || !forms.some((f) => f === parsed.output.form)) return null;
  return { ...parsed.output, problem } as Extract<WorkflowRefusal, { form: F }>;
}
