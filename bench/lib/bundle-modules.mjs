// The service's modules are TypeScript, so the micro-benchmarks bundle what they measure with the
// esbuild already in node_modules (no tsx, no ts-node) and import the bundle.
import { build } from 'esbuild';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
// bench/.tmp/ is gitignored, so the bundles never show up as changes.
const tmp = new URL('../.tmp/', import.meta.url);

/**
 * Bundles `exportLines` (export statements, paths relative to the repository root) into
 * bench/.tmp/<name>.mjs and returns the imported module. `plugins` (esbuild's) may swap a module
 * for another, to time two implementations behind one import.
 */
export async function bundleModules(name, exportLines, plugins = []) {
  const outfile = fileURLToPath(new URL(`${name}.mjs`, tmp));
  await mkdir(fileURLToPath(tmp), { recursive: true });
  await build({
    stdin: { contents: exportLines.join('\n'), resolveDir: root, loader: 'ts' },
    bundle: true,
    format: 'esm',
    // As in workerd: no Node built-ins slip in. Neutral has no default mainFields, so they are named.
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2022',
    outfile,
    logLevel: 'warning',
    plugins,
  });
  return import(outfile);
}
