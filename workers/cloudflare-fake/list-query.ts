/**
 * The list's query, as the SDK sends it (`hostname.exact=…`: it writes nested params with dots) and
 * as older clients do (`hostname=…`): which hostnames, which statuses, what order, which page.
 * Filters the fake does not model (ssl, wildcard, certificate_authority, custom_origin_server) are
 * ignored.
 */
import type { CustomHostname } from 'cloudflare/resources/custom-hostnames/custom-hostnames';
import type { HostnameFilter } from './fake-zone';
import { normalHostname } from './hostname-rules';

export interface ListQuery {
  filter: HostnameFilter;
  hostnameStatus: string | null;
  sslStatus: string | null;
  orderBySsl: boolean;
  descending: boolean;
  page: number;
  perPage: number;
}

export interface ListPage {
  items: CustomHostname[];
  info: { page: number; per_page: number; count: number; total_count: number; total_pages: number };
}

const DEFAULT_PER_PAGE = 20;
// The API's reference bounds per_page (minimum 5, maximum 50 for this list); out-of-range values are
// not described, so the fake clamps them.
const MIN_PER_PAGE = 5;
const MAX_PER_PAGE = 50;

// Hostname filters in the order the fake honours them when several are sent: the docs forbid
// combining them but give no error for it (they give 1438 only for `id` with another filter).
const HOSTNAME_FILTERS = [
  ['hostname', 'exact'],
  ['hostname.exact', 'exact'],
  ['hostname.contain', 'contain'],
  ['hostname.startsWith', 'starts_with'],
] as const;

/** The query, or 'id_with_other_filters' (1438) when `id` comes with a hostname filter. */
export function parseListQuery(params: URLSearchParams): { ok: true; value: ListQuery } | { ok: false; refusal: { error: 'id_with_other_filters' } } {
  const id = params.get('id');
  const hostnameFilters = HOSTNAME_FILTERS.flatMap(([param, match]) => {
    const value = params.get(param);
    return value === null ? [] : [{ by: 'hostname' as const, match, value: normalHostname(value) }];
  });
  if (id !== null && hostnameFilters.length > 0) return { ok: false, refusal: { error: 'id_with_other_filters' } };
  const filter: HostnameFilter = id !== null ? { by: 'id', id } : (hostnameFilters[0] ?? { by: 'all' });
  return {
    ok: true,
    value: {
      filter,
      hostnameStatus: params.get('hostname_status'),
      sslStatus: params.get('ssl_status'),
      orderBySsl: params.get('order') === 'ssl' || params.get('order') === 'ssl_status',
      descending: params.get('direction') === 'desc',
      page: Math.max(1, wholeNumber(params.get('page')) ?? 1),
      perPage: Math.min(MAX_PER_PAGE, Math.max(MIN_PER_PAGE, wholeNumber(params.get('per_page')) ?? DEFAULT_PER_PAGE)),
    },
  };
}

/** The page of `hostnames` (in creation order) the query asks for. */
export function pageOf(hostnames: CustomHostname[], query: ListQuery): ListPage {
  const kept = hostnames.filter(
    (hostname) =>
      (query.hostnameStatus === null || hostname.status === query.hostnameStatus) && (query.sslStatus === null || hostname.ssl?.status === query.sslStatus),
  );
  const ordered = query.orderBySsl ? [...kept].sort((a, b) => (a.ssl?.status ?? '').localeCompare(b.ssl?.status ?? '')) : kept;
  if (query.descending) ordered.reverse();
  const start = (query.page - 1) * query.perPage;
  const items = ordered.slice(start, start + query.perPage);
  return {
    items,
    info: {
      page: query.page,
      per_page: query.perPage,
      count: items.length,
      total_count: ordered.length,
      total_pages: Math.ceil(ordered.length / query.perPage),
    },
  };
}

function wholeNumber(value: string | null): number | null {
  if (value === null) return null;
  const parsed = Number(value);
  return Number.isInteger(parsed) ? parsed : null;
}
