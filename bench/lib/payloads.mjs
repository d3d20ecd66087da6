// Payloads the bench sends, shared by bench/seed.ts (which infers each webhook's schema
// from the same generators) and bench/run.mjs, so a payload and its schema cannot drift apart.

/** The contract's seed payload, padded with realistic chart fields to about `targetBytes` of JSON. */
export function chartPayload(targetBytes = 1024, n = 0) {
  const payload = {
    patient_id: `p${n}`,
    event: 'chart_updated',
    updated_fields: ['allergies', 'medications', 'problems'],
    encounter: { id: `enc-${n}`, practitioner: 'Practitioner/dr-who', location: 'Ward 7', started_at: '2026-11-26T11:00:00Z' },
    note: '',
  };
  const base = JSON.stringify(payload).length;
  payload.note = 'x'.repeat(Math.max(0, targetBytes - base));
  return payload;
}

/** The same shape with `patient_id` a number: fails the inferred schema (400 schema-mismatch). */
export function chartPayloadMismatch(targetBytes = 1024) {
  return { ...chartPayload(targetBytes), patient_id: 7 };
}

function observation(i) {
  return {
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
    },
    search: { mode: 'match', score: 1 },
  };
}

/** A FHIR R4 searchset Bundle of vital-sign Observations, about `targetBytes` of JSON. */
export function fhirBundle(targetBytes) {
  const bundle = { resourceType: 'Bundle', id: 'b1', type: 'searchset', total: 0, timestamp: '2026-11-26T12:00:00Z', entry: [] };
  let size = JSON.stringify(bundle).length;
  for (let i = 0; size < targetBytes; i++) {
    const entry = observation(i);
    bundle.entry.push(entry);
    size += JSON.stringify(entry).length + 1;
  }
  bundle.total = bundle.entry.length;
  return bundle;
}

/**
 * fhirBundle with an `interpretation` on every Observation, null on each fifth, so the schema
 * inferred from it has a nullable field for the validators in bench/schema.bench.mjs to check.
 */
export function fhirBundleWithInterpretation(targetBytes) {
  const bundle = { resourceType: 'Bundle', id: 'b1', type: 'searchset', total: 0, timestamp: '2026-11-26T12:00:00Z', entry: [] };
  // Measured whole each step, not summed as in fhirBundle, so it stays the bundle behind the figures
  // quoted in shared/schema/index.ts.
  for (let i = 0; JSON.stringify(bundle).length < targetBytes; i++) {
    const entry = observation(i);
    entry.resource.interpretation = i % 5 === 0 ? null : [{ text: 'Normal' }];
    bundle.entry.push(entry);
    bundle.total = bundle.entry.length;
  }
  return bundle;
}
