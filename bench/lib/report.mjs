// Renders BENCHMARKS.md from the results object bench/run.mjs writes; every figure comes from it.
import path from 'node:path';
import { largeBodiesSection } from './large-bodies.mjs';
import { stepSplitSection } from './step-split.mjs';
import { CONSUMER_STEPS } from './steps.mjs';
const fmt = (x, digits = 1) => (x === null || x === undefined || Number.isNaN(x) ? '–' : Number(x).toFixed(digits));
const ms = (x) => fmt(x, x !== null && x < 10 ? 2 : 1);
const signed = (x) => `${x > 0 ? '+' : ''}${fmt(x, 1)}`;
const mark = (ok) => (ok === null || ok === undefined ? '' : ok ? ' ✅' : ' ❌');
/** A slice-by-slice ratio summary: median, and the 95 % interval of the mean. */
const spread = (sl) => (sl ? `${fmt(sl.median, 2)} [${fmt(sl.ci95?.[0], 2)}, ${fmt(sl.ci95?.[1], 2)}]` : '–');
/** A pooled ratio against its target, marked unresolved when the slices' interval straddles it. */
const verdict = (e) => (e.target_ratio === null ? '' : ` (≥ ${fmt(e.target_ratio, 2)})${mark(e.meets_ratio)}${e.ratio_resolved === false ? ' (within noise)' : ''}`);

/** Mean µs of a micro-benchmark by name, or null. */
function microMean(results, name) {
  const b = results.micro?.benchmarks?.find((x) => x.name === name);
  return b ? b.avg_ns / 1000 : null;
}

/**
 * The project log's measured intake (one segment alone, and the whole log client across
 * rollovers), the consumer's D1 work per batch, what sealing costs per event, and the load model
 * built on them: for each platform limit, the rate at which it now falls and which falls first.
 */
function projectLogSection(results) {
  const log = results.project_log;
  const perSegment = log?.events_per_s_median ?? null;
  const perProject = log?.project_events_per_s_median ?? null;
  const last = log?.runs?.at(-1) ?? null;
  const runs = (log?.runs ?? []).map((r) => `${fmt(r.segment?.events_per_s, 0)} / ${fmt(r.project?.events_per_s, 0)}`).join(', ');
  const c = results.consumer ?? {};
  const seal1k = microMean(results, 'seal 1 KB payload');
  const seal64k = microMean(results, 'seal 64 KB payload');
  const accept = microMean(results, 'accepted: verify + parse + validate + event id + message');
  // Production's layout (shared/eventlog/layout.ts DEFAULT_LAYOUT_VARS) and the platform's limits.
  const budget = 2 * 1024 ** 3;
  const closeAt = budget * 0.75;
  const K = 16_384;
  const emptySegment = 151_552;
  const queueLimit = 5_000;
  const objectRps = 1_000;
  const F = 3;
  const day = 86_400;
  // Measured: bytes per event (1 KB payload, 1 run) in a segment, beyond its empty schema, and per id in the index.
  const segBytes = last?.project ? (last.project.segment_bytes_total - last.project.segments * emptySegment) / last.project.events : null;
  const runBytes = 150;
  const perEventF3 = segBytes === null ? null : segBytes + (F - 1) * runBytes;
  // One partition filled with 10,000 ids: what each took beyond the first 100 (bench/service/log-probe.ts).
  const idBytes = last?.index_bytes_per_id ?? null;
  const E = 1_000;
  const segmentSeconds = perEventF3 === null ? null : closeAt / (E * perEventF3);
  const idsAtMax = E * 3650 * day;
  const rows = [
    '| limit | what it bounds now | falls at, per project | falls at, platform-wide (N shards) |',
    '|---|---|---:|---:|',
    `| 10 GB per Durable Object | a segment closes at ${fmt(closeAt / 1024 ** 3, 1)} GiB of its ${fmt(budget / 1024 ** 3, 0)} GiB budget; at ${E} events/s (F = ${F}, 1 KB) one fills in ${fmt(segmentSeconds, 0)} s. An index partition holds ${fmt(idBytes, 0)} B per id: ${fmt((idsAtMax * (idBytes ?? 0)) / K / 1e9, 2)} GB at ${E} events/s kept 3,650 days (${K} partitions). The directory: ~150 B per segment | never: more segments, not larger ones | never |`,
    `| ~1,000 requests/s per object | the open segment takes 2 calls per consumer batch of ≤ 100 events; the directory 1; an index partition ≤ 1 | ${fmt(objectRps * 100, 0)} events/s (the directory's reservations) | never (each project has its own) |`,
    `| one segment's write rate | measured below: ${fmt(perSegment, 0)} events/s in batches of 100 | ${fmt(perSegment, 0)} events/s | never |`,
    `| events queue, 5,000 messages/s | a project's events go through one shard | ${fmt(queueLimit, 0)} events/s | N × ${fmt(queueLimit, 0)} events/s |`,
    `| runs queue, 5,000 messages/s | a project's runs go through one shard: E × F | **${fmt(queueLimit / F, 0)} events/s at F = ${F}** | N × ${fmt(queueLimit / F, 0)} events/s |`,
    `| D1 (one writer) | read about once per consumer batch, never written on the event path | – | – |`,
  ];
  return `Measured on the counted copy (\`wrangler dev\`, local Durable Objects; bench/service/log-probe.ts), ${log?.batches ?? '?'}
batches of 100 events with a run each, fed as the consumer feeds them, in order: **one segment alone took
${fmt(perSegment, 0)} events/s**, and **the whole log ${fmt(perProject, 0)} events/s per project** through the log client
(the directory's reservation, the id index's claims, the segment's two calls) while rolling over
${last?.project?.rollovers ?? '?'} times across ${last?.project?.segments ?? '?'} segments of the dev budget (2 MiB): ${fmt(log?.project_vs_segment_median, 2)}× the
single segment, side by side in each run (segment / project, per run: ${runs || '–'}). A batch took
**${fmt(log?.batch_ms_median, 1)} ms; the batch that opened a new segment ${fmt(log?.rollover_batch_ms_median, 1)} ms** (the rollover: a new
object creating its tables). The largest segment ended at ${fmt((last?.project?.largest_segment_bytes ?? 0) / 1024, 0)} KiB of its 2,048 KiB budget. A 1 KB event
with one run takes ${fmt(segBytes, 0)} B in a segment; an id ${fmt(idBytes, 0)} B in the index.
The consumer made **${fmt(c.d1_statements_per_batch, 2)} D1 statements in ${fmt(c.d1_round_trips_per_batch, 2)} round trips per batch**
(${c.batches ?? '?'} batches, ${fmt(c.events_per_batch, 1)} events each on average). Sealing a payload for the log costs
**${fmt(seal1k, 1)} µs per 1 KB event** (${fmt(seal64k, 1)} µs at 64 KB) in Node's Web Crypto, beside ${fmt(accept, 1)} µs for the
ingress's own in-process work on the same 1 KB event (micro-benchmarks below); inline payloads are
sealed by the consumer, off the request path.

### Load model

The log is in segments (shared/eventlog/README.md): each project's new rows go to its open segment,
which closes after an hour or at ${fmt(closeAt / 1024 ** 3, 1)} GiB; an id index in ${K} partitions says where each event
is; the queues are in N shards (README, "Queue shards"). For each platform limit, where it falls now:

${rows.join('\n')}

Which falls first: **per project, the runs shard** (5,000 messages/s, so ${fmt(queueLimit / F, 0)} events/s at fan-out ${F};
the events shard at ${fmt(queueLimit, 0)} events/s when F = 1), well above the 1,000 events/s a project is designed
for, and before any object's limit. Platform-wide, N shards carry N × ${fmt(queueLimit / F, 0)} events/s at F = ${F}; raising
N is a config change (README, "Queue shards"). No object's size has a rate at which it falls: a busier
project gets more segments, each under its budget. Per consumer batch of one project the log takes
1 directory call, one call per index partition its ids reach (≤ 100), and 2 segment calls.`;
}

