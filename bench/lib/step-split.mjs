// "Where the time goes" at 64 KB and 512 KB: the Worker workerd's CPU per accepted event, split
// into the ingress and the consumer's steps (bench/lib/steps.mjs), for the service and for the
// enqueue-only baseline. Computed by bench/run.mjs into results.time_split, rendered here.
//
// - Totals per event come from /proc (the `workerd worker` CPU of the profiled runs the steps come
//   from; the measured runs' at `connections` when a target was not profiled): the full Worker, and the same
//   Worker with its queue consumer detached (the service's ingress-only copy; the baseline's
//   baseline-detached). Ingress = the detached Worker's; consumer = full − detached.
// - Each step = its profile time per event (innermost matching frame, bench/lib/profile.mjs
//   stepsOf) in the full Worker's profile, less the same step per event in the detached Worker's
//   profile when there is one: the ingress also seals and puts a claim-checked body, and an async
//   function's continuation has no caller on its stack, so the detached profile is what says which
//   part of a step is the ingress's.
// - Queue delivery = the consumer's total less its named steps: workerd's delivery of the batch, and
//   whatever runs outside the Worker's isolate in the same process (miniflare's queue broker, its R2
//   and D1 simulators, SQLite's I/O) and the isolate's GC.

const round = (x, digits = 3) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : null);

const PAIRS = [
  { key: 'service', label: 'service', full: 'service', detached: 'ingress_only', fullTarget: 'service', detachedTarget: 'ingress-only' },
  { key: 'baseline', label: 'enqueue-only baseline', full: 'baseline', detached: 'baseline_detached', fullTarget: 'baseline', detachedTarget: 'baseline-detached' },
];

const workerCpu = (summary) => summary?.cpu_ms_per_response?.['workerd worker'] ?? null;

/** The split of every scenario in `scenarios` at `connections`, from the load rows and the profiles. */
export function stepSplit({ load, profiles, steps, scenarios, connections }) {
  const out = [];
  for (const scenario of scenarios) {
    const row = load.find((e) => e.scenario === scenario && e.connections === connections);
    const profileOf = (target) => profiles.find((p) => p.target === target && p.scenario === scenario && p.isolate_profile?.steps) ?? null;
    const targets = [];
    for (const pair of PAIRS) {
      const fullProfile = profileOf(pair.fullTarget);
      const detachedProfile = profileOf(pair.detachedTarget);
      // Totals: /proc over the profiled runs themselves, so totals and steps describe the same
      // events (a consumer's CPU per event depends on how full its batches are, so on the run's
      // rate); the measured runs' when a target was not profiled. The profiler's own cost is small:
      // a profile's busy time per event came within a few % of its run's /proc CPU.
      const anyProfile = (target) => profiles.find((p) => p.target === target && p.scenario === scenario) ?? null;
      let full = anyProfile(pair.fullTarget)?.cpu_ms_per_response?.['workerd worker'] ?? null;
      let detached = anyProfile(pair.detachedTarget)?.cpu_ms_per_response?.['workerd worker'] ?? null;
      let source = 'profiled';
      if (full === null || detached === null) {
        full = workerCpu(row?.[pair.full]);
        detached = workerCpu(row?.[pair.detached]);
        source = 'measured';
      }
      if (full === null && detached === null && !fullProfile) continue;
      const consumer = full !== null && detached !== null ? full - detached : null;
      const perEvent = (profile, key) => (profile && profile.responses > 0 ? profile.isolate_profile.steps[key].ms / profile.responses : 0);
      const stepRows = {};
      let named = 0;
      for (const step of steps) {
        const matched = fullProfile?.isolate_profile.steps[step.key]?.matched ?? false;
        const inFull = perEvent(fullProfile, step.key);
        const inDetached = perEvent(detachedProfile, step.key);
        const ms = fullProfile === null ? null : matched ? inFull - inDetached : null;
        if (ms !== null) named += ms;
        stepRows[step.key] = { ms_per_event: round(ms), matched, full_ms_per_event: round(inFull), detached_ms_per_event: round(inDetached) };
      }
      targets.push({
        key: pair.key,
        label: pair.label,
        totals_from: source,
        measured_worker_ms_per_event: round(workerCpu(row?.[pair.full])),
        measured_detached_worker_ms_per_event: round(workerCpu(row?.[pair.detached])),
        worker_ms_per_event: round(full),
        detached_worker_ms_per_event: round(detached),
        ingress_ms_per_event: round(detached),
        consumer_ms_per_event: round(consumer),
        delivery_ms_per_event: consumer === null || fullProfile === null ? null : round(consumer - named),
        steps: stepRows,
        profiled: fullProfile ? { responses: fullProfile.responses, rps: fullProfile.rps } : null,
        detached_profiled: detachedProfile ? { responses: detachedProfile.responses, rps: detachedProfile.rps } : null,
      });
    }
    if (targets.length > 0) out.push({ scenario, connections, targets });
  }
  return out;
}

