/**
 * The control API app as the console holds it: what `createControlApp` returns, called in-process.
 * Its own module so that the session context (./context.ts) and the API client (./api-client.ts)
 * both name it without importing each other.
 */
import type { Hono } from 'hono';

/** hono's view of the execution context: what `c.executionCtx` gives and `app.fetch` takes. */
export type HonoExecutionContext = NonNullable<Parameters<Hono['fetch']>[2]>;

/** An in-process handle on the control API app. */
export interface ControlFetcher {
  fetch(request: Request, env: Env, ctx: HonoExecutionContext): Response | Promise<Response>;
}