function loadTable(results) {
  const rows = [
    '| scenario | conc. | service req/s | p50 / p99 ms | errors | baseline req/s | p50 / p99 ms | errors | ratio (target) | slice ratios: median [95 % CI] | p99 Δ (≤ +1 ms) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const e of results.load) {
    const s = e.service;
    const b = e.baseline;
    rows.push(
      `| ${e.label} (expect ${e.expected_status}) | ${e.connections} | ${fmt(s.rps, 0)} | ${ms(s.p50)} / ${ms(s.p99)} | ${s.errors} | ${fmt(b.rps, 0)} | ${ms(b.p50)} / ${ms(b.p99)} | ${b.errors} | ${fmt(e.ratio_rps, 2)}×${verdict(e)} | ${spread(e.ratio_slices)} | ${signed(e.p99_delta_ms)}${mark(e.meets_p99)} |`,
    );
  }
  return rows.join('\n');
}

function floorTable(results) {
  const rows = [
    '| scenario | conc. | bare Worker req/s (p99 ms) | enqueue-only baseline req/s (p99 ms) | baseline drained by the service\'s consumer req/s (p99 ms) | ratio | service, consumer detached req/s (p99 ms) | ratio | full service req/s (p99 ms) | ratio |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const cell = (t) => (t ? `${fmt(t.rps, 0)} (${ms(t.p99)})` : '–');
  for (const e of results.load.filter((x) => x.ingress_only || x.bare)) {
    rows.push(
      `| ${e.label} | ${e.connections} | ${cell(e.bare)} | ${cell(e.baseline)} | ${cell(e.baseline_consumer)} | ${e.baseline_consumer ? `${fmt(e.baseline_consumer_ratio_rps, 2)}×` : '–'} | ${cell(e.ingress_only)} | ${fmt(e.ingress_only_ratio_rps, 2)}× | ${cell(e.service)} | ${fmt(e.ratio_rps, 2)}× |`,
    );
  }
  return rows.join('\n');
}

function fixedRateTable(results) {
  const rows = results.fixed_rate ?? [];
  if (rows.length === 0) return '_Not run in this configuration._';
  const cell = (t) => (t ? `${ms(t.p50)} / ${ms(t.p99)}` : '–');
  return [
    '| scenario | conc. | offered req/s | service p50 / p99 ms | baseline p50 / p99 ms | p99 Δ (≤ +1 ms) | baseline p99, even / odd slices | service, consumer detached p50 / p99 ms | bare Worker p50 / p99 ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (e) =>
        `| ${e.label} | ${e.connections} | ${e.rate} | ${cell(e.service)} | ${cell(e.baseline)} | ${signed(e.p99_delta_ms)}${mark(e.meets_p99)} | ${e.baseline_p99_by_half.map((x) => ms(x)).join(' / ')} | ${cell(e.ingress_only)} | ${cell(e.bare)} |`,
    ),
  ].join('\n');
}

function fanOutTable(results) {
  const rows = [
    '| workflows | accept → all runs dispatched (ms) | consumer time (ms) | queue wait (ms) | D1 statements / event | D1 round trips / event | sendBatch calls / event | runs the runtime recorded | accept → runtime recorded all (ms) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const f of results.fan_out) {
    rows.push(
      `| ${f.size} | ${fmt(f.accept_to_dispatched_ms, 0)} | ${f.consumer_ms ?? '–'} | ${fmt(f.queue_wait_ms, 0)} | ${f.d1_statements ?? '–'} | ${f.d1_round_trips ?? '–'} | ${f.send_batch_calls ?? '–'} | ${f.runs_recorded_by_runtime} | ${fmt(f.accept_to_runtime_recorded_ms, 0)} |`,
    );
  }
  const thousand = results.fan_out.filter((f) => f.size === 1000);
  if (thousand.length > 0) {
    const worst = Math.max(...thousand.map((f) => f.accept_to_dispatched_ms ?? Infinity));
    rows.push('', `1,000 workflows, slowest of ${thousand.length}: ${fmt(worst, 0)} ms from accept to all runs dispatched (goal < 2000 ms) ${worst < 2000 ? '✅' : '❌'}.`);
  }
  return rows.join('\n');
}

