#!/usr/bin/env node
// `npm run build:cli`: bundles the `hasp` CLI (cli/) with everything it imports — commander,
// picocolors, valibot, and the pure shared modules (signing schemes, codecs, the schema example) —
// into one file, cli/dist/hasp.mjs, the bin of the installable package cli/package.json. The
// package then has no dependencies, so `npm install -g hasp-cli-<v>.tgz` needs no registry.
//
// Only modules that run in plain Node may go in: a module of the Worker (its bindings, D1, queues)
// would fail at run time outside workerd. `npm run typecheck` checks the CLI with Node's types only
// (tsconfig.node.json, through the CLI's tests); the check below catches an import of such a module
// at build time, by where it lives.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'cli');
const outfile = join(cli, 'dist', 'hasp.mjs');

/** The parts of shared/ that are pure (Web Crypto and plain data), so the CLI may bundle them. */
const PURE_SHARED = ['shared/signatures/', 'shared/encoding/', 'shared/schema/'];

rmSync(join(cli, 'dist'), { recursive: true, force: true });
mkdirSync(join(cli, 'dist'), { recursive: true });

const result = await build({
  // The same two lines cli/bin.mjs runs after registering tsx.
  stdin: { contents: "import { run } from './main.ts';\nawait run();\n", resolveDir: cli, sourcefile: 'hasp-entry.ts', loader: 'ts' },
  outfile,
  // Paths in the metafile are relative to the clone, wherever this runs from (`npm pack ./cli` runs it in cli/).
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // commander and picocolors are CommonJS and require() Node's built-ins; an ES module has no
  // require of its own, so the bundle makes one.
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __haspCreateRequire } from 'node:module';\nconst require = __haspCreateRequire(import.meta.url);" },
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
});

const outside = Object.keys(result.metafile.inputs).filter(
  (input) => !input.startsWith('cli/') && !input.startsWith('node_modules/') && !input.startsWith('<stdin>') && !PURE_SHARED.some((dir) => input.startsWith(dir)),
);
if (outside.length > 0) {
  rmSync(join(cli, 'dist'), { recursive: true, force: true });
  process.stderr.write(`build-cli: the CLI imports modules that are not pure shared code (${PURE_SHARED.join(', ')}):\n  ${outside.join('\n  ')}\n`);
  process.exit(1);
}

// The bundle carries other packages' code, so it carries their licences too (MIT and ISC ask for it).
const bundled = [...new Set(Object.keys(result.metafile.inputs).flatMap((input) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? []))].sort();
const notices = bundled.map((name) => {
  const dir = join(root, 'node_modules', name);
  const licence = readdirSync(dir).find((file) => /^licen[cs]e/i.test(file));
  if (licence === undefined) throw new Error(`build-cli: ${name} is bundled but has no licence file`);
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return `${name}@${version}\n\n${readFileSync(join(dir, licence), 'utf8').trim()}\n`;
});
writeFileSync(join(cli, 'dist', 'THIRD-PARTY-LICENSES.txt'), `hasp bundles these packages:\n\n${notices.join(`\n${'-'.repeat(72)}\n\n`)}`);

const bytes = result.metafile.outputs[relative(root, outfile)]?.bytes ?? 0;
process.stderr.write(`built ${relative(root, outfile)} (${Math.round(bytes / 1024)} KiB)\n`);
