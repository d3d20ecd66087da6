#!/usr/bin/env node
// `npx hasp`: runs the TypeScript CLI through tsx's loader, so a fresh clone needs only
// `npm install` (tsx is a devDependency) and no build step.
let register;
try {
  ({ register } = await import('tsx/esm/api'));
} catch {
  process.stderr.write('hasp: tsx is not installed. Run `npm install` in the repository (the CLI runs its TypeScript through tsx).\n');
  process.exit(1);
}
register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv);
