/** `POST /v1/schemas/infer`: merged samples, formats, and its errors. */
import { describe, expect, it } from 'vitest';
import { createProject } from '../helpers/fixtures';
import { api, apiProblem, errorPaths } from '../helpers/control-api';

interface Inferred {
  schema: { type: string; properties: Record<string, Record<string, unknown>>; required?: string[] };
  samples: number;
}

describe('POST /v1/schemas/infer', () => {
  it('merges samples: missing fields optional, null nullable, array items merged, formats detected', async () => {
    const project = await createProject();
    const response = await api<Inferred>(project.token, 'POST', '/v1/schemas/infer', {
      samples: [
        { id: 'a1', at: '2026-11-26T12:00:00Z', email: 'a@example.com', note: 'x', items: [{ sku: 'A', qty: 1 }] },
        { id: 'a2', at: '2026-11-27T08:30:00Z', email: 'b@example.com', note: null, items: [{ sku: 'B' }] },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.body.samples).toBe(2);
    const { schema } = response.body;
    expect(schema.required).toEqual(['id', 'at', 'email', 'note', 'items']);
    expect(schema.properties.at).toMatchObject({ type: 'string', format: 'date-time' });
    expect(schema.properties.email).toMatchObject({ format: 'email' });
    expect(schema.properties.note?.type).toEqual(['string', 'null']);
    expect(schema.properties.items).toMatchObject({ type: 'array', items: { type: 'object', required: ['sku'] } });
  });

  it('accepts a single sample_payload', async () => {
    const project = await createProject();
    const response = await api<Inferred>(project.token, 'POST', '/v1/schemas/infer', { sample_payload: { id: 'evt_1', created: 1700000000 } });
    expect(response.status).toBe(200);
    expect(response.body.schema.properties.created).toEqual({ type: 'integer' });
  });

  it('answers 400 for no samples, a non-object sample, both fields or an unknown field', async () => {
    const project = await createProject();
    const none = await apiProblem(project.token, 'POST', '/v1/schemas/infer', {});
    expect(errorPaths(none.body)).toEqual(['/samples']);
    const empty = await apiProblem(project.token, 'POST', '/v1/schemas/infer', { samples: [] });
    expect(errorPaths(empty.body)).toEqual(['/samples']);
    const scalar = await apiProblem(project.token, 'POST', '/v1/schemas/infer', { samples: [{ ok: 1 }, 'text', [1]] });
    expect(errorPaths(scalar.body)).toEqual(['/samples/1', '/samples/2']);
    const both = await apiProblem(project.token, 'POST', '/v1/schemas/infer', { samples: [{}], sample_payload: {} });
    expect(errorPaths(both.body)).toEqual(['/sample_payload']);
    const unknown = await apiProblem(project.token, 'POST', '/v1/schemas/infer', { sample: {} });
    expect(errorPaths(unknown.body)).toEqual(['/sample']);
  });
});
