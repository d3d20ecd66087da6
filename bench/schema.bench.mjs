// Micro-benchmark of the two payload validators behind shared/schema's Validator interface.
// Run: node bench/schema.bench.mjs
import { bench, do_not_optimize, group, run, summary } from 'mitata';
import { bundleModules } from './lib/bundle-modules.mjs';
import { fhirBundleWithInterpretation } from './lib/payloads.mjs';

const { compileValibot, compileCfworker, inferSchema } = await bundleModules('schema-validators', [
  "export { compileValidator as compileValibot } from './shared/schema/validate';",
  "export { compileValidator as compileCfworker } from './bench/schema/validate-cfworker';",
  "export { inferSchema } from './shared/schema/infer';",
]);

// ---- payloads ----------------------------------------------------------------------------------
const seed = { patient_id: 'p1', event: 'chart_updated', updated_fields: ['allergies'] };
const seedInvalid = { patient_id: 7, updated_fields: ['allergies', 3] };

const fhir = fhirBundleWithInterpretation(64 * 1024);
const fhirInvalid = structuredClone(fhir);
// A handful of realistic mistakes spread through the bundle: a string value, a missing status, a bad date.
for (const i of [3, Math.floor(fhirInvalid.entry.length / 2), fhirInvalid.entry.length - 1]) {
  const resource = fhirInvalid.entry[i].resource;
  resource.valueQuantity.value = String(resource.valueQuantity.value);
  delete resource.status;
  resource.effectiveDateTime = '26/11/2026';
}

const seedSchema = inferSchema([seed]);
const fhirSchema = inferSchema([fhir]);
const validators = { valibot: { seed: compileValibot(seedSchema), fhir: compileValibot(fhirSchema) }, cfworker: { seed: compileCfworker(seedSchema), fhir: compileCfworker(fhirSchema) } };

// Both must agree before their speed means anything.
for (const [name, payload, schemaKey] of [['seed', seed, 'seed'], ['seed invalid', seedInvalid, 'seed'], ['fhir', fhir, 'fhir'], ['fhir invalid', fhirInvalid, 'fhir']]) {
  const a = JSON.stringify(validators.valibot[schemaKey].validate(payload));
  const b = JSON.stringify(validators.cfworker[schemaKey].validate(payload));
  if (a !== b) throw new Error(`validators disagree on ${name}:\n${a}\n${b}`);
}
console.log(`FHIR bundle: ${JSON.stringify(fhir).length} bytes, ${fhir.entry.length} Observations; invalid copy has ${validators.valibot.fhir.validate(fhirInvalid).errors.length} errors`);

const cases = [
  ['seed valid', 'seed', seed],
  ['seed invalid', 'seed', seedInvalid],
  ['fhir 64KB valid', 'fhir', fhir],
  ['fhir 64KB invalid', 'fhir', fhirInvalid],
];
for (const [label, schemaKey, payload] of cases) {
  group(label, () => {
    summary(() => {
      bench(`valibot  ${label}`, () => do_not_optimize(validators.valibot[schemaKey].validate(payload)));
      bench(`cfworker ${label}`, () => do_not_optimize(validators.cfworker[schemaKey].validate(payload)));
    });
  });
}
group('compile (once per webhook per isolate)', () => {
  summary(() => {
    bench('valibot  compile fhir schema', () => do_not_optimize(compileValibot(fhirSchema)));
    bench('cfworker compile fhir schema', () => do_not_optimize(compileCfworker(fhirSchema)));
  });
});
await run();
