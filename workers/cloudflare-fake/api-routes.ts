/**
 * The API the service calls: `/client/v4/zones/:zone_id/custom_hostnames…`, as the `cloudflare` SDK
 * reaches it with `baseURL: 'https://api.cloudflare.com/client/v4'`. Every request to a zone is
 * counted, authenticated and may meet a queued fault before it is answered; success statuses are
 * the documented ones (201 create, 202 edit, 200 otherwise), errors come from ./api-errors.ts.
 */
import { Hono, type Context } from 'hono';
import { apiFailure, jsonResponse, type ApiErrorName } from './api-errors';
import { checksToActive, zoneObject, type FakeEnv } from './config';
import type { FakeZone } from './fake-zone';
import { faultResponse } from './faults';
import { describeHostname } from './lifecycle';
import { pageOf, parseListQuery } from './list-query';
import { parseCreate, parseEdit } from './request-bodies';
import { createdBody, deletedBody, editedBody, hostnameBody, listBody, quotaBody } from './responses';

type ApiContext = Context<{ Bindings: FakeEnv; Variables: { zone: DurableObjectStub<FakeZone> } }>;

const ZONE = '/client/v4/zones/:zone_id';
const HOSTNAMES = `${ZONE}/custom_hostnames`;
// Custom hostname ids are UUIDs (36 characters in the API reference); anything else is 1435.
const HOSTNAME_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const api = new Hono<{ Bindings: FakeEnv; Variables: { zone: DurableObjectStub<FakeZone> } }>();

api.use(`${ZONE}/*`, async (c, next) => {
  const zone = zoneObject(c.env, c.req.param('zone_id'));
  const auth = authorization(c.req.header('authorization'));
  const fault = await zone.admit(routeOf(c.req.method, c.req.path), auth === 'ok');
  if (auth !== 'ok') return apiFailure(auth);
  if (fault) return faultResponse(fault);
  c.set('zone', zone);
  await next();
});

api.post(HOSTNAMES, async (c) => {
  const parsed = parseCreate(await jsonBody(c));
  if (!parsed.ok) return refusal(parsed.refusal);
  const outcome = await c.var.zone.create(parsed.value);
  if (!outcome.ok) return apiFailure(outcome.error);
  return jsonResponse(createdBody(describeHostname(outcome.record, checksToActive(c.env))), 201);
});

api.get(HOSTNAMES, async (c) => {
  const query = parseListQuery(new URL(c.req.url).searchParams);
  if (!query.ok) return apiFailure(query.refusal.error);
  const checks = checksToActive(c.env);
  const records = await c.var.zone.find(query.value.filter);
  return jsonResponse(listBody(pageOf(records.map((record) => describeHostname(record, checks)), query.value)), 200);
});

// Before `/:id`, which would otherwise take "quota" for an id.
api.get(`${HOSTNAMES}/quota`, async (c) => jsonResponse(quotaBody(await c.var.zone.quota()), 200));

api.get(`${HOSTNAMES}/:id`, async (c) => {
  const id = c.req.param('id');
  if (!HOSTNAME_ID.test(id)) return apiFailure('invalid_id');
  const record = await c.var.zone.read(id);
  if (!record) return apiFailure('not_found');
  return jsonResponse(hostnameBody(describeHostname(record, checksToActive(c.env))), 200);
});

api.patch(`${HOSTNAMES}/:id`, async (c) => {
  const id = c.req.param('id');
  if (!HOSTNAME_ID.test(id)) return apiFailure('invalid_id');
  const parsed = parseEdit(await jsonBody(c));
  if (!parsed.ok) return refusal(parsed.refusal);
  const record = await c.var.zone.edit(id, parsed.value);
  if (!record) return apiFailure('not_found');
  return jsonResponse(editedBody(describeHostname(record, checksToActive(c.env))), 202);
});

api.delete(`${HOSTNAMES}/:id`, async (c) => {
  const id = c.req.param('id');
  if (!HOSTNAME_ID.test(id)) return apiFailure('invalid_id');
  if (!(await c.var.zone.remove(id))) return apiFailure('not_found');
  return jsonResponse(deletedBody(id), 200);
});

/** Only a bearer token authenticates: the SDK sends `Authorization: Bearer <apiToken>`. Any non-empty token will do. */
function authorization(header: string | undefined): 'ok' | 'missing_auth' | 'malformed_auth' {
  if (header === undefined || header.trim() === '') return 'missing_auth';
  return /^Bearer\s+\S+$/.test(header.trim()) ? 'ok' : 'malformed_auth';
}

/**
 * The route a request counts under in GET /__fake/zones/:zone_id/calls: its method and its path
 * after the zone, ids replaced (`GET custom_hostnames/:id`, `POST custom_hostnames`).
 */
function routeOf(method: string, path: string): string {
  const parts = path.split('/').filter(Boolean).slice(4);
  if (parts[0] === 'custom_hostnames' && parts.length === 2 && parts[1] !== 'quota') parts[1] = ':id';
  return `${method} ${parts.join('/')}`;
}

/** The body as JSON, or undefined when it is not JSON (which the body parsers refuse as 1400). */
async function jsonBody(c: ApiContext): Promise<unknown> {
  try {
    return JSON.parse(await c.req.text()) as unknown;
  } catch {
    return undefined;
  }
}

function refusal(refused: { error: ApiErrorName; detail?: string }): Response {
  return apiFailure(refused.error, { detail: refused.detail });
}
