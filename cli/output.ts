/**
 * What the CLI prints: `--json` writes the API's JSON to stdout for scripts; otherwise aligned
 * tables and labelled fields, coloured only when stdout is a TTY (and NO_COLOR is unset).
 * Errors go to stderr with the fix; their exit code is non-zero.
 */
import pc from 'picocolors';
import { CliError } from './errors';

export const isTTY = Boolean(process.stdout.isTTY);
export const colour = pc.createColors(isTTY && !process.env.NO_COLOR);

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function line(text = ''): void {
  process.stdout.write(`${text}\n`);
}

const ANSI = /\u001b\[[0-9;]*m/g;
const width = (text: string) => text.replace(ANSI, '').length;

/** Rows under a header, each column as wide as its widest cell. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const pad = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - width(c)))).join('  ');
  line(colour.bold(pad(headers)));
  for (const row of rows) line(pad(row));
}

/** `label  value` lines, labels aligned. */
export function fields(pairs: readonly [string, string][]): void {
  const w = Math.max(...pairs.map(([label]) => label.length));
  for (const [label, value] of pairs) line(`${colour.dim(label.padEnd(w))}  ${value}`);
}

export function statusColour(status: number): (text: string) => string {
  if (status >= 200 && status < 300) return colour.green;
  if (status >= 400 && status < 500) return colour.yellow;
  return colour.red;
}

/** Prints a failure (to stderr; with --json also its problem to stdout) and answers the exit code. */
export function reportError(err: unknown, json: boolean): number {
  if (!(err instanceof CliError)) {
    process.stderr.write(`${colour.red('Error:')} ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  if (json) printJson({ error: { message: err.message, hint: err.hint, problem: err.problem } });
  const out: string[] = [`${colour.red('Error:')} ${err.message}`];
  for (const e of err.problem?.errors ?? []) out.push(`  ${colour.yellow(e.path === '' ? '(body)' : e.path)}  ${e.message}`);
  const dependents = err.problem?.dependents ?? [];
  if (dependents.length > 0) {
    out.push('Dependents:');
    for (const d of dependents) out.push(`  ${d.id}  ${d.name}${d.class ? `  class ${d.class}` : ''}`);
  }
  if (err.hint !== null) out.push(colour.dim(err.hint));
  process.stderr.write(`${out.join('\n')}\n`);
  return err.exitCode;
}

/** A progress bar on a TTY (redrawn in place); nothing otherwise. */
export function progress(done: number, total: number, label: string): void {
  if (!isTTY) return;
  const size = 30;
  const filled = total === 0 ? size : Math.min(size, Math.round((done / total) * size));
  process.stdout.write(`\r${colour.cyan('█'.repeat(filled))}${colour.dim('░'.repeat(size - filled))} ${done}/${total} ${label}   `);
}

export function endProgress(): void {
  if (isTTY) process.stdout.write('\n');
}
