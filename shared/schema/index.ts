/**
 * The payload-schema module: what the ingress, the control API and fan-out import.
 *
 * `compileValidator` is bound to the valibot implementation. A JSON Schema validator from a
 * library (@cfworker/json-schema) passes the same suite and is kept under bench/ only to be
 * compared with it: `npm run bench` reports both side by side in BENCHMARKS.md ("Schema validation"), where
 * valibot validates several times faster. Compiling happens once per webhook per isolate;
 * validation happens on every request, so validation speed is what decides.
 */
export { compileValidator } from './validate';
export type { SchemaMismatch, ValidationResult, Validator } from './validator';
export { checkEnforceable, SCHEMA_LIMITS, type JsonSchema, type JsonType, type SchemaProblem } from './json-schema';
export { inferSchema, SchemaInferenceError } from './infer';
export { classifyTrigger, checkSchemaChange, type BrokenDependent, type Dependent, type TriggerClass, type UnmetField } from './compat';
export { applyMapping, parseMappingColumn, type Mapping } from './mapping';
