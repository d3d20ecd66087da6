/**
 * Every error the fake answers on the API, with the HTTP status, code and message Cloudflare
 * documents for it, and the envelope they travel in. The SDK turns the status into its error class
 * (400 BadRequestError, 403 PermissionDeniedError, 404 NotFoundError, 409 ConflictError, 429
 * RateLimitError, 5xx InternalServerError) and keeps the envelope's `errors` as `.errors`.
 *
 * Sources:
 * - custom hostnames: "Status codes - Custom hostnames", Cloudflare for Platforms docs,
 *   https://developers.cloudflare.com/cloudflare-for-platforms/cloudflare-for-saas/reference/status-codes/custom-hostnames/
 *   (that table cuts 1407's message at a `|`; the rest is the API's own wording);
 * - authentication: "Making requests" of the Workers API docs (code 9106 for missing auth
 *   headers), answered with HTTP 400 as the API does; a malformed header is the API's 6003/6111;
 * - rate limiting: "Rate limits", https://developers.cloudflare.com/fundamentals/api/reference/limits/
 *   (HTTP 429 with `retry-after` in seconds); the body's 971 is what the API sends, not in the docs;
 * - no route: 7000 "No route for that URI" as the API sends it; the docs give no status, 404 is the
 *   fake's choice.
 */

export interface ApiError {
  status: number;
  code: number;
  /** `{detail}` is replaced by the detail the caller passes (1410's reason). */
  message: string;
  error_chain?: ReadonlyArray<{ code: number; message: string }>;
}

export const API_ERRORS = {
  invalid_json: { status: 400, code: 1400, message: 'Unable to decode the JSON request body. Check your input and try again.' },
  invalid_hostname: {
    status: 400,
    code: 1407,
    message:
      "Invalid custom hostname. Custom hostnames have to be smaller than 256 characters in length, cannot be IP addresses, cannot contain spaces, cannot contain any special characters such as _~`!@#$%^*()=+{}[]|\\;:'\",<>/? and cannot begin or end with a '-' character. Check your input and try again.",
  },
  non_ascii_hostname: { status: 400, code: 1408, message: 'Custom hostnames with non-ASCII characters are not supported. Check your input and try again.' },
  reserved_tld: {
    status: 400,
    code: 1409,
    message: "Reserved top domain custom hostnames, such as 'test', 'example', 'invalid' or 'localhost', is not supported. Check your input and try again.",
  },
  unparseable_hostname: { status: 400, code: 1410, message: 'Unable to parse custom hostname - {detail}. Check your input and try again.' },
  example_domain: {
    status: 400,
    code: 1411,
    message: 'Custom hostnames ending in example.com, example.net, or example.org are prohibited. Check your input and try again.',
  },
  invalid_dcv_method: {
    status: 400,
    code: 1432,
    message: "The validation method is not supported. Only 'http', 'email', or 'txt' are accepted. Check your input and try again.",
  },
  invalid_validation_type: { status: 400, code: 1433, message: "The validation type is not supported. Only 'dv' is accepted. Check your input and try again." },
  invalid_ssl: { status: 400, code: 1434, message: 'The SSL attribute is invalid. Refer to the API documentation, check your input and try again.' },
  invalid_id: { status: 400, code: 1435, message: 'The custom hostname ID is invalid. Check your input and try again.' },
  not_found: { status: 404, code: 1436, message: 'The custom hostname was not found.' },
  id_with_other_filters: {
    status: 400,
    code: 1438,
    message: 'Cannot specify other filter parameters in addition to `id`. Only one must be specified. Check your input and try again.',
  },
  ssl_method_and_type_required: { status: 400, code: 1440, message: 'Both validation type and validation method are required. Check your input and try again.' },
  invalid_bundle_method: { status: 400, code: 1449, message: 'The request input `bundle_method` must be one of: ubiquitous, optimal, force.' },
  quota_not_allocated: {
    status: 403,
    code: 1404,
    message:
      'No quota has been allocated for this zone. If you are already a paid Cloudflare for SaaS customer, contact your account team for additional provisioning. If you are not yet enrolled, fill out this contact form and our sales team will reach out to you.',
  },
  quota_exceeded: {
    status: 403,
    code: 1405,
    message:
      'Quota exceeded. If you are already a paid Cloudflare for SaaS customer, contact your account team for additional provisioning. If you are not yet enrolled, fill out this contact form and our sales team will reach out to you.',
  },
  duplicate: { status: 409, code: 1406, message: 'Duplicate custom hostname found.' },
  missing_auth: { status: 400, code: 9106, message: 'Missing X-Auth-Key, X-Auth-Email or Authorization headers' },
  malformed_auth: {
    status: 400,
    code: 6003,
    message: 'Invalid request headers',
    error_chain: [{ code: 6111, message: 'Invalid format for Authorization header' }],
  },
  rate_limited: { status: 429, code: 971, message: 'Please wait and consider throttling your request speed' },
  internal: { status: 500, code: 1500, message: 'Internal Server Error' },
  no_route: { status: 404, code: 7000, message: 'No route for that URI' },
} as const satisfies Record<string, ApiError>;

export type ApiErrorName = keyof typeof API_ERRORS;

/** Cloudflare's v4 envelope around a result. */
export interface Envelope<T> {
  success: true;
  errors: [];
  messages: [];
  result: T;
}

export function envelope<T>(result: T): Envelope<T> {
  return { success: true, errors: [], messages: [], result };
}

/** The JSON response Cloudflare sends for `name`; `status` overrides the documented one (a gateway outage). */
export function apiFailure(name: ApiErrorName, options: { detail?: string; status?: number; headers?: HeadersInit } = {}): Response {
  const error: ApiError = API_ERRORS[name];
  const message = error.message.replace('{detail}', options.detail ?? '');
  const item = error.error_chain ? { code: error.code, message, error_chain: error.error_chain } : { code: error.code, message };
  return jsonResponse({ success: false, errors: [item], messages: [], result: null }, options.status ?? error.status, options.headers);
}

export function jsonResponse(body: unknown, status: number, headers?: HeadersInit): Response {
  const response = new Response(JSON.stringify(body), { status, headers });
  response.headers.set('content-type', 'application/json');
  return response;
}
