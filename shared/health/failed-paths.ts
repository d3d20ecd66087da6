/**
 * The failing paths of a content refusal as sender health keeps them: each schema error's pointer,
 * with array indices folded to `*` (so `/entries/3/code` and `/entries/7/code` are one path), and
 * the type of the value the sender put there. Only the type: the value never leaves the request.
 */
import { escape, parse } from '../schema/json-pointer';
import { jsonTypeOf } from './json-type';
import type { FailedPath } from './types';

/** One error's path (indices folded) and the type found there, `missing` when nothing is. */
function failedPath(payload: unknown, pointer: string): { path: string; type: FailedPath['type'] } | null {
  const tokens = parse(pointer);
  if (tokens === null) return null;
  let current: unknown = payload;
  let path = '';
  let found = true;
  for (const token of tokens) {
    if (found && Array.isArray(current)) {
      path += '/*';
      const index = Number(token);
      current = Number.isInteger(index) && index >= 0 && index < current.length ? current[index] : undefined;
    } else {
      path += `/${escape(token)}`;
      current = found && current !== null && typeof current === 'object' && Object.hasOwn(current, token) ? (current as Record<string, unknown>)[token] : undefined;
    }
    if (current === undefined) found = false;
  }
  return { path, type: found ? jsonTypeOf(current) : 'missing' };
}

/** The distinct failing (path, type) pairs of one refused payload, each counted once. */
export function failedPaths(payload: unknown, errors: readonly { path: string }[]): FailedPath[] {
  const seen = new Map<string, FailedPath>();
  for (const error of errors) {
    const found = failedPath(payload, error.path);
    if (found === null) continue;
    const key = `${found.path}\n${found.type}`;
    if (!seen.has(key)) seen.set(key, { ...found, count: 1 });
  }
  return [...seen.values()];
}
