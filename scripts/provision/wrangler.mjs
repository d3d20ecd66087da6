/**
 * Runs wrangler's own commands, as the operator would type them, and says what each answered.
 *
 * `HASP_WRANGLER` names another program to run in wrangler's place (test/node/fixtures/
 * wrangler-standin.mjs answers from a state file). stdin is closed, so wrangler knows it is not
 * interactive: it prompts for nothing (it skips `d1 migrations apply`'s confirmation, as in CI) and,
 * without credentials, fails at once instead of opening a browser to log in.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

/** @typedef {{ ok: boolean; code: number | null; stdout: string; stderr: string }} WranglerResult */
/** @typedef {(args: string[]) => Promise<WranglerResult>} Wrangler */

/** The program and leading arguments that stand for `wrangler`. */
export function wranglerProgram(repoRoot, override = process.env.HASP_WRANGLER) {
  if (override !== undefined && override !== '') {
    return /\.(mjs|cjs|js)$/.test(override) ? [process.execPath, path.resolve(override)] : [override];
  }
  // The repository's own wrangler (package.json pins it), never one found on PATH.
  return [process.execPath, path.join(repoRoot, 'node_modules', 'wrangler', 'bin', 'wrangler.js')];
}

/**
 * A function that runs `wrangler <args>` in `cwd` and resolves with its exit code and output; it
 * never rejects for a command that fails (the caller decides what a failure means).
 * @returns {Wrangler}
 */
export function createWrangler({ program, cwd }) {
  const [command, ...leading] = program;
  return (args) =>
    new Promise((resolve) => {
      const child = spawn(command, [...leading, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
      child.on('error', (error) => resolve({ ok: false, code: null, stdout, stderr: `${stderr}${error.message}` }));
      child.on('close', (code) => resolve({ ok: code === 0, code, stdout, stderr }));
    });
}

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** Text without terminal colours. */
export function plain(text) {
  return text.replace(ANSI, '');
}

/** Why a command failed, in one line: wrangler's `[ERROR]` message, else its last line of output. */
export function failureReason(result) {
  const lines = plain(`${result.stderr}\n${result.stdout}`)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const error = lines.find((line) => line.includes('[ERROR]'));
  const reason = error === undefined ? lines.at(-1) ?? `exit code ${result.code}` : error.slice(error.indexOf('[ERROR]') + '[ERROR]'.length).trim();
  return reason.length > 240 ? `${reason.slice(0, 237)}...` : reason;
}
