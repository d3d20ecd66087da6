/** Reading what the command line names: JSON given inline, as `@file`, or `-` for stdin; auth specs. */
import { readFileSync } from 'node:fs';
import { CliError } from '../errors';

export async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text;
}

/** The text of `--data`: `@file.json`, `-` (stdin) or the JSON itself. */
export async function dataText(spec: string): Promise<string> {
  if (spec === '-') return readStdin();
  if (spec.startsWith('@')) return readFile(spec.slice(1));
  return spec;
}

export function readFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(`Cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}.`);
  }
}

export function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CliError(`${what} is not valid JSON.`, 'Check the file, or pass the JSON inline in single quotes.');
  }
}

/**
 * `--auth`: a preset name (`stripe`, `github`, …), `standard-webhooks` or `hmac` (the default
 * scheme), `header` or `header:X-Name`, `bearer`, `none`, or the auth object as JSON.
 */
export function authSpec(spec: string): Record<string, unknown> {
  const text = spec.trim();
  if (text.startsWith('{')) return parseJsonText(text, '--auth') as Record<string, unknown>;
  if (text === 'hmac' || text === 'standard-webhooks') return { method: 'hmac' };
  if (text === 'bearer' || text === 'none') return { method: text };
  if (text === 'header') return { method: 'header' };
  if (text.startsWith('header:')) return { method: 'header', header: text.slice('header:'.length) };
  // Anything else is a preset name; the API refuses an unknown one with the list of presets.
  return { method: 'hmac', preset: text };
}