const fmt = (x, digits = 2) => (x === null || x === undefined ? '–' : Number(x).toFixed(digits));
const SIZE = { 'accept-64k': '64 KB', 'accept-512k': '512 KB' };

/** The markdown of results.time_split (an empty list when there is none). */
export function stepSplitSection(results, steps) {
  const split = results.time_split ?? [];
  if (split.length === 0) return [];
  const columns = split.flatMap((s) => s.targets.map((t) => ({ s, t })));
  const cell = (f) => columns.map(({ s, t }) => f(t, s)).join(' | ');
  const stepCell = (t, key) => {
    const step = t.steps[key];
    if (!t.profiled) return 'n/p';
    if (!step?.matched) return '—';
    return fmt(step.ms_per_event);
  };
  const lines = [
    `CPU ms per accepted event of the Worker's own workerd at ${split[0].connections} connections, split into the ingress and the consumer's steps` +
      ' (service: bench/lib/steps.mjs names the functions of each step; "—": no function of that step in the profile, "n/p": no profile):',
    '',
    `| part | ${columns.map(({ s, t }) => `${t.label}, ${SIZE[s.scenario] ?? s.scenario}`).join(' | ')} |`,
    `|---|${columns.map(() => '---:').join('|')}|`,
    `| Worker's workerd, total | ${cell((t) => fmt(t.worker_ms_per_event))} |`,
    `| ingress (the fetch path) | ${cell((t) => fmt(t.ingress_ms_per_event))} |`,
    `| consumer, total | ${cell((t) => fmt(t.consumer_ms_per_event))} |`,
    `| · queue delivery and the rest | ${cell((t) => (t.profiled ? fmt(t.delivery_ms_per_event) : 'n/p'))} |`,
    ...steps.map((step) => `| · ${step.label} | ${cell((t) => stepCell(t, step.key))} |`),
    '',
    '- Total: CPU time of the workerd process that runs the Worker, from /proc, per response of the same profiled runs the steps come from, draining their queue backlog included' +
      (columns.some(({ t }) => t.totals_from === 'measured') ? ' (the measured runs\' for a target this run did not profile: `totals_from` in results.json `time_split`)' : '') +
      '. The measured (unprofiled) runs\' figures, at the higher rates of saturation where consumer batches are fuller, are in `measured_worker_ms_per_event` beside them.',
    "- Ingress: the same for the Worker with its queue consumer detached (the service's config without `[[queues.consumers]]`; the baseline's likewise, bench/.tmp/wrangler.baseline-no-consumer.toml).",
    '- Consumer, total: the full Worker\'s total less the detached one\'s.',
    ...steps.map((step) => `- ${step.label[0].toUpperCase()}${step.label.slice(1)}: ${step.how}, as sampled in the full Worker's profile per event, less the same in the detached Worker's profile per event (the ingress's share of it).`),
    "- Queue delivery and the rest: the consumer's total less the steps above: workerd's delivery of each batch and what runs outside the Worker's isolate in the same process (miniflare's queue broker, its R2 and D1 simulators, SQLite's I/O), and GC.",
    '- Each target\'s runs ran at another moment of a noisy machine: a negative figure is noise of a subtraction.',
    ...senderHealthLines(results, columns),
  ];
  return lines;
}

/**
 * The consumer's CPU per event before and after sender health (issue 29): the service's consumer
 * total with and without its `health` step, for each split size, and at 1 KB from the service's
 * own profile (not split: its share of the consumer's JavaScript, the same profile's steps summed).
 */
function senderHealthLines(results, columns) {
  const parts = columns
    .filter(({ t }) => t.label === 'service' && t.steps.health?.matched && t.consumer_ms_per_event !== null)
    .map(({ s, t }) => `${SIZE[s.scenario] ?? s.scenario}: ${fmt(t.consumer_ms_per_event)} ms per event, ${fmt(t.consumer_ms_per_event - t.steps.health.ms_per_event)} before it`);
  const small = (results.profiles ?? []).find((p) => p.target === 'service' && p.scenario === 'accept-1k' && p.isolate_profile?.steps?.health?.matched);
  if (small) {
    const steps = Object.values(small.isolate_profile.steps).reduce((sum, step) => sum + step.ms, 0);
    const health = small.isolate_profile.steps.health.ms;
    parts.push(`1 KB: ${fmt(health / small.responses)} ms per event, ${Math.round((health / steps) * 100)} % of the consumer's JavaScript in the service's profile`);
  }
  if (parts.length === 0) return [];
  return [`- **Sender health's cost to the consumer** (its counts and shape summaries, off the request path): ${parts.join('; ')}.`];
}
