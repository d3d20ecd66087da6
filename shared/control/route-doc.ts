/**
 * Each control route is declared once, in one statement: its doc, its audit action and its
 * handlers together (`ControlRoutes.route`). Registering a route is what documents it, so the API
 * cannot serve a route its document omits, or document one it does not serve. GET
 * /v1/openapi.json is built from the docs (./openapi.ts), and the audit middleware (./audit.ts)
 * reads each route's `audit` from them. `body` and `query` are the very valibot schemas the
 * route's validators run, so the document describes what the code checks.
 */
import { Hono } from 'hono';
import type { H, Input } from 'hono/types';
import type * as v from 'valibot';
import type { AuditSpec } from './audit-actions';
import type { ControlEnv } from './context';

export interface RouteDoc {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** The hono path, e.g. `/v1/webhooks/:id`: the route is registered under it. */
  path: string;
  summary: string;
  body?: v.GenericSchema;
  query?: v.GenericSchema;
  /** Status → description; error statuses render as problem+json. */
  responses: Record<number, string>;
  /** False only for routes that need no API token. */
  auth?: boolean;
  /** What the audit log records for each request to this route (a change); absent for reads. */
  audit?: AuditSpec;
}

/** A route's middleware (validators) and handler, as `createFactory().createHandlers` gives them. */
type RouteHandlers = [H<ControlEnv, string, Input>, ...H<ControlEnv, string, Input>[]];

/**
 * The routes of one area of the control API (`/v1/webhooks`, …), under their full paths: the hono
 * app that serves them, mounted at the root of the control app, and the docs that describe them.
 */
export class ControlRoutes {
  readonly app = new Hono<ControlEnv>();
  readonly #docs: RouteDoc[] = [];

  /** Serves `doc.method doc.path` with `handlers`, and documents it with `doc`. */
  route(doc: RouteDoc, ...handlers: RouteHandlers): this {
    this.app.on(doc.method, doc.path, ...handlers);
    this.#docs.push(doc);
    return this;
  }

  /** The docs of the routes served, in the order they were registered (the order hono matches them in). */
  get docs(): readonly RouteDoc[] {
    return this.#docs;
  }
}
