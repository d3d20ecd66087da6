/**
 * Byte limits on what the control API and the console read, and the one middleware that enforces
 * them before anything parses a body. The ingress has its own limit per webhook
 * (`body_limit_bytes`); these protect the isolate's 128 MB from a person's or a script's body.
 */
import type { Context, Env, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { readBodyWithin } from './read-body';

/**
 * A `/v1` JSON body: room for a schema at SCHEMA_LIMITS.MAX_BYTES (256 KiB) beside its other
 * fields, or samples of a few hundred KB to infer from.
 */
export const CONTROL_BODY_LIMIT_BYTES = 512 * 1024;

/** A console form of a few fields (settings, sign-in, rotate-secret, triggers). */
export const CONSOLE_FORM_LIMIT_BYTES = 64 * 1024;

/**
 * A console form that carries a schema or a sample. Url-encoding turns a JSON byte into at most
 * three (`"` → `%22`), so any JSON the API takes still fits once the browser has encoded it.
 */
export const CONSOLE_JSON_FORM_LIMIT_BYTES = 3 * CONTROL_BODY_LIMIT_BYTES;

export interface BodyLimitOptions<E extends Env> {
  /** The limit for this request, in bytes. */
  limitOf: (c: Context<E>) => number;
  /** The 413 answer; the body was not parsed and at most `limit` bytes of it were read. */
  tooLarge: (c: Context<E>, limit: number) => Response | Promise<Response>;
  /** The answer when the client went away mid-body. */
  aborted: (c: Context<E>) => Response | Promise<Response>;
}

/**
 * Reads the request body once, within a limit, before any route sees it: a Content-Length over the
 * limit is refused unread, a chunked body as soon as it passes the limit. The bytes read are left in
 * hono's body cache, which `c.req.json()`, `c.req.text()`, `c.req.parseBody()` and hono's
 * validators read from, so no route reads the stream a second time or past the limit.
 *
 * The Request object itself is kept (not rebuilt from the bytes): the console's in-process calls
 * mark it with their principal (`actAsToken`), and a new Request would lose the mark.
 */
export function bodyLimit<E extends Env>(opts: BodyLimitOptions<E>): MiddlewareHandler<E> {
  return createMiddleware<E>(async (c, next) => {
    if (c.req.raw.body === null) return next();
    const limit = opts.limitOf(c);
    const read = await readBodyWithin(c.req.raw, limit);
    if (read === 'too-large') return opts.tooLarge(c, limit);
    if (read === 'aborted') return opts.aborted(c);
    // hono keeps each cached body as a promise (its other readers call `.then` on it) though its
    // type names the value; Object.assign stores the promise without claiming otherwise.
    Object.assign(c.req.bodyCache, { arrayBuffer: Promise.resolve(wholeBuffer(read)) });
    await next();
  });
}

/** The bytes as an ArrayBuffer of their own (readBodyWithin's are one already; a view is copied). */
function wholeBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes.buffer;
  return bytes.slice().buffer;
}
