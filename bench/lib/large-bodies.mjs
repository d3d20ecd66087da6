// The Worker isolate's memory with 1, 5 and 10 MiB bodies (bench/run.mjs `largeBodyMemory`): each
// size's largest readings over its rounds, and how they render in BENCHMARKS.md's Memory section.

const max = (xs) => {
  const known = xs.filter((x) => typeof x === 'number');
  return known.length === 0 ? null : Math.max(...known);
};
const r2 = (x) => (x === null ? null : Math.round(x * 100) / 100);

/**
 * One size's figures over its rounds: the largest peak (in flight, and while the consumer drained
 * the events), the largest heap after GC, and the headroom the largest peak leaves under the limit.
 * The peak counted against the limit is the JS heap in use plus the ArrayBuffers' backing stores
 * where the runtime reports them (a body read as bytes is one), else the JS heap alone.
 */
export function largeBodySummary(entry, limitMiB) {
  const rounds = entry.rounds;
  const inFlight = max(rounds.map((r) => r.in_flight.peak_used_mib));
  const consumer = max(rounds.map((r) => r.consumer.peak_used_mib));
  const withBuffers = max(rounds.flatMap((r) => [r.in_flight.peak_used_with_buffers_mib, r.consumer.peak_used_with_buffers_mib]));
  const peak = withBuffers ?? max([inFlight, consumer]);
  return {
    max_peak_in_flight_mib: inFlight,
    max_peak_consumer_mib: consumer,
    max_peak_total_mib: max(rounds.flatMap((r) => [r.in_flight.peak_total_mib, r.consumer.peak_total_mib])),
    max_peak_with_buffers_mib: withBuffers,
    max_heap_after_gc_mib: max(rounds.map((r) => r.heap_after_gc_mib)),
    max_vm_hwm_delta_mib: max(rounds.map((r) => r.vm_hwm_delta_mib)),
    headroom_mib: peak === null ? null : r2(limitMiB - peak),
    headroom_counts_buffers: withBuffers !== null,
  };
}

const fmt = (x, digits = 1) => (x === null || x === undefined ? '–' : Number(x).toFixed(digits));

/** The Memory section's part on large bodies. */
export function largeBodiesSection(results) {
  const l = results.large_bodies;
  if (!l) return '_Large bodies not measured (quick mode or BENCH_LARGE_BODIES=0)._';
  if (l.error) return `_Large bodies: the measurement failed: ${l.error}_`;
  const buffers = l.sizes.some((s) => s.headroom_counts_buffers);
  const lines = [
    `Large bodies: ${l.concurrency} signed FHIR-like bundles (bench/lib/payloads.mjs fhirBundle, Standard Webhooks HMAC) sent at once to \`${l.webhook}\`,` +
      ` a webhook bench/seed.ts writes with a body limit of ${l.body_limit_bytes.toLocaleString('en-US')} bytes (the control API caps it at 5 MiB), ${l.rounds} round${l.rounds === 1 ? '' : 's'} per size.` +
      ` The peak is the largest \`Runtime.getHeapUsage\` of the Worker isolate read back to back (one at most every ${l.sample_ms} ms) while the requests were in flight,` +
      " and apart while the consumer drained their events (it reads each claim-checked body back from R2 and opens it); the heap after GC is read after" +
      ` \`HeapProfiler.collectGarbage\` once they were drained. Headroom is ${l.isolate_limit_mib} MiB (an isolate's 128 MB) less the largest peak` +
      `${buffers ? ', JS heap plus the ArrayBuffers\' backing stores the runtime reports (`backingStorageSize`)' : ', JS heap only (this runtime reports no ArrayBuffer backing stores: bytes outside the JS heap are not in it)'}.` +
      " A sampled peak is a lower bound: the isolate answers the inspector only between tasks, so a busy one gives few readings (results.json keeps their number), and a parse can allocate and drop more between two; the committed heap (`totalSize`, which V8 does not shrink at once) bounds the JS heap's peak from above more closely. Wrangler's workerd runs no 128 MB limit, so a body that would fail in production succeeds here; the RSS column is the whole workerd (the Worker with local D1, R2 and queues), its VmHWM reset before each round.",
    '',
    '| body | statuses | peak JS heap, in flight (MiB) | peak, consumer (MiB) | peak committed heap (MiB) | peak heap + buffers (MiB) | heap after GC (MiB) | headroom to 128 MiB | workerd VmHWM − RSS before (MiB) |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of l.sizes) {
    const statuses = Object.entries(s.statuses).map(([code, n]) => `${code} ×${n}`).join(', ');
    lines.push(
      `| ${s.mib} MiB (${s.body_bytes.toLocaleString('en-US')} B) | ${statuses} | ${fmt(s.max_peak_in_flight_mib)} | ${fmt(s.max_peak_consumer_mib)} | ${fmt(s.max_peak_total_mib)} | ${fmt(s.max_peak_with_buffers_mib)} | ${fmt(s.max_heap_after_gc_mib)} | ${fmt(s.headroom_mib)} | ${fmt(s.max_vm_hwm_delta_mib)} |`,
    );
  }
  const refused = l.sizes.filter((s) => s.refusal);
  if (refused.length > 0) {
    lines.push('', `Refused: ${refused.map((s) => `${s.mib} MiB answered ${s.refusal.status} (\`${s.refusal.body.replace(/`/g, "'").slice(0, 160)}\`)`).join('; ')}.`);
  }
  return lines.join('\n');
}