/**
 * Whether the isolate's heap grows with requests, from round 2 on (round 1 still fills the cache
 * and compiles code). One leaked cache entry per request (a key of some 30 characters and its
 * object) would be well over 100 bytes per request; the verdict allows 64, for what an attached
 * inspector itself keeps (console messages) and late-compiled code.
 */
function heapVerdict(rounds) {
  const measured = rounds.slice(1).filter((r) => r.isolate_heap_after_gc_mib !== null && r.isolate_heap_after_gc_mib !== undefined);
  if (measured.length < 2) return ['_Too few rounds with a heap reading to judge growth._'];
  const first = measured[0];
  const last = measured[measured.length - 1];
  const requests = measured.slice(1).reduce((a, r) => a + r.requests, 0);
  const bytesPerRequest = ((last.isolate_heap_after_gc_mib - first.isolate_heap_after_gc_mib) * 1048576) / requests;
  return [
    `Isolate heap after GC from round ${first.round} to ${last.round}: ${fmt(first.isolate_heap_after_gc_mib, 2)} → ${fmt(last.isolate_heap_after_gc_mib, 2)} MiB over ${requests} requests,` +
      ` ${fmt(bytesPerRequest, 1)} bytes per request (flat: ≤ 64) ${bytesPerRequest <= 64 ? '✅' : '❌'}. RSS also holds the local D1, R2 and queue` +
      ' state of the same workerd, so it is reported but not judged.',
  ];
}

function memorySection(results) {
  const m = results.memory;
  const lines = [];
  if (m.peak_during_accept_c50) {
    lines.push(
      `Peak during the 50-connection accept scenario, the workerd that runs the Worker (pid ${m.peak_during_accept_c50.pid}): sampled RSS ${fmt(m.peak_during_accept_c50.peak_rss_sampled_mib)} MiB, VmHWM ${fmt(m.peak_during_accept_c50.vm_hwm_mib)} MiB. Wrangler's proxy workerd (pid ${m.peak_during_accept_c50.proxy_pid ?? '?'}), which forwards every request to it, peaked at ${fmt(m.peak_during_accept_c50.proxy_vm_hwm_mib)} MiB.`,
      '',
    );
  }
  lines.push(`Repeated accept runs before the load scenarios (50 connections, ${m.round_seconds} s each, distinct webhook-ids): after each, the Worker isolate's JS heap after a forced GC (inspector; the smallest of three readings a second apart, since a collection keeps whatever work is in flight) and the RSS of each workerd under the service's \`wrangler dev\`:`, '');
  const role = (r, name) => r.workerd.find((w) => (w.role ?? 'worker') === name);
  lines.push('| round | requests | Worker isolate JS heap after GC (MiB) | Worker workerd RSS (MiB) | its VmHWM (MiB) | proxy workerd RSS (MiB) |', '|---:|---:|---:|---:|---:|---:|');
  for (const r of m.rounds) {
    lines.push(`| ${r.round} | ${r.requests} | ${fmt(r.isolate_heap_after_gc_mib, 2)} | ${fmt(role(r, 'worker')?.rss_mib)} | ${fmt(role(r, 'worker')?.hwm_mib)} | ${fmt(role(r, 'proxy')?.rss_mib)} |`);
  }
  lines.push('', ...heapVerdict(m.rounds));
  lines.push('', 'RSS of the Worker workerd / proxy workerd after each scenario\'s slices, in order (MiB):', '');
  lines.push(m.after_runs.map((r) => `${r.label}: ${fmt(role(r, 'worker')?.rss_mib)} / ${fmt(role(r, 'proxy')?.rss_mib)}`).join('; ') + '.');
  lines.push('', largeBodiesSection(results));
  return lines.join('\n');
}

/** A child bench's captured output as a code block, its failure, or "not run". */
function benchOutput(run) {
  if (!run) return '_Not run._';
  return run.ok ? '```\n' + run.output + '\n```' : `Failed:\n\n\`\`\`\n${run.error}\n\`\`\``;
}

function microSection(results) {
  if (!results.micro) return '_Not run (quick mode or BENCH_SKIP_MICRO=1)._';
  if (results.micro.error) return `Micro-benchmarks failed:\n\n\`\`\`\n${results.micro.error}\n\`\`\``;
  const lines = ['| benchmark (Node ' + results.micro.node + ', Web Crypto) | mean µs | p50 µs | p99 µs |', '|---|---:|---:|---:|'];
  for (const b of results.micro.benchmarks) lines.push(`| ${b.name} | ${fmt(b.avg_ns / 1000, 2)} | ${fmt(b.p50_ns / 1000, 2)} | ${fmt(b.p99_ns / 1000, 2)} |`);
  const bad = results.micro.checks.filter((c) => !c.accepted || !c.forged_refused);
  lines.push('', bad.length === 0 ? 'Every scheme accepted its signed request and refused the forged one before being timed.' : `Signer/verifier disagreements (their accept rows are missing): ${JSON.stringify(bad)}`);
  if (results.micro.presets_without_bench.length > 0) lines.push(`Presets without a micro-benchmark: ${results.micro.presets_without_bench.join(', ')}.`);
  return lines.join('\n');
}

