// The time-to-401 table: what refusing a forged request costs as its signature header grows.
// bench/micro.bench.mjs measures it (results.micro.signature_flood and the matching benchmark rows);
// bench/render.mjs puts this section into BENCHMARKS.md.
const HEADING = '## Time to 401 against signature entries';

const µs = (ns) => (ns === undefined || ns === null ? '–' : (ns / 1000).toFixed(ns < 100_000 ? 1 : 0));

/** Puts a standalone micro run's signature_flood and its benchmark rows into `results` (in place). */
export function mergeSignatureFlood(results, micro) {
  if (!micro.signature_flood) throw new Error('the micro-benchmark file has no signature_flood (run bench/micro.bench.mjs at this commit)');
  const names = new Set(micro.signature_flood.rows.map((row) => row.name));
  const measured = micro.benchmarks.filter((b) => names.has(b.name));
  if (measured.length === 0) throw new Error('the micro-benchmark file has none of the time-to-401 benchmarks (MICRO_ONLY filtered them out?)');
  results.micro ??= { node: micro.node, checks: [], presets_without_bench: [], benchmarks: [] };
  results.micro.benchmarks = [...results.micro.benchmarks.filter((b) => !names.has(b.name)), ...measured];
  results.micro.signature_flood = { ...micro.signature_flood, node: micro.node };
}

export function signatureFloodSection(results) {
  const flood = results.micro?.signature_flood;
  if (!flood) return `${HEADING}\n\n_Not measured in these results: run bench/micro.bench.mjs (see Rerun)._\n`;
  const byName = new Map((results.micro.benchmarks ?? []).map((b) => [b.name, b]));
  const schemes = [...new Set(flood.rows.map((row) => row.scheme))];
  const counts = [...new Set(flood.rows.map((row) => row.entries))].sort((a, b) => a - b);
  const cell = (scheme, entries) => {
    const row = flood.rows.find((r) => r.scheme === scheme && r.entries === entries);
    const bench = row && byName.get(row.name);
    if (!row || !bench) return '–';
    return `${µs(bench.p50_ns)} µs, ${row.hmacs} HMAC${row.hmacs === 1 ? '' : 's'}${row.refused ? '' : ' ❌ accepted'}`;
  };
  const lines = [
    HEADING,
    '',
    `A forged request with N random signature entries and a ${(flood.body_bytes / 1048576).toFixed(0)} MiB body, one active secret: ` +
      `median time for the verifier to refuse it (Node ${flood.node ?? results.micro.node}, Web Crypto, measured ${flood.measured_at?.slice(0, 16).replace('T', ' ') ?? '–'} UTC), ` +
      `and the HMACs it computed. Each key's HMAC is computed once and every entry compared to it; more than ` +
      `${flood.max_candidates} entries are refused (401 bad-signature, the limit in its detail) before any HMAC. ` +
      'Before, each entry cost one HMAC over the body: 600 entries (a 28 KB header) took 523 ms to answer 401.',
    '',
    `| signature entries | ${schemes.join(' | ')} |`,
    `|---:|${schemes.map(() => '---:').join('|')}|`,
    ...counts.map((entries) => `| ${entries}${entries > flood.max_candidates ? ' (over the cap)' : ''} | ${schemes.map((s) => cell(s, entries)).join(' | ')} |`),
    '',
  ];
  return lines.join('\n');
}

/** The report with the section placed before the micro-benchmarks (or at the end). */
export function withSignatureFloodSection(markdown, results) {
  const section = signatureFloodSection(results);
  const at = markdown.indexOf('\n## Micro-benchmarks');
  return at === -1 ? `${markdown.trimEnd()}\n\n${section}` : `${markdown.slice(0, at + 1)}${section}\n${markdown.slice(at + 1)}`;
}
