/**
 * `hasp` as a person runs it: `node cli/bin.mjs …` as a child process (what `npx hasp` runs), and
 * what an in-process command writes to stdout or stderr.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { vi } from 'vitest';

const BIN = join(process.cwd(), 'cli', 'bin.mjs');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with `env` over this process's (an undefined value unsets a variable), colours off. */
export function runHasp(args: string[], env: Record<string, string | undefined>, input?: string): Promise<CliRun> {
  return new Promise((resolve) => {
    const merged: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...env };
    for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
    const child = execFile('node', [BIN, ...args], { env: merged as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
    child.stdin?.end(input);
  });
}

/** Everything written to `stream` from now on, kept from the terminal (vitest restores the spy). */
export function captured(stream: 'stdout' | 'stderr'): { text: () => string } {
  let text = '';
  vi.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  });
  return { text: () => text };
}
