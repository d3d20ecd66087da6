/**
 * The controls, for tests and `npm run dev` only, under /__fake: what happens behind the API's back
 * (a customer's DNS, a dashboard delete, an outage) and what the API received. No auth; plain JSON
 * bodies and answers, not Cloudflare's envelope; none of these requests is counted as an API call.
 *
 *   POST   /__fake/zones/:zone_id/faults     {kind: 'rate_limited', retry_after_seconds, times?}
 *                                            {kind: 'unavailable', status?: 500 | 502 | 503, times?}
 *                                            the next `times` (default 1) API requests meet the fault
 *   DELETE /__fake/zones/:zone_id/faults     drops every queued fault
 *   POST   /__fake/zones/:zone_id/quota      {allocated?, hard_cap?} (null: back to the default) → the quota
 *   POST   /__fake/zones/:zone_id/hostnames/:hostname
 *                                            {dns?: 'points_here' | 'missing', status?, ssl_status?,
 *                                             verification_errors?: string[], validation_errors?: string[]}
 *                                            → {hostname, dns, state}; `dns` may precede the create
 *   DELETE /__fake/zones/:zone_id/hostnames/:hostname   deletes it as the dashboard would
 *   GET    /__fake/zones/:zone_id/calls      → {total, by_route: {"POST custom_hostnames": n, …}}
 *   GET    /__fake/zones/:zone_id/hostnames  → {hostnames: [{…stored record, view}]}, reading none
 */
import type { CustomHostname } from 'cloudflare/resources/custom-hostnames/custom-hostnames';
import { Hono } from 'hono';
import * as v from 'valibot';
import { checksToActive, zoneObject, type FakeEnv } from './config';
import type { CertificateStatus, HostnameStatus } from './hostname-record';
import { normalHostname } from './hostname-rules';
import { describeHostname } from './lifecycle';

const HOSTNAME_STATUSES = [
  'active',
  'pending',
  'active_redeploying',
  'moved',
  'pending_deletion',
  'deleted',
  'pending_blocked',
  'pending_migration',
  'pending_provisioned',
  'test_pending',
  'test_active',
  'test_active_apex',
  'test_blocked',
  'test_failed',
  'provisioned',
  'blocked',
] as const satisfies readonly HostnameStatus[];

const CERTIFICATE_STATUSES = [
  'initializing',
  'pending_validation',
  'deleted',
  'pending_issuance',
  'pending_deployment',
  'pending_deletion',
  'pending_expiration',
  'expired',
  'active',
  'initializing_timed_out',
  'validation_timed_out',
  'issuance_timed_out',
  'deployment_timed_out',
  'deletion_timed_out',
  'pending_cleanup',
  'staging_deployment',
  'staging_active',
  'deactivating',
  'inactive',
  'backup_issued',
  'holding_deployment',
] as const satisfies readonly CertificateStatus[];

const WholeNumber = v.pipe(v.number(), v.integer(), v.minValue(0));
const Times = v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 1);

const FaultBody = v.variant('kind', [
  v.strictObject({ kind: v.literal('rate_limited'), retry_after_seconds: WholeNumber, times: Times }),
  v.strictObject({ kind: v.literal('unavailable'), status: v.optional(v.picklist([500, 502, 503]), 500), times: Times }),
]);

const QuotaBody = v.strictObject({ allocated: v.optional(v.nullable(WholeNumber)), hard_cap: v.optional(v.nullable(WholeNumber)) });

const HostnameBody = v.strictObject({
  dns: v.optional(v.picklist(['points_here', 'missing'])),
  status: v.optional(v.picklist(HOSTNAME_STATUSES)),
  ssl_status: v.optional(v.picklist(CERTIFICATE_STATUSES)),
  verification_errors: v.optional(v.array(v.string())),
  validation_errors: v.optional(v.array(v.string())),
});

export const control = new Hono<{ Bindings: FakeEnv }>();

control.post('/zones/:zone_id/faults', async (c) => {
  const body = v.safeParse(FaultBody, await jsonBody(c.req.raw));
  if (!body.success) return c.json({ error: v.summarize(body.issues) }, 400);
  const { times, ...fault } = body.output;
  await zoneObject(c.env, c.req.param('zone_id')).addFault(fault, times);
  return c.json({ queued: fault, times });
});

control.delete('/zones/:zone_id/faults', async (c) => {
  await zoneObject(c.env, c.req.param('zone_id')).clearFaults();
  return c.json({ cleared: true });
});

control.post('/zones/:zone_id/quota', async (c) => {
  const body = v.safeParse(QuotaBody, await jsonBody(c.req.raw));
  if (!body.success) return c.json({ error: v.summarize(body.issues) }, 400);
  return c.json(await zoneObject(c.env, c.req.param('zone_id')).setQuota(body.output));
});

control.post('/zones/:zone_id/hostnames/:hostname', async (c) => {
  const body = v.safeParse(HostnameBody, await jsonBody(c.req.raw));
  if (!body.success) return c.json({ error: v.summarize(body.issues) }, 400);
  const zoneId = c.req.param('zone_id');
  const hostname = normalHostname(c.req.param('hostname'));
  const changed = await zoneObject(c.env, zoneId).control(hostname, body.output);
  if (!changed) return c.json({ error: `zone ${zoneId} has no custom hostname ${hostname} to force a state on` }, 404);
  const state = changed.record ? describeHostname(changed.record, checksToActive(c.env)) : null;
  return c.json({ hostname: changed.hostname, dns: changed.dns, state });
});

control.delete('/zones/:zone_id/hostnames/:hostname', async (c) => {
  const zoneId = c.req.param('zone_id');
  const hostname = normalHostname(c.req.param('hostname'));
  if (!(await zoneObject(c.env, zoneId).removeHostname(hostname))) return c.json({ error: `zone ${zoneId} has no custom hostname ${hostname}` }, 404);
  return c.json({ deleted: hostname });
});

control.get('/zones/:zone_id/calls', async (c) => c.json(await zoneObject(c.env, c.req.param('zone_id')).calls()));

control.get('/zones/:zone_id/hostnames', async (c) => {
  const checks = checksToActive(c.env);
  const records = await zoneObject(c.env, c.req.param('zone_id')).all();
  const hostnames = records.map((record) => ({ ...record, view: describeHostname(record, checks) satisfies CustomHostname }));
  return c.json({ hostnames });
});

async function jsonBody(request: Request): Promise<unknown> {
  try {
    return JSON.parse(await request.text()) as unknown;
  } catch {
    return undefined;
  }
}
