/** `POST /v1/schemas/infer`: the JSON Schema the edge would enforce for these sample payloads. */
import { createFactory } from 'hono/factory';
import type { ControlEnv } from './context';
import { inferredSchema } from './payload-schema';
import { ControlRoutes } from './route-doc';
import { InferSchemaBody } from './webhook-requests';
import { invalidRequest, jsonBody } from './validation';

const factory = createFactory<ControlEnv>();

function inferSchema() {
  return factory.createHandlers(jsonBody(InferSchemaBody), (c) => {
    const body = c.req.valid('json');
    if (body.samples !== undefined && body.sample_payload !== undefined) {
      throw invalidRequest([{ path: '/sample_payload', message: 'Give either samples or sample_payload, not both' }]);
    }
    const samples = body.samples ?? body.sample_payload;
    if (samples === undefined) throw invalidRequest([{ path: '/samples', message: 'Give samples: an array of one or more sample payloads' }]);
    const at = body.samples !== undefined ? '/samples' : '/sample_payload';
    const inferred = inferredSchema(samples, at);
    if (!inferred.ok) throw invalidRequest(inferred.errors);
    return c.json({ schema: inferred.schema, samples: Array.isArray(samples) ? samples.length : 1 });
  });
}

export function schemasRoutes(): ControlRoutes {
  return new ControlRoutes().route(
    {
      method: 'post',
      path: '/v1/schemas/infer',
      summary: 'Infer a payload JSON Schema from one or more samples (merged: missing fields optional, null nullable, formats detected)',
      body: InferSchemaBody,
      responses: { 200: '`{ schema, samples }`', 400: 'No samples, or a sample that is not a JSON object' },
    },
    ...inferSchema(),
  );
}
