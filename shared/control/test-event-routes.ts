/**
 * `POST /v1/webhooks/{id}/test-event`: the service signs a payload with the webhook's current
 * secret exactly as its sender would (shared/signatures/sign.ts) and hands the request to the
 * ingress in-process, answering with what the ingress answered. A test event is a real event: it
 * is recorded, dispatched and counted like any other, so a developer sees the whole path work.
 *
 * Trust boundary: the secret is unsealed here only to sign; neither it nor the signed headers are
 * returned, logged or audited — the response carries the ingress's status and body alone.
 */
import { createFactory } from 'hono/factory';
import * as v from 'valibot';
import { ProblemError } from '../http/problem';
import { decryptSecret } from '../secrets/keyring';
import { isActiveAt, parseStoredSecrets } from '../secrets/stored-secret';
import { signRequest } from '../signatures/sign';
import { clockOf, pathParam, type ControlDeps, type ControlEnv } from './context';
import { WEBHOOK, findOwned } from './owned';
import { JsonObjectSchema } from './payload-schema';
import { ControlRoutes } from './route-doc';
import { exampleOf } from '../schema/example';
import { jsonBody } from './validation';
import { parseAuth, runtimeOrigin } from './webhook-view';

export const TestEventBody = v.strictObject({
  payload: v.optional(JsonObjectSchema),
});

const factory = createFactory<ControlEnv>();

function testEvent(deps: ControlDeps) {
  return factory.createHandlers(jsonBody(TestEventBody), async (c) => {
    const { db, caller } = c.var;
    const row = await findOwned(db, caller, WEBHOOK, pathParam(c, 'id'));
    const auth = parseAuth(row);
    const now = clockOf(deps)();
    let secret: string | null = null;
    if (auth.method !== 'none') {
      // Newest first: the secret the sender signs with after the last rotation.
      const current = parseStoredSecrets(row.secrets).find((s) => isActiveAt(s, now));
      if (current === undefined) {
        throw new ProblemError('conflict', `This webhook has no secret yet: its sender issues it. Add it with POST /v1/webhooks/${row.id}/rotate-secret {"secret": "…"}, then send the test event again.`);
      }
      secret = await decryptSecret(await c.var.dataKey(), row.id, current.id, current.ciphertext);
    }
    const ingress = deps.ingress;
    if (ingress === undefined) throw new Error('the control app was built without the ingress');

    const payload = c.req.valid('json').payload ?? exampleOf(JSON.parse(row.schema));
    const url = `${runtimeOrigin(c.req.url, c.env, caller.orgSlug)}/webhooks/${row.slug}`;
    const signed = await signRequest({ auth, secret, url, body: JSON.stringify(payload), now });
    const answer = await ingress.fetch(new Request(signed.url, { method: signed.method, headers: signed.headers, body: signed.body }), c.env, c.executionCtx);
    const text = await answer.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // A handshake reply or other non-JSON answer is passed on as text.
    }
    return c.json({ status: answer.status, body });
  });
}

export function testEventRoutes(deps: ControlDeps): ControlRoutes {
  return new ControlRoutes().route(
    {
      method: 'post',
      path: '/v1/webhooks/:id/test-event',
      summary: 'Sign `payload` (default: an example built from the schema) with the current secret as the sender would, and post it through the ingress',
      body: TestEventBody,
      responses: {
        200: "`{ status, body }`: the ingress's answer (202 with `event_id`, or its problem)",
        400: 'Invalid fields',
        404: 'No such webhook in this project',
        409: 'The webhook has no secret yet (its sender issues it: add it with rotate-secret)',
      },
      audit: { action: 'webhook.test_event', resource: { param: 'id' } },
    },
    ...testEvent(deps),
  );
}
