#!/usr/bin/env node
// `hasp` inside a clone (`npm exec hasp`, `node cli/bin.mjs`, or the root package's bin): runs the
// TypeScript CLI through tsx's loader, so a fresh clone needs only `npm install` (tsx is a
// devDependency) and no build step. The installable package runs the bundle instead
// (cli/dist/hasp.mjs, built by scripts/build-cli.mjs), which needs neither tsx nor the clone.
let register;
try {
  ({ register } = await import('tsx/esm/api'));
} catch {
  process.stderr.write('hasp: tsx is not installed. Run `npm install` in the repository (the CLI runs its TypeScript through tsx), or install the built package (README, "The `hasp` command line").\n');
  process.exit(1);
}
register();
const { run } = await import('./main.ts');
await run();
