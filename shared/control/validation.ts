/**
 * Request validation for the control API: every body and query string is parsed by a valibot
 * schema, and every failure becomes one problem+json that names each bad field as a JSON Pointer
 * into the request (`errors: [{ path: "/auth/header", message }]`), so a caller fixes all of them
 * in one pass. The same schemas feed GET /v1/openapi.json, so the document cannot drift.
 */
import { validator } from 'hono/validator';
import * as v from 'valibot';
import { ProblemError } from '../http/problem';
import { escape } from '../schema/json-pointer';

/** One bad field of a request, at its JSON Pointer ('' is the whole body). */
export interface FieldError {
  path: string;
  message: string;
}

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/** The JSON Pointer of a valibot issue; unknown keys get a message that says so. */
export function issueToError(issue: v.BaseIssue<unknown>, prefix = ''): FieldError {
  const keys = (issue.path ?? []).map((item) => String(item.key));
  const path = prefix + keys.map((key) => `/${escape(key)}`).join('');
  const unknownKey = issue.expected === 'never' && keys.length > 0;
  return { path, message: unknownKey ? `Unknown field "${keys[keys.length - 1] ?? ''}"` : issue.message };
}

/** Whether a planning step (whose results have no `path`) answered with a bad field instead. */
export function isFieldError<T extends object>(value: T | FieldError): value is FieldError {
  return 'path' in value;
}

/** The 400 every invalid request gets. */
export function invalidRequest(errors: readonly FieldError[], detail?: string): ProblemError {
  const count = errors.length;
  return new ProblemError('invalid-request', detail ?? `The request has ${count} invalid field${count === 1 ? '' : 's'}; see errors.`, {
    errors,
  });
}

/** Parses `input` with `schema` or throws the 400 listing every issue. */
export function parseOrThrow<S extends v.GenericSchema>(schema: S, input: unknown, prefix = ''): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (!result.success) throw invalidRequest(result.issues.map((issue) => issueToError(issue, prefix)));
  return result.output;
}

/**
 * A JSON body validated by `schema`. A request without a body counts as `{}` (so routes whose
 * fields are all optional need none); a body of another media type is 415.
 */
export function jsonBody<S extends v.GenericSchema>(schema: S) {
  return validator('json', async (value, c): Promise<v.InferOutput<S>> => {
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0]?.trim() ?? '';
    let input: unknown = value;
    if (!JSON_MEDIA_TYPE.test(mediaType)) {
      const text = await c.req.text();
      if (text.trim() !== '') {
        throw new ProblemError('unsupported-media-type', 'Send the request body as JSON with `Content-Type: application/json`.');
      }
      input = {};
    }
    return parseOrThrow(schema, input);
  });
}

/** The query string validated by `schema` (each parameter given once, as a string). */
export function queryParams<S extends v.GenericSchema>(schema: S) {
  return validator('query', (value): v.InferOutput<S> => {
    const errors: FieldError[] = [];
    const flat: Record<string, string> = {};
    for (const [key, raw] of Object.entries(value)) {
      if (Array.isArray(raw)) errors.push({ path: `/${escape(key)}`, message: `Give ${key} once` });
      else if (typeof raw === 'string') flat[key] = raw;
    }
    if (errors.length > 0) throw invalidRequest(errors);
    return parseOrThrow(schema, flat);
  });
}