function cpuCell(cpu) {
  if (!cpu) return '–';
  return Object.entries(cpu)
    .filter(([, v]) => v >= 0.05)
    .map(([name, v]) => `${name} ${fmt(v, 2)}`)
    .join(', ');
}

const ACCEPT_TARGETS = [
  ['baseline', 'enqueue-only baseline'],
  ['baseline_consumer', 'baseline drained by the service\'s consumer'],
  ['ingress_only', 'service, consumer detached'],
  ['service', 'full service'],
];

/**
 * What an accepted 1 KB event costs each target, by process, from the measured (unprofiled) runs:
 * an attached profiler would inflate the profiled targets only. Each target's slices ran at another
 * moment of a machine whose speed drifts, so the Worker's CPU is also read in units of the proxy's,
 * which does the same work for every target's request, and put back in ms at the mean proxy speed.
 * Null when a target's CPU was not read by process.
 */
function acceptCpu(row) {
  const targets = ACCEPT_TARGETS.map(([key, label]) => ({ label, cpu: row?.[key]?.cpu_ms_per_response }));
  if (!targets.every((t) => t.cpu?.['workerd worker'] && t.cpu['workerd proxy'])) return null;
  const mean = (name) => targets.reduce((a, t) => a + (t.cpu[name] ?? 0), 0) / targets.length;
  const proxy = mean('workerd proxy');
  const worker = targets.map((t) => (t.cpu['workerd worker'] / t.cpu['workerd proxy']) * proxy);
  const [baseline, withConsumer, ingressOnly, service] = worker;
  return { targets, worker, proxy, node: mean('node'), baseline, ingress: ingressOnly - baseline, consumer: service - ingressOnly, consumerOnBaseline: withConsumer - baseline, service, ingressOnly };
}

function acceptCpuSplit(results) {
  const lines = [];
  for (const e of results.load.filter((x) => x.scenario === 'accept-1k')) {
    const split = acceptCpu(e);
    if (!split) continue;
    const { targets, worker, proxy, node, baseline, service, ingressOnly } = split;
    const ratio = (w) => fmt((baseline + proxy + node) / (w + proxy + node), 2);
    lines.push(
      `${e.connections} connections, CPU ms per accepted 1 KB event (the Worker's workerd also at the mean proxy speed of the four):`,
      '',
      '| target | Worker\'s workerd | wrangler\'s proxy workerd | wrangler (node) | Worker ÷ proxy | Worker at mean proxy speed |',
      '|---|---:|---:|---:|---:|---:|',
      ...targets.map((t, i) => `| ${t.label} | ${fmt(t.cpu['workerd worker'], 2)} | ${fmt(t.cpu['workerd proxy'], 2)} | ${fmt(t.cpu.node, 2)} | ${fmt(t.cpu['workerd worker'] / t.cpu['workerd proxy'], 3)} | ${fmt(worker[i], 2)} |`),
      '',
      `- The ingress adds ${fmt(split.ingress, 2)} ms per event to the Worker's workerd (consumer detached less baseline; the baseline also pays`,
      `  its own consumer's delivery). The service's consumer adds ${fmt(split.consumer, 2)} ms on the service and ${fmt(split.consumerOnBaseline, 2)} ms on the`,
      '  baseline\'s fetch: the events queue\'s delivery, the fan-out\'s D1 read, sealing each payload and its write of the event rows to the project\'s log (no workflow listens to the',
      '  accept scenarios\' webhooks, so no run is sent; fan-out is measured below).',
      `- The rest of an event's CPU is the same for every target: wrangler's proxy ${fmt(proxy, 2)} ms and its Node process ${fmt(node, 2)} ms`,
      `  (mean of the four). On CPU alone, at the same speed, the service would run at ${ratio(service)}× of the baseline,`,
      `  and ${ratio(ingressOnly)}× with its consumer detached; autocannon's own CPU, the same for every target, brings both nearer 1.`,
      '',
    );
  }
  return lines.length > 0 ? ['From the measured runs (no profiler attached):', '', ...lines] : [];
}

/** The consumers' own JS per event, beside what every process spends on them: where the rest goes. */
function consumerJsShare(results, withProfile) {
  const p = withProfile.find((x) => x.target === 'service' && x.scenario === 'accept-1k');
  const row = results.load.find((e) => e.scenario === 'accept-1k' && e.connections === p?.connections);
  const b = p?.isolate_profile.buckets;
  const processMs = acceptCpu(row)?.consumer ?? null;
  if (!b || !p.responses || processMs === null || processMs <= 0) return [];
  // The stand-in runtime is a Worker of its own, outside the profiled isolate (and the accept
  // scenarios send it no runs); results of earlier runs may still carry its bucket.
  const consumerMs = ['queue consumer (consumeBatch)', 'fan-out (fanOut, sendRuns)', 'stand-in runtime (recordRuns)'].reduce((sum, name) => sum + (b[name]?.ms ?? 0), 0);
  const perEvent = consumerMs / p.responses;
  return [
    '',
    `The fan-out consumer's own JavaScript (consumeBatch, fanOut, sendRuns) took ${consumerMs} ms in the profiled service run of` +
      ` ${p.responses} responses, ${fmt(perEvent, 3)} ms per event: ${fmt((100 * perEvent) / processMs, 0)} % of the ${fmt(processMs, 2)} ms per event the` +
      ` consumer adds to the Worker's workerd at ${p.connections} connections (above). The rest is what that code asks of the local runtime:` +
      ' the queue\'s delivery, D1\'s SQLite work in its Durable Object, and the serialisation between them.',
  ];
}

