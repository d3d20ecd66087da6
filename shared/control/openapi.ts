/**
 * GET /v1/openapi.json, built from the docs each route is registered with (./route-doc.ts). Request
 * bodies and query parameters are converted from the very valibot schemas the validators run
 * (`@valibot/to-json-schema`), so the document cannot drift from what the API checks; a test
 * asserts that every route the app registers is documented.
 */
import { toJsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import { PROBLEMS } from '../http/problem';
import { JsonObjectSchema } from './payload-schema';
import type { RouteDoc } from './route-doc';

type JsonObject = Record<string, unknown>;

/** JSON Schema of the input a valibot schema accepts (transforms are documented by their input). */
function schemaOf(schema: v.GenericSchema): JsonObject {
  const converted = toJsonSchema(schema, {
    errorMode: 'ignore',
    typeMode: 'input',
    overrideSchema: (context) => (context.valibotSchema === JsonObjectSchema ? { type: 'object' } : undefined),
  }) as JsonObject;
  const { $schema: _dialect, ...rest } = converted;
  return rest;
}

/** `/v1/webhooks/:id` → `/v1/webhooks/{id}` */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

function queryParameters(query: v.GenericSchema): JsonObject[] {
  const schema = schemaOf(query);
  const properties = (schema.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({ name, in: 'query', required: required.has(name), schema: property }));
}

function operation(doc: RouteDoc): JsonObject {
  const pathParams = [...doc.path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  const parameters = [...pathParams, ...(doc.query === undefined ? [] : queryParameters(doc.query))];
  const responses: JsonObject = {};
  for (const [status, description] of Object.entries(doc.responses)) {
    const code = Number(status);
    responses[status] =
      code === 204
        ? { description }
        : { description, content: { [code >= 400 ? 'application/problem+json' : 'application/json']: { schema: code >= 400 ? { $ref: '#/components/schemas/Problem' } : { type: 'object' } } } };
  }
  if (doc.auth !== false) responses['401'] = { description: 'Missing or invalid API token', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
  return {
    summary: doc.summary,
    ...(doc.audit === undefined ? {} : { description: `Recorded in the audit log (GET /v1/audit) as \`${doc.audit.action}\`, whatever the outcome.` }),
    operationId: `${doc.method}${doc.path.replace(/^\/v1/, '').replace(/[/:]+([a-z])/g, (_m, ch: string) => ch.toUpperCase()).replace(/[^A-Za-z0-9]/g, '')}`,
    ...(doc.auth === false ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(doc.body === undefined ? {} : { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(doc.body) } } } }),
    responses,
  };
}

export function openApiDocument(docs: readonly RouteDoc[], serverUrl: string): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const doc of docs) {
    const path = openApiPath(doc.path);
    paths[path] = { ...(paths[path] ?? {}), [doc.method]: operation(doc) };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'HASP inbound webhooks: control API', version: '1' },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A project API token: `Authorization: Bearer hasp_…`' } },
      schemas: {
        Problem: {
          type: 'object',
          description: 'RFC 9457 problem details; `errors` names each bad field by JSON Pointer.',
          properties: {
            type: { type: 'string', format: 'uri' },
            code: { type: 'string', enum: Object.keys(PROBLEMS) },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } }, required: ['path', 'message'] } },
          },
          required: ['type', 'code', 'title', 'status', 'detail'],
        },
      },
    },
  };
}
