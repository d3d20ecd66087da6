/**
 * The payload-schema module: what the ingress, the control API and fan-out import.
 *
 * `compileValidator` is bound to the valibot implementation: both pass the same suite
 * (test/schema/validate.test.ts), and valibot validated 4.5x to 12x faster in every case of
 * `node bench/schema.bench.mjs` (Node 20.20, mitata, shared AMD EPYC; mean time per validate()):
 *   seed payload, valid            valibot 0.71 µs   cfworker 7.16 µs   (10.1x)
 *   seed payload, 3 errors         valibot 2.82 µs   cfworker 35.6 µs   (12.6x)
 *   64 KB FHIR Bundle, valid       valibot 0.71 ms   cfworker 4.21 ms   (6.0x)
 *   64 KB FHIR Bundle, 9 errors    valibot 1.26 ms   cfworker 5.72 ms   (4.5x)
 * cfworker compiles ~3x faster (45 µs vs 132 µs for the FHIR schema), but compiling happens once
 * per webhook per isolate while validation happens on every request.
 */
export { compileValidator } from './validate';
export type { SchemaMismatch, ValidationResult, Validator } from './validator';
export { checkEnforceable, SCHEMA_LIMITS, type JsonSchema, type JsonType, type SchemaProblem } from './json-schema';
export { inferSchema, SchemaInferenceError } from './infer';
export { classifyTrigger, checkSchemaChange, type BrokenDependent, type Dependent, type TriggerClass, type UnmetField } from './compat';
export { applyMapping } from './mapping';