function profileSection(results) {
  const profiles = results.profiles ?? [];
  if (profiles.length === 0) return ['_No profile in this run (quick mode or BENCH_SKIP_PROFILE=1)._', '', ...acceptCpuSplit(results), ...stepSplitSection(results, CONSUMER_STEPS)].join('\n');
  const lines = [
    'Separate 10-connection runs (not the measured ones: sampling perturbs them). CPU per response is',
    'read from /proc for every process under each `wrangler dev` and includes draining the run\'s queue',
    'backlog; `node` is wrangler\'s own process (request logging, local bindings plumbing), `workerd proxy` its',
    'workerd that forwards each request, `workerd worker` the one that runs the Worker.',
    '',
    '| target | scenario | req/s | CPU ms per response, by process |',
    '|---|---|---:|---|',
  ];
  for (const p of profiles) lines.push(`| ${p.target} | ${p.scenario} | ${fmt(p.rps, 0)} | ${cpuCell(p.cpu_ms_per_response)} |`);
  lines.push('', ...acceptCpuSplit(results));
  const large = stepSplitSection(results, CONSUMER_STEPS);
  if (large.length > 0) lines.push('', ...large, '');
  const withProfile = profiles.filter((p) => p.isolate_profile);
  if (withProfile.length > 0) {
    const names = Object.keys(withProfile[0].isolate_profile.buckets);
    lines.push('', 'Inclusive CPU time in the service isolate (inspector CPU profile), share of the sampled wall time:', '');
    lines.push(`| part | ${withProfile.map((p) => `${p.target} ${p.scenario}`).join(' | ')} |`, `|---|${withProfile.map(() => '---:').join('|')}|`);
    for (const name of names) lines.push(`| ${name} | ${withProfile.map((p) => `${p.isolate_profile.buckets[name].ms} ms (${fmt(p.isolate_profile.buckets[name].share, 1)} %)`).join(' | ')} |`);
    lines.push(...consumerJsShare(results, withProfile));
    for (const p of withProfile) {
      const gap = p.isolate_profile.unsampled_ms ? `; ${p.isolate_profile.unsampled_ms} ms of unsampled idle stretches left out` : '';
      lines.push('', `Top self time, ${p.target} ${p.scenario} (${p.isolate_profile.total_ms} ms profiled${gap}):`, '');
      lines.push(p.isolate_profile.top_self.slice(0, 12).map((t) => `\`${t.fn}\` ${t.self_ms} ms (${fmt(t.share, 1)} %)`).join(' · '));
    }
  }
  return lines.join('\n');
}

