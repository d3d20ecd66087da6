#!/usr/bin/env node
// Re-renders the markdown report from a results file written by bench/run.mjs (no measuring):
//   node bench/render.mjs [bench/results.json] [BENCHMARKS.md]
import { readFileSync, writeFileSync } from 'node:fs';
import { renderMarkdown } from './lib/report.mjs';

const [from = 'bench/results.json', to = 'BENCHMARKS.md'] = process.argv.slice(2);
writeFileSync(to, renderMarkdown(JSON.parse(readFileSync(from, 'utf8'))));
console.log(`rendered ${from} → ${to}`);
