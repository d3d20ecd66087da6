import { describe, expect, it } from 'vitest';
import fhirPatient from '../fixtures/payloads/fhir-patient.json';
import githubPush from '../fixtures/payloads/github-push.json';
import seedSample from '../fixtures/payloads/ehr-chart-updated.json';
import stripeInvoicePaid from '../fixtures/payloads/stripe-invoice-paid.json';
import { inferSchema, SchemaInferenceError } from '../../shared/schema/infer';
import { get } from '../../shared/schema/json-pointer';
import { checkEnforceable, SCHEMA_LIMITS } from '../../shared/schema/json-schema';
import { compileValidator } from '../../shared/schema/validate';

const DIALECT = 'https://json-schema.org/draft/2020-12/schema';

describe('inferSchema', () => {
  it('infers the seed schema with every field required and objects left open', () => {
    expect(inferSchema([seedSample])).toEqual({
      $schema: DIALECT,
      type: 'object',
      properties: {
        patient_id: { type: 'string' },
        event: { type: 'string' },
        updated_fields: { type: 'array', items: { type: 'string' } },
      },
      required: ['patient_id', 'event', 'updated_fields'],
    });
  });

  it.each([
    ['a Stripe invoice.paid event', stripeInvoicePaid],
    ['a GitHub push event', githubPush],
    ['a FHIR R4 Patient', fhirPatient],
    ['the seed chart update', seedSample],
  ])('infers from %s a schema the edge enforces and the sample passes', (_name, sample) => {
    const schema = inferSchema([sample]);
    expect(checkEnforceable(schema).ok).toBe(true);
    expect(compileValidator(schema).validate(sample)).toEqual({ ok: true });
  });

  it('describes the Stripe event: integers, nullable unknowns, nested line items and uri formats', () => {
    const schema = inferSchema([stripeInvoicePaid]);
    expect(get(schema, '/properties/created')).toEqual({ type: 'integer' });
    expect(get(schema, '/properties/request/properties/id')).toEqual({ type: 'null' });
    expect(get(schema, '/properties/data/properties/object/properties/hosted_invoice_url')).toEqual({ type: 'string', format: 'uri' });
    expect(get(schema, '/properties/data/properties/object/properties/customer_email')).toEqual({ type: 'string', format: 'email' });
    // The second line item has a field the first lacks: merged items make it optional.
    const item = get(schema, '/properties/data/properties/object/properties/lines/properties/data/items');
    expect(get(item, '/required')).not.toContain('unit_amount_decimal');
    expect(get(item, '/properties/unit_amount_decimal')).toEqual({ type: 'string' });
    expect(get(item, '/properties/metadata/properties/meter')).toEqual({ type: 'string' });
    expect(get(schema, '/properties/data/properties/object/properties/discounts')).toEqual({ type: 'array' });
  });

  it('describes the GitHub push: date-time timestamps, optional commit author usernames', () => {
    const schema = inferSchema([githubPush]);
    const commit = get(schema, '/properties/commits/items');
    expect(get(commit, '/properties/timestamp')).toEqual({ type: 'string', format: 'date-time' });
    expect(get(commit, '/properties/author/required')).toEqual(['name', 'email']);
    expect(get(schema, '/properties/repository/properties/owner/properties/email')).toEqual({ type: 'null' });
    // created_at is an integer and updated_at a string in real push payloads; both are kept as seen.
    expect(get(schema, '/properties/repository/properties/created_at')).toEqual({ type: 'integer' });
  });

  it('describes the FHIR Patient: dates, optional fields across array items, and a field named with an underscore', () => {
    const schema = inferSchema([fhirPatient]);
    expect(get(schema, '/properties/birthDate')).toEqual({ type: 'string', format: 'date' });
    const name = get(schema, '/properties/name/items');
    expect(get(name, '/required')).toEqual(['use', 'given']);
    const telecom = get(schema, '/properties/telecom/items');
    expect(get(telecom, '/required')).toEqual(['use']);
    expect(get(schema, '/properties/_birthDate/properties/extension/items/properties/valueDateTime/format')).toBe('date-time');
    expect(get(schema, '/properties/identifier/items/properties/system/format')).toBe('uri');
  });

  it('makes a field missing from some samples optional', () => {
    const schema = inferSchema([{ a: 1, b: 'x' }, { a: 2 }]);
    expect(schema.required).toEqual(['a']);
    expect(schema.properties?.b).toEqual({ type: 'string' });
  });

  it('makes a field that is null in any sample nullable', () => {
    const schema = inferSchema([{ note: 'x' }, { note: null }]);
    expect(schema.properties?.note).toEqual({ type: ['string', 'null'] });
    expect(schema.required).toEqual(['note']);
  });

  it('merges integers and fractions into number', () => {
    expect(inferSchema([{ n: 1 }, { n: 1.5 }]).properties?.n).toEqual({ type: 'number' });
    expect(inferSchema([{ n: [1, 2.5, 3] }]).properties?.n).toEqual({ type: 'array', items: { type: 'number' } });
  });

  it('lists conflicting types as a type array', () => {
    expect(inferSchema([{ id: 'a' }, { id: 7 }, { id: true }]).properties?.id).toEqual({ type: ['string', 'integer', 'boolean'] });
  });

  it('merges the items of arrays of objects across arrays and samples', () => {
    const schema = inferSchema([{ list: [{ a: 1, b: 'x' }] }, { list: [{ a: 2 }, { a: 3, c: null }] }]);
    expect(schema.properties?.list).toEqual({
      type: 'array',
      items: { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'string' }, c: { type: 'null' } }, required: ['a'] },
    });
  });

  it('keeps a format only when every sample matches it', () => {
    const both = inferSchema([{ at: '2026-11-26T12:00:00Z', id: '123e4567-e89b-12d3-a456-426614174000', to: 'a@example.com', day: '2026-11-26', link: 'https://x.example/a' }]);
    expect(both.properties).toEqual({
      at: { type: 'string', format: 'date-time' },
      id: { type: 'string', format: 'uuid' },
      to: { type: 'string', format: 'email' },
      day: { type: 'string', format: 'date' },
      link: { type: 'string', format: 'uri' },
    });
    const mixed = inferSchema([{ at: '2026-11-26T12:00:00Z' }, { at: 'yesterday' }]);
    expect(mixed.properties?.at).toEqual({ type: 'string' });
  });

  it('does not treat a date or an empty string as a date-time', () => {
    expect(inferSchema([{ at: '2026-11-26' }, { at: '2026-11-26T12:00:00Z' }]).properties?.at).toEqual({ type: 'string' });
    expect(inferSchema([{ s: '' }]).properties?.s).toEqual({ type: 'string' });
  });

  it('keeps a sample field named __proto__ as a property', () => {
    const sample: unknown = JSON.parse('{"__proto__": {"x": 1}}');
    const schema = inferSchema([sample]);
    expect(Object.hasOwn(schema.properties ?? {}, '__proto__')).toBe(true);
    expect(checkEnforceable(schema).ok).toBe(true);
  });

  it('accepts anything below the depth limit instead of failing', () => {
    let sample: unknown = 'leaf';
    for (let i = 0; i < SCHEMA_LIMITS.MAX_DEPTH + 10; i++) sample = { x: sample };
    const schema = inferSchema([sample]);
    expect(checkEnforceable(schema).ok).toBe(true);
    expect(compileValidator(schema).validate(sample)).toEqual({ ok: true });
  });

  it('refuses no samples, non-object samples and samples too large to enforce', () => {
    expect(() => inferSchema([])).toThrow(SchemaInferenceError);
    expect(() => inferSchema([[1, 2]])).toThrow('Sample 0 is not a JSON object');
    expect(() => inferSchema(['x'])).toThrow(SchemaInferenceError);
    const wide = Object.fromEntries(Array.from({ length: SCHEMA_LIMITS.MAX_NODES + 1 }, (_, i) => [`f${i}`, i]));
    expect(() => inferSchema([wide])).toThrow('cannot enforce');
  });
});
