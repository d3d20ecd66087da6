/** `/v1/domains`: enterprise-only custom hostnames, a TXT challenge, and only verified ones route. */
import { createExecutionContext, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createControlApp } from '../../shared/control/app';
import { dohLookup, txtData, type TxtLookup } from '../../shared/control/domain-verification';
import { WebhookResolver } from '../../shared/ingress/webhook-resolver';
import { masterKeyFor } from '../../shared/secrets/master-key';
import { CHART_SAMPLE, createProject } from '../helpers/fixtures';
import { api, apiProblem, createWebhookViaApi, errorPaths } from '../helpers/control-api';
import { postSigned } from '../helpers/send';

interface Domain {
  hostname: string;
  status: 'pending' | 'verified';
  verified_at: string | null;
  verification: { type: 'TXT'; name: string; value: string };
  method?: string;
}

describe('POST /v1/domains', () => {
  it('adds a pending hostname with a TXT challenge; it routes only once verified', async () => {
    const project = await createProject({ plan: 'enterprise' });
    const hook = await createWebhookViaApi(project.token, { name: 'custom', sample_payload: CHART_SAMPLE });
    const hostname = `API.${project.orgSlug}-health.example`;
    const created = await api<Domain>(project.token, 'POST', '/v1/domains', { hostname });
    expect(created.status).toBe(201);
    const lower = hostname.toLowerCase();
    expect(created.body).toMatchObject({ hostname: lower, status: 'pending', verified_at: null });
    expect(created.body.verification.name).toBe(`_hasp-challenge.${lower}`);
    expect(created.body.verification.value).toMatch(/^hasp-verify=[0-9a-f]{40}$/);

    const customUrl = `https://${lower}/webhooks/${hook.slug}`;
    expect((await postSigned(customUrl, hook.secret ?? '', CHART_SAMPLE)).status).toBe(404);

    const verified = await api<Domain>(project.token, 'POST', `/v1/domains/${lower}/verify`);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ status: 'verified', method: 'offline' });
    expect((await postSigned(customUrl, hook.secret ?? '', CHART_SAMPLE)).status).toBe(202);

    const list = await api<{ data: Domain[] }>(project.token, 'GET', '/v1/domains');
    expect(list.body.data.map((d) => [d.hostname, d.status])).toEqual([[lower, 'verified']]);
    expect((await api<Domain>(project.token, 'GET', `/v1/domains/${lower}`)).body.status).toBe('verified');

    expect((await api(project.token, 'DELETE', `/v1/domains/${lower}`)).status).toBe(204);
    expect((await postSigned(customUrl, hook.secret ?? '', CHART_SAMPLE)).status).toBe(404);
    expect((await apiProblem(project.token, 'GET', `/v1/domains/${lower}`)).status).toBe(404);
  });

  it('answers 403 for an org that is not enterprise', async () => {
    const project = await createProject({ plan: 'team' });
    const refused = await apiProblem(project.token, 'POST', '/v1/domains', { hostname: `hooks.${project.orgSlug}.example` });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('forbidden');
  });

  it('answers 400 for a malformed or HASP hostname and 409 for one already registered', async () => {
    const project = await createProject({ plan: 'enterprise' });
    const malformed = await apiProblem(project.token, 'POST', '/v1/domains', { hostname: 'https://x.example/path' });
    expect(errorPaths(malformed.body)).toEqual(['/hostname']);
    const ip = await apiProblem(project.token, 'POST', '/v1/domains', { hostname: '10.0.0.1' });
    expect(errorPaths(ip.body)).toEqual(['/hostname']);
    const ours = await apiProblem(project.token, 'POST', '/v1/domains', { hostname: `evil.usehasp.run` });
    expect(errorPaths(ours.body)).toEqual(['/hostname']);
    const hostname = `taken.${project.orgSlug}.example`;
    await api(project.token, 'POST', '/v1/domains', { hostname });
    const other = await createProject({ plan: 'enterprise' });
    const clash = await apiProblem(other.token, 'POST', '/v1/domains', { hostname });
    expect(clash.status).toBe(409);
    expect(errorPaths(clash.body)).toEqual(['/hostname']);
  });
});

describe('POST /v1/domains/{hostname}/verify over DNS', () => {
  /** The control app as production builds it, with DNS answered by `lookup` instead of the network. */
  async function verifyWithDns(token: string, hostname: string, lookup: TxtLookup): Promise<Response> {
    const app = createControlApp({ resolver: new WebhookResolver(), masterKey: masterKeyFor, lookupTxt: lookup });
    return app.fetch(
      new Request(`https://api.usehasp.run/v1/domains/${hostname}/verify`, { method: 'POST', headers: { authorization: `Bearer ${token}` } }),
      { ...env, DOMAIN_VERIFICATION: 'dns' },
      createExecutionContext(),
    );
  }

  it('verifies when the TXT record holds the token, and refuses with 422 naming the record otherwise', async () => {
    const project = await createProject({ plan: 'enterprise' });
    const hostname = `dns.${project.orgSlug}.example`;
    const created = await api<Domain>(project.token, 'POST', '/v1/domains', { hostname });
    const { name, value } = created.body.verification;

    const absent = await verifyWithDns(project.token, hostname, async () => ['v=spf1 -all']);
    expect(absent.status).toBe(422);
    const problem = await absent.json<{ code: string; verification: { name: string; value: string } }>();
    expect(problem.code).toBe('verification-failed');
    expect(problem.verification).toEqual({ type: 'TXT', name, value });

    const failed = await verifyWithDns(project.token, hostname, async () => null);
    expect(failed.status).toBe(422);

    const asked: string[] = [];
    const ok = await verifyWithDns(project.token, hostname, async (n) => {
      asked.push(n);
      return [value];
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: 'verified', method: 'dns' });
    expect(asked).toEqual([name]);
  });

  it('reads TXT answers from the DNS-over-HTTPS JSON format', async () => {
    const fetcher = async (input: RequestInfo | URL): Promise<Response> => {
      expect(String(input)).toContain('name=_hasp-challenge.x.example&type=TXT');
      return Response.json({ Status: 0, Answer: [{ type: 16, data: '"hasp-verify=ab" "cd"' }, { type: 5, data: 'alias.' }] });
    };
    expect(await dohLookup(fetcher as typeof fetch)('_hasp-challenge.x.example')).toEqual(['hasp-verify=abcd']);
    const nx = async (): Promise<Response> => Response.json({ Status: 3 });
    expect(await dohLookup(nx as typeof fetch)('x')).toEqual([]);
    const servfail = async (): Promise<Response> => Response.json({ Status: 2 });
    expect(await dohLookup(servfail as typeof fetch)('x')).toBeNull();
    expect(txtData('plain')).toBe('plain');
  });

  it('answers 404 for a hostname not in the project', async () => {
    const project = await createProject({ plan: 'enterprise' });
    expect((await apiProblem(project.token, 'POST', '/v1/domains/nope.example/verify')).status).toBe(404);
    expect((await apiProblem(project.token, 'DELETE', '/v1/domains/nope.example')).status).toBe(404);
  });
});