/** The targets in prose: which are met, and for each miss where this run says the time went. */
function findings(results) {
  const of = (id) => results.load.filter((e) => e.scenario === id);
  const ratios = (id, key = 'ratio_rps') => of(id).map((e) => `${fmt(e[key], 2)}× at ${e.connections}`).join(', ') || '–';
  /** Rows whose slice interval straddles their target: this run cannot say which side they are on. */
  const unresolved = (rows) =>
    rows.filter((e) => e.ratio_resolved === false).map((e) => `${e.connections} connections (slices ${spread(e.ratio_slices)})`);
  const lines = [];

  const accept = of('accept-1k');
  if (accept.length > 0) {
    const met = accept.every((e) => e.meets_ratio);
    const ingressMet = accept.every((e) => e.ingress_only_ratio_rps !== null && e.ingress_only_ratio_rps >= 0.9);
    const consumerMs = accept.map((e) => acceptCpu(e)?.consumer).filter((x) => x !== undefined);
    const c = accept.find((e) => e.service_counted?.consumer)?.service_counted.consumer ?? {};
    const probe = accept.filter((e) => e.baseline_consumer_ratio_rps !== null && e.baseline_consumer_ratio_rps !== undefined);
    const open = unresolved(accept);
    lines.push(
      `- **Signed + validated 1 KB, ≥ 0.90×**: ${met ? 'met' : 'missed'} (${ratios('accept-1k')} connections).` +
        (open.length > 0 ? ` Not resolved by this run at ${open.join(' and ')}: the 95 % interval of the slice ratios straddles 0.90.` : '') +
        ` The same Worker with its consumers detached: ${ratios('accept-1k', 'ingress_only_ratio_rps')} ${ingressMet ? '✅' : '❌'}.` +
        (met
          ? ''
          : ` ${ingressMet ? 'The ingress path alone meets the target (its queue has no consumer, so it also skips the delivery the baseline pays); the' : 'The'} gap to the full service is its queue consumers, which \`wrangler dev\` runs in the` +
            ` same workerd process, on a machine of ${results.machine.cpus} CPUs where autocannon takes one: ` +
            `${consumerMs.map((x) => fmt(x, 2)).join(' and ')} ms of the Worker's CPU per event (see Where the time goes), for the events queue's delivery, the` +
            ' fan-out\'s D1 read, sealing each payload and its write of the event rows to the project\'s log' +
            (c.d1_round_trips_per_batch ? ` (${fmt(c.d1_round_trips_per_batch, 2)} D1 round trips per consumer batch of, on average, ${fmt(c.events_per_batch, 0)} events, in the counted ${accept[0].connections}-connection run).` : '.') +
            (probe.length > 0
              ? ` The consumer alone, on the enqueue-only baseline's fetch (bench/baseline/with-consumer.ts):` +
                ` ${probe.map((e) => `${fmt(e.baseline_consumer_ratio_rps, 2)}× of the plain baseline at ${e.connections}`).join(', ')};` +
                ' Where the time goes splits its CPU from the ingress\'s.' +
                ' One cost under it is gone: wrangler 4.86 turns on the inspector\'s Network domain with no DevTools' +
                ' attached, so each D1 call emitted four inspector events that its dev proxy parsed, posted to Node as a debug log and kept in a' +
                ' buffer nothing drained. patches/wrangler+4.86.0.patch (applied by \`npm install\`) turns Network on only while a DevTools' +
                ' client is attached, as workers-sdk #14243 did upstream after the last release that runs on Node 20. It did not close the gap:' +
                ' the two full runs before it (commits fde1dd5, f9f5460) had the full service at 0.82× and 0.85× at 10 connections, the two' +
                ' after it (7c8386d, 7e82361) 0.89× and 0.80×.'
              : '') +
            ' Production has neither these layers nor a consumer sharing the ingress\'s CPU: there the consumer is a separate invocation.'),
    );
  }

  const rejects = ['reject-401', 'reject-400', 'reject-404'].flatMap(of);
  if (rejects.length > 0) {
    const missed = rejects.filter((e) => !e.meets_ratio);
    lines.push(
      `- **Rejections, ≥ 1.0×**: ${rejects.map((e) => `${e.expected_status} ${fmt(e.ratio_rps, 2)}× at ${e.connections}${mark(e.meets_ratio)}`).join(', ')}.` +
        (missed.length === 0
          ? ''
          : ' Locally a queue send is a call to a Durable Object in the same process, not a network round trip, so the baseline is' +
            ' cheaper here than in production, and what a refusal costs instead (reading the body, an HMAC over it, the problem' +
            ' response; the micro-benchmarks below time the HMAC) weighs about as much.' +
            (unresolved(missed).length > 0 ? ` Within noise: ${unresolved(missed).join(', ')}, whose slice intervals straddle 1.0×.` : '')),
    );
  }

  const p99 = results.load.map((e) => e.p99_delta_ms).filter((x) => x !== null);
  const spreads = results.load
    .map((e) => (e.baseline_p99_by_half?.every(Number.isFinite) ? Math.abs(e.baseline_p99_by_half[0] - e.baseline_p99_by_half[1]) : null))
    .filter((x) => x !== null);
  const ingressP99 = results.load.filter((e) => e.ingress_only).map((e) => e.ingress_only.p99 - e.baseline.p99);
  const acceptP99 = results.load.filter((e) => e.ingress_only).map((e) => e.p99_delta_ms);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const fixed = results.fixed_rate ?? [];
  if (fixed.length > 0) {
    lines.push(
      `- **p99 ≤ baseline + 1 ms, at a fixed ${fixed[0].rate} req/s** (below saturation, so latency is the request's own time through wrangler's dev proxy, whose floor the bare Worker's row shows): ` +
        fixed.map((e) => `${e.label}: ${signed(e.p99_delta_ms)} ms${mark(e.meets_p99)}`).join(', ') +
        `; the baseline's own p99 differs between its even and odd slices by ${fixed.map((e) => `${fmt(Math.abs(e.baseline_p99_by_half[0] - e.baseline_p99_by_half[1]), 1)} ms`).join(' and ')}.` +
        fixed
          .filter((e) => e.ingress_only)
          .map((e) => ` With its consumers detached the service's p99 is ${signed(e.ingress_only.p99 - e.baseline.p99)} ms from the baseline's, against ${signed(e.p99_delta_ms)} ms with them.`)
          .join(''),
    );
  }
  if (p99.length > 0) {
    lines.push(
      `- **p99 at saturation** (the load table; a closed loop, where latency is mostly connections ÷ req/s): met in ${results.load.filter((e) => e.meets_p99).length} of ${results.load.length} rows; deltas from` +
        ` ${fmt(Math.min(...p99), 1)} to +${fmt(Math.max(...p99), 1)} ms.` +
        (spreads.length > 0 ? ` The baseline's own p99, over its even and over its odd slices of one scenario, differs by up to ${fmt(Math.max(...spreads), 1)} ms, so a 1 ms bound is finer than this machine resolves.` : '') +
        (ingressP99.length > 0
          ? ` With its consumers detached the service's p99 is ${ingressP99.map(signed).join(', ')} ms from the baseline's in the accept rows` +
            (mean(ingressP99) < mean(acceptP99) ? ', against ' + acceptP99.map(signed).join(', ') + ' ms with them: most of the tail is consumer batches sharing the process.' : '.')
          : ''),
    );
  }

  const large = [...of('accept-64k'), ...of('accept-512k')];
  if (large.length > 0) {
    lines.push(
      `- **64 KB and 512 KB (targets ≥ 0.75× and ≥ 0.60×, issue 30)**: ${large.map((e) => `${Math.round(e.body_bytes / 1024)} KB ${fmt(e.ratio_rps, 2)}× at ${e.connections}${e.target_ratio == null ? '' : mark(e.meets_ratio)}`).join(', ')}.` +
        ' Every byte is read, parsed and validated against the schema before the 202 (the baseline only forwards it); the' +
        ' schema-validation benchmark below times the 64 KB FHIR-like bundle, and 512 KB adds the R2 put of the claim-check.' +
        (onDisk(results).length > 0
          ? ` With the service's state on this VM's disk instead of RAM (same slices, its own copy of the state): ${onDisk(results).map((e) => `64 KB ${fmt(e.service_on_disk_ratio_rps, 2)}× at ${e.connections} (slices ${spread(e.service_on_disk_slices)})`).join(', ')}.`
          : '') +
        (large.some((e) => e.service_counted?.consumer)
          ? ' The fan-out holds at most 10 MB of payload copies at once (the sealed one for the log, and one per listening workflow\'s envelope; a claim-checked payload a workflow listens to alone), so a batch of 64 KB events nobody listens to is written to the project\'s log in one call; its D1 round trips per consumer batch in the counted runs were ' +
            large
              .filter((e) => e.service_counted?.consumer)
              .map((e) => `${fmt(e.service_counted.consumer.d1_round_trips_per_batch, 1)} per ${fmt(e.service_counted.consumer.events_per_batch, 0)} events (${Math.round(e.body_bytes / 1024)} KB at ${e.connections})`)
              .join(', ') +
            ' against 2 per 100 at 1 KB.'
          : ''),
    );
  }
  const withErrors = results.load.filter((e) => e.service.errors > 0);
  if (withErrors.length > 0) {
    const statuses = withErrors.map((e) => {
      const codes = {};
      for (const r of e.runs.service) for (const [code, n] of Object.entries(r.byStatus)) if (code !== String(e.expected_status)) codes[code] = (codes[code] ?? 0) + n;
      const unanswered = e.service.errors - Object.values(codes).reduce((sum, n) => sum + n, 0);
      const parts = [...Object.entries(codes).map(([code, n]) => `${n} × ${code}`), ...(unanswered > 0 ? [`${unanswered} socket errors or timeouts`] : [])];
      return `${e.label} at ${e.connections}: ${parts.join(', ')}`;
    });
    const from = withErrors.reduce((a, e) => ({ problem: a.problem + (e.service.unexpected_from?.problem ?? 0), other: a.other + (e.service.unexpected_from?.other ?? 0) }), { problem: 0, other: 0 });
    lines.push(
      `- **Errors**: ${statuses.join('; ')}.` +
        ` Of the unexpected statuses, ${from.problem} were the Worker's own problem+json answers (its 503, queue-unavailable, among them)` +
        ` and ${from.other} were not problem+json, as every refusal the Worker makes is: those came from the layers in front of its code` +
        ' (workerd, wrangler\'s dev proxy), not from the Worker. bench/.tmp/service.log keeps every request line of the run.',
    );
  }
  return lines.join('\n');
}

