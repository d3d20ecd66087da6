/**
 * `POST /webhooks/:id/schema`: a new schema from a sample payload or JSON Schema. The API refuses a
 * change that would break a dependent workflow; the page then shows the draft again to fix.
 */
import type { SchemaDraft } from '../../../components/webhook/settings-forms';
import { formField, type WebhookAction } from '../action';
import { doneAndBack, formProblem, refused } from '../respond';

export const changeSchema: WebhookAction = async (c, id) => {
  const kind = (await formField(c, 'kind')) === 'schema' ? 'schema' : 'sample_payload';
  const text = await formField(c, 'text');
  const draft: SchemaDraft = { kind, text };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return refused(c, id, 'Change the schema', formProblem('The text is not valid JSON.', '/text', 'Check quotes, commas and brackets; a sample is one JSON object like {"id": "p1"}.'), draft);
  }
  const result = await c.var.api.patch(`/v1/webhooks/${id}`, { [kind]: value });
  if (!result.ok) return refused(c, id, 'Change the schema', result.problem, draft);
  return doneAndBack(c, id, kind === 'schema' ? 'Schema saved.' : 'Schema saved, inferred from your sample.', '#schema');
};
