/**
 * `POST /webhooks/:id/proposals/:proposalId/apply` and `…/dismiss`: a schema change proposed from
 * what senders send, applied (by the API, with the rules of a schema PATCH: a 409 names the
 * workflows it would break) or dismissed. Either way back to the webhook's page (post/redirect/get).
 */
import { API_ID, type WebhookAction } from '../action';
import { doneAndBack, notFound, refused } from '../respond';

function proposalPath(id: string, proposalId: string, verb: 'apply' | 'dismiss'): string {
  return `/v1/webhooks/${id}/schema-proposals/${proposalId}/${verb}`;
}

export const applySchemaProposal: WebhookAction = async (c, id) => {
  const proposalId = c.req.param('proposalId') ?? '';
  if (!API_ID.test(proposalId)) return notFound(c);
  const result = await c.var.api.post(proposalPath(id, proposalId, 'apply'));
  if (!result.ok) return refused(c, id, 'Apply the proposed schema change', result.problem);
  return doneAndBack(
    c,
    id,
    'Schema changed as proposed. Requests refused for the old schema can be replayed from their issue, or one by one under Recent refusals.',
    '#schema',
  );
};

export const dismissSchemaProposal: WebhookAction = async (c, id) => {
  const proposalId = c.req.param('proposalId') ?? '';
  if (!API_ID.test(proposalId)) return notFound(c);
  const result = await c.var.api.post(proposalPath(id, proposalId, 'dismiss'));
  if (!result.ok) return refused(c, id, 'Dismiss the proposed schema change', result.problem);
  return doneAndBack(c, id, 'Proposal dismissed: the schema stays as it is.', '#health');
};
