/**
 * The control API's base URL as the CLI uses it: `http(s)://api.{domain}[:port]`, without the
 * `/v1` every API path starts with. People paste what they were shown — the dev banner's
 * `http://api.localhost:8787/v1`, or the org host of a webhook URL — so the first is accepted as it
 * is, and anything that cannot be the API is refused with the URL to use instead, before a request
 * goes out and fails in a way that points elsewhere ("is npm run dev running?").
 */
import { CliError } from './errors';

/** Where the hosts of the service live: production's runtime domain, and dev's `*.localhost`. */
const SERVICE_DOMAINS = ['usehasp.run', 'localhost'] as const;

const AS_PRINTED = 'Give it with its scheme, as `npm run dev` prints it: http://api.localhost:8787/v1 (production: https://api.usehasp.run/v1).';

/** Trailing slashes and one trailing `/v1` removed: the client adds `/v1/…` to every path itself. */
export function trimApiUrl(raw: string): string {
  return raw.trim().replace(/\/+$/, '').replace(/\/v1$/i, '').replace(/\/+$/, '');
}

/** The API origin for a host of the service (`acme.localhost:8787` → `http://api.localhost:8787`). */
function apiOriginBeside(url: URL, domain: string): string {
  return `${url.protocol}//api.${domain}${url.port === '' ? '' : `:${url.port}`}`;
}

/**
 * `raw` (already trimmed) if it can be the control API; otherwise a CliError that names where the
 * URL came from (`HASP_API_URL`, `--api-url`, the config file) and what to set instead.
 */
export function checkApiUrl(raw: string, from: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`The API URL "${raw}" (from ${from}) is not a URL.`, AS_PRINTED);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`The API URL "${raw}" (from ${from}) is not an http(s) URL.`, AS_PRINTED);
  }
  const host = url.hostname.toLowerCase();
  const domain = SERVICE_DOMAINS.find((d) => host.endsWith(`.${d}`));
  if (domain !== undefined && host !== `api.${domain}`) {
    const role = host === `console.${domain}` ? 'the console' : 'a webhook host (where senders post events)';
    throw new CliError(`${url.origin} (from ${from}) is ${role}, not the control API.`, `The API is ${apiOriginBeside(url, domain)}/v1: set HASP_API_URL to it (or pass --api-url to hasp login).`);
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw new CliError(`The API URL "${raw}" (from ${from}) has a path the API does not have.`, `Give the API's origin, optionally with /v1: ${url.origin}/v1.`);
  }
  return url.origin;
}
