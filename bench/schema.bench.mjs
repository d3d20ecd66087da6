// Micro-benchmark of the two payload validators behind shared/schema's Validator interface.
// Run: node bench/schema.bench.mjs
// The modules are TypeScript, so they are bundled first with the esbuild already in node_modules
// (no tsx, no ts-node) into bench/.tmp/, which is gitignored.
import { build } from 'esbuild';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bench, do_not_optimize, group, run, summary } from 'mitata';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = fileURLToPath(new URL('./.tmp/schema-validators.mjs', import.meta.url));
await mkdir(fileURLToPath(new URL('./.tmp/', import.meta.url)), { recursive: true });
await build({
  stdin: {
    contents: [
      "export { compileValidator as compileValibot } from './shared/schema/validate';",
      "export { compileValidator as compileCfworker } from './shared/schema/validate-cfworker';",
      "export { inferSchema } from './shared/schema/infer';",
    ].join('\n'),
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  target: 'es2022',
  outfile,
  logLevel: 'warning',
});
const { compileValibot, compileCfworker, inferSchema } = await import(outfile);

// ---- payloads ----------------------------------------------------------------------------------
const seed = { patient_id: 'p1', event: 'chart_updated', updated_fields: ['allergies'] };
const seedInvalid = { patient_id: 7, updated_fields: ['allergies', 3] };

/** A FHIR R4 searchset Bundle of vital-sign Observations, about `targetBytes` of JSON. */
function fhirBundle(targetBytes) {
  const bundle = { resourceType: 'Bundle', id: 'b1', type: 'searchset', total: 0, timestamp: '2026-11-26T12:00:00Z', entry: [] };
  for (let i = 0; JSON.stringify(bundle).length < targetBytes; i++) {
    bundle.entry.push({
      fullUrl: `https://fhir.example.org/Observation/obs-${i}`,
      resource: {
        resourceType: 'Observation',
        id: `obs-${i}`,
        meta: { versionId: '1', lastUpdated: '2026-11-26T12:00:00.000Z' },
        status: 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs', display: 'Vital Signs' }] }],
        code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }], text: 'Heart rate' },
        subject: { reference: `Patient/p${i % 17}` },
        effectiveDateTime: '2026-11-26T11:59:00Z',
        valueQuantity: { value: 60 + (i % 40) + (i % 3) / 2, unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
        interpretation: i % 5 === 0 ? null : [{ text: 'Normal' }],
      },
      search: { mode: 'match', score: 1 },
    });
    bundle.total = bundle.entry.length;
  }
  return bundle;
}

const fhir = fhirBundle(64 * 1024);
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