/** Where the run kept its targets' state, as the report names it. */
const stateDir = (results) => results.config?.state_root ?? 'bench/.tmp';
const onDisk = (results) => results.load.filter((e) => e.service_on_disk);

function stateNote(results) {
  const root = stateDir(results);
  if (!root.startsWith('/dev/shm')) return '';
  const rows = onDisk(results);
  return (
    `- Every target's local state (D1, Durable Objects, R2) is in RAM, ${root}. Under \`wrangler dev\` the log's Durable\n` +
    '  Objects run in the ingress\'s own workerd process, so each SQLite write and checkpoint of a 64 KB row on this\n' +
    '  VM\'s shared disk held up the ingress too; in production the objects run apart from the ingress, on storage that is\n' +
    '  not this disk, and the baseline writes nothing durable to begin with. Runs before 2026-12-07 kept the state on the disk\n' +
    '  (bench/.tmp), and the 64 KB rows still run a copy of the service with its state there, in the same slices' +
    (rows.length > 0 ? `: ${rows.map((e) => `${fmt(e.service_on_disk_ratio_rps, 2)}× the baseline at ${e.connections} connections (slices ${spread(e.service_on_disk_slices)})`).join(', ')}, against ${rows.map((e) => `${fmt(e.ratio_rps, 2)}×`).join(' and ')} with its state in RAM.\n` : '.\n')
  );
}

