/**
 * The success bodies, each typed with the SDK's own response type, so `npm run typecheck` fails
 * the day the fake's answers and the `cloudflare` package's shapes part ways. The types come from
 * the package the service calls the API with; they cost nothing at run time.
 */
import type { V4PagePaginationArrayResponse } from 'cloudflare/core/pagination';
import type {
  CustomHostname,
  CustomHostnameCreateResponse,
  CustomHostnameDeleteResponse,
  CustomHostnameEditResponse,
  CustomHostnameGetResponse,
  CustomHostnameListResponse,
} from 'cloudflare/resources/custom-hostnames/custom-hostnames';
import type { QuotaGetResponse } from 'cloudflare/resources/custom-hostnames/quota';
import { envelope, type Envelope } from './api-errors';
import type { ListPage } from './list-query';

/** POST …/custom_hostnames, answered 201 Created. */
export function createdBody(hostname: CustomHostname): Envelope<CustomHostnameCreateResponse> {
  return envelope(hostname);
}

/** GET …/custom_hostnames/:id. */
export function hostnameBody(hostname: CustomHostname): Envelope<CustomHostnameGetResponse> {
  return envelope(hostname);
}

/** PATCH …/custom_hostnames/:id, answered 202 Accepted. */
export function editedBody(hostname: CustomHostname): Envelope<CustomHostnameEditResponse> {
  return envelope(hostname);
}

/** GET …/custom_hostnames: the page and Cloudflare's full result_info (the SDK reads page and per_page). */
export function listBody(page: ListPage): Envelope<CustomHostnameListResponse[]> & V4PagePaginationArrayResponse<CustomHostnameListResponse> {
  return { ...envelope(page.items), result_info: page.info };
}

/**
 * DELETE …/custom_hostnames/:id. The API reference gives this body as a bare `{id}` and the SDK
 * returns the body as it comes, unwrapped; clients written against the usual envelope read
 * `result.id`. The fake sends both, so either reading finds the id.
 */
export function deletedBody(id: string): CustomHostnameDeleteResponse & Envelope<CustomHostnameDeleteResponse> {
  return { id, ...envelope({ id }) };
}

/** GET …/custom_hostnames/quota. */
export function quotaBody(quota: QuotaGetResponse): Envelope<QuotaGetResponse> {
  return envelope(quota);
}
