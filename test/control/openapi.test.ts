/** `GET /v1/openapi.json`: generated from the validating schemas; every registered route appears. */
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createControlApp } from '../../shared/control/app';
import { openApiPath } from '../../shared/control/openapi';
import { WebhookResolver } from '../../shared/ingress/webhook-resolver';
import { masterKeyFor } from '../../shared/secrets/master-key';

interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, { requestBody?: { content: { 'application/json': { schema: Record<string, unknown> } } }; parameters?: { name: string; in: string }[] }>>;
}

async function document(): Promise<OpenApi> {
  const response = await SELF.fetch('https://api.usehasp.run/v1/openapi.json');
  expect(response.status).toBe(200);
  return response.json<OpenApi>();
}

describe('GET /v1/openapi.json', () => {
  it('documents every route the control app registers, without a token', async () => {
    const doc = await document();
    expect(doc.openapi).toBe('3.1.0');
    const app = createControlApp({ resolver: new WebhookResolver(), masterKey: masterKeyFor });
    const registered = app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`);
    expect(registered.length).toBeGreaterThan(20);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`));
    expect(documented.sort()).toEqual([...new Set(registered)].sort());
  });

  it('describes request bodies from the schemas that validate them', async () => {
    const doc = await document();
    const create = doc.paths['/v1/webhooks']?.post?.requestBody?.content['application/json'].schema;
    expect(create).toMatchObject({ type: 'object', additionalProperties: false });
    const properties = (create?.properties ?? {}) as Record<string, Record<string, unknown>>;
    expect(Object.keys(properties).sort()).toEqual(
      ['auth', 'body_limit_bytes', 'description', 'enabled', 'health_thresholds', 'ip_allowlist', 'metadata_retention_days', 'name', 'payload_retention_days', 'rate_limit', 'sample_payload', 'schema', 'secret', 'slug'].sort(),
    );
    expect(properties.payload_retention_days).toMatchObject({ type: 'integer', minimum: 1, maximum: 90 });
    expect(properties.slug).toMatchObject({ type: 'string', pattern: expect.any(String) });
    expect(properties.schema).toEqual({ type: 'object' });
    expect(JSON.stringify(properties.auth)).toContain('"preset"');
    const rotate = doc.paths['/v1/webhooks/{id}/rotate-secret']?.post?.requestBody?.content['application/json'].schema;
    expect(rotate?.properties).toMatchObject({ overlap_seconds: { type: 'integer', minimum: 0 } });
    const events = doc.paths['/v1/events']?.get?.parameters?.map((p) => `${p.in}:${p.name}`);
    expect(events).toEqual(['query:webhook_id', 'query:status', 'query:limit', 'query:cursor']);
    const event = doc.paths['/v1/events/{id}']?.get?.parameters?.map((p) => `${p.in}:${p.name}`);
    expect(event).toEqual(['path:id', 'query:include']);
    const audit = doc.paths['/v1/audit']?.get?.parameters?.map((p) => `${p.in}:${p.name}`);
    expect(audit).toEqual(['query:limit', 'query:cursor']);
  });

  it('names the audit action of every change', async () => {
    const doc = await document();
    const operation = (path: string, method: string) => (doc.paths[path] as Record<string, { description?: string }> | undefined)?.[method];
    expect(operation('/v1/webhooks', 'post')?.description).toContain('`webhook.create`');
    expect(operation('/v1/events/{id}/payload', 'delete')?.description).toContain('`event.payload.expunge`');
    expect(operation('/v1/webhooks/{id}', 'get')?.description).toBeUndefined();
  });
});
