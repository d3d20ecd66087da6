/**
 * `X-Content-Type-Options: nosniff` on every response of the service, set once where the Worker
 * answers (workers/hasp/worker.ts), so no app, error path or early 404 can miss it: a browser must
 * never run a problem+json body, a console asset or an ingress reply as something else.
 */

/** The response with the header set: the same object when its headers can be changed, else a copy. */
export function withNosniff(response: Response): Response {
  try {
    response.headers.set('x-content-type-options', 'nosniff');
    return response;
  } catch {
    // Headers are immutable on some responses (one passed through from a fetch, Response.redirect):
    // only those are copied, so the ingress's hot path pays one header set.
    const copy = new Response(response.body, response);
    copy.headers.set('x-content-type-options', 'nosniff');
    return copy;
  }
}