export function renderMarkdown(results) {
  const d1 = results.d1_hot_path;
  const byScenario = Object.entries(d1.by_scenario)
    .map(([id, v]) => `${id}: ${v.statements} awaited in ${v.withStatements} of ${v.responses} responses, ${v.background ?? '?'} for waitUntil by ${v.withBackground ?? '?'}`)
    .join('; ');
  const m = results.machine;
  // The results file this report was rendered from, linked from where the report is written.
  const out = results.config?.out ?? 'bench/results.json';
  const link = path.posix.relative(path.posix.dirname(results.config?.md ?? 'BENCHMARKS.md'), out);
  return `# Benchmarks

Generated by \`npm run bench\` (bench/run.mjs) at ${results.generated_at}; every number below is in
[${out}](${link}), written by the same run. Machine: ${m.cpus} × ${m.cpu_model},
${m.memory_gib} GiB, shared and noisy (load average at the end ${m.loadavg_at_end.join(' / ')}); Node ${m.node},
${m.wrangler ?? 'wrangler'}; commit ${m.git_commit ?? '?'} plus the working tree at the time.

## How it is measured

- One run starts, side by side, with the same \`wrangler dev\` flags on 127.0.0.1: **the service**
  as \`npm run dev\` runs it (wrangler.toml and the stand-in runtime, workers/runtime-standin, in one
  \`wrangler dev\`; own state in ${stateDir(results)}/state, migrations and bench/seed.ts applied; the log's
  segments with production's 1 h window and 2 GiB budget, where \`npm run dev\` rolls one over at 2 MiB
  to show it happen, which at 64 KB events would open a segment every 31 events; the index keeps
  dev's 8 partitions, as in every run before), **its
  counted copy** (the same Workers built from bench/service/, with a D1 counter and metric lines in
  the seams production leaves empty, on a copy of that state: the D1 counts, the consumer's round
  trips and the fan-out come from it, in runs of its own, because its counter and metric lines cost
  throughput the measured service must not pay), **the enqueue-only baseline** (bench/baseline: reads the body,
  \`await env.QUEUE.send(body)\`, 202; a body over 100 KB is put in R2 and its key sent, because a
  queue message cannot carry it) and **the bare Worker** (bench/bare: 202, nothing else).
${stateNote(results)}- autocannon at concurrency ${results.config.connections.join(' and ')}: a warm-up run per target, then
  ${results.config.slices} slices of ${results.config.sliceSeconds} s per target, service and baseline back to back, each slice
  in the reverse order of the one before (A B, B A, A B, …). This machine's speed drifts by tens of
  percent within seconds; short alternating slices put the same drift on both. Where the slowest
  target's warm-up p50 is long (512 KB), slices are fewer and longer, each at least 8 × that p50,
  for about the same time per target (\`slices\` and \`slice_seconds\` of each row in results.json). The accept
  scenarios add the bare Worker and, as diagnostics, the service's Worker with its queue consumer
  detached (same code and flags, config generated from wrangler.toml minus \`[[queues.consumers]]\`)
  and, for 1 KB, the baseline's fetch drained by the service's own queue consumer in the same process
  (bench/baseline/with-consumer.ts, on a copy of the service's state).
- req/s = a target's responses over its slices' time, each slice counted from the moment every
  connection has had its first answer (before that nothing can complete, and counting it would charge
  a slower target its latency a second time) to its end; p50 / p99 over every response of its slices;
  ratio = service req/s ÷ baseline req/s. Beside it, the ratio slice by slice: the median, and the
  95 % confidence interval of the mean (Student's t). Where that interval straddles a target, the
  row is marked *within noise*: this run does not tell which side of the target it is on.
- Every HMAC request is signed on the fly with its own \`webhook-id\` (Standard Webhooks, checked
  against the \`standardwebhooks\` package). Every load target gets the same requests.
- After each run the bench waits until the run's accepted events were consumed and their runs
  recorded (service: wrangler's \`QUEUE hasp-events-{i} acked/delivered\` line per consumer batch; counted
  copy: the \`hasp-fanout-metric\` line of each consumer batch and the \`hasp-runtime-metric\` line
  of each runtime batch; baseline: its consumer's count), so no backlog
  spills into the next run, and before each run until every server together has used less than a
  tenth of a core above their idle floor${results.machine.servers_idle_cores == null ? '' : ` (${results.machine.servers_idle_cores} cores: the dev servers' watchers, measured once after start-up)`} for half a second (at most ${results.config.quick ? 2 : 20} s), so what one target left behind (GC, D1's
  write-ahead log, wrangler's logging) is not billed to the next. The service's consumers (fan-out, and the stand-in runtime's
  Worker beside it) run during its own run, in the same process: that is \`npm run dev\`'s topology, not production's.
- Errors = responses with any status other than the expected one, plus socket errors and timeouts.

## Ingress against the enqueue-only baseline

${loadTable(results)}

### The targets

${findings(results)}

## Latency at a fixed rate

autocannon's \`overallRate\` at ${results.fixed_rate?.[0]?.rate ?? '?'} req/s over ${results.fixed_rate?.[0]?.connections ?? '?'} connections, well below every target's capacity, in the same
alternating slices: each response's own time, from its request being written, so a stall the
request meets (GC, a consumer batch in the same process) shows and queueing behind other requests
mostly does not. Raw times, without autocannon's coordinated-omission correction.

${fixedRateTable(results)}

## The floor: bare Worker, baseline, and the service with and without its consumer

${floorTable(results)}

## Where the time goes

${profileSection(results)}

## D1 statements on the hot path

\`x-hasp-d1-statements\` (statements the request prepared on its way to the response) was read on
every response of the counted copy's runs (${results.config.connections.join(' and ')} connections, every scenario, ${results.counted_seconds ?? '?'} s each after a warm-up): **${d1.total.statements} statements over ${d1.total.responses} responses**
${d1.total.statements === 0 ? '✅' : '❌'} (${d1.total.withStatements} responses carried a non-zero count; ${d1.total.missingHeader} lacked the header).
\`x-hasp-d1-background-statements\` counts what a request handed to waitUntil and the response did
not wait for: ${d1.total.background ?? '?'} statements, started by ${d1.total.withBackground ?? '?'} responses (a config entry
refreshed after CONFIG_TTL_SECONDS, the first refusal per webhook and reason in a flush interval).
Per scenario: ${byScenario}.

## Fan-out at scale

One signed event to a webhook with N workflows; \`GET /v1/events/{id}\` polled every ~10 ms from the 202
until every run is \`dispatched\` (handed to the runtime queue and recorded in the project's log); D1 statements and
sendBatch calls per event from the consumer's \`hasp-fanout-metric\` line; the last column is when
the stand-in runtime's \`hasp-runtime-metric\` lines had reported all N runs recorded. About 1 s of
each figure is the local queue's \`max_batch_timeout\`: a lone event waits for its batch to fill.

${fanOutTable(results)}

## The project log and payloads at rest

${projectLogSection(results)}

## Memory

${memorySection(results)}

## Micro-benchmarks

${microSection(results)}

### Schema validation (bench/schema.bench.mjs)

${results.schema_bench ? (results.schema_bench.ok ? '```\n' + results.schema_bench.output + '\n```' : `Failed:\n\n\`\`\`\n${results.schema_bench.error}\n\`\`\``) : '_Not run._'}

### Schema patterns: re2js beside the RegExp it replaced (bench/schema-patterns.bench.mjs)

${benchOutput(results.schema_bench?.patterns)}

## Rerun

\`\`\`
npm run bench                                  # full run, writes bench/results.json and BENCHMARKS.md
BENCH_SLICES=20 npm run bench                  # twice the slices: a narrower interval
BENCH_QUICK=1 BENCH_OUT=/tmp/r.json node bench/run.mjs   # ~1 s smoke run, commits nothing
BENCH_LARGE_BODIES=10 BENCH_LARGE_ROUNDS=1 …           # the large-body memory for 10 MiB only; BENCH_LARGE_BODIES=0 skips it
node bench/micro.bench.mjs && node bench/schema.bench.mjs  # micro-benchmarks alone
BENCH_STATE_ROOT=bench/.tmp npm run bench      # every target's state on the disk, as runs before 2026-12-07
\`\`\`
Ports 8790–8797 (BENCH_PORT_BASELINE_DETACHED, BENCH_PORT_SERVICE, BENCH_PORT_BASELINE, BENCH_PORT_BARE, BENCH_PORT_INGRESS_ONLY,
BENCH_PORT_BASELINE_CONSUMER, BENCH_PORT_SERVICE_COUNTED, BENCH_PORT_SERVICE_ON_DISK) and inspector ports 9291–9298 (BENCH_INSPECTOR_PORT) keep clear of \`npm run dev\` on 8787.
`;
}
