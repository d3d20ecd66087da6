#!/usr/bin/env node
// Re-renders the markdown report from a results file written by bench/run.mjs (no measuring):
//   node bench/render.mjs [bench/results.json] [BENCHMARKS.md] [--micro micro.json]
// With --micro, the time-to-401 rows of a micro run made on its own
//   MICRO_ONLY='^401 ' MICRO_JSON=bench/.tmp/micro-401.json node bench/micro.bench.mjs
// are merged into the results file first (and written back), so it stays the report's one source.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderMarkdown } from './lib/report.mjs';
import { mergeSignatureFlood, withSignatureFloodSection } from './lib/signature-flood-report.mjs';

const args = process.argv.slice(2);
const microAt = args.indexOf('--micro');
const microFile = microAt === -1 ? null : args[microAt + 1];
if (microAt !== -1 && !microFile) throw new Error('--micro needs the path of a micro-benchmark JSON file');
const [from = 'bench/results.json', to = 'BENCHMARKS.md'] = microAt === -1 ? args : args.filter((_, i) => i !== microAt && i !== microAt + 1);

const results = JSON.parse(readFileSync(from, 'utf8'));
if (microFile) {
  mergeSignatureFlood(results, JSON.parse(readFileSync(microFile, 'utf8')));
  writeFileSync(from, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`merged the time-to-401 rows of ${microFile} into ${from}`);
}
writeFileSync(to, withSignatureFloodSection(renderMarkdown(results), results));
console.log(`rendered ${from} → ${to}`);
