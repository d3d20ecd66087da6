/**
 * HTTP for the CLI over node:http(s): Node's fetch drops the Host header, and `*.localhost` hosts
 * (the dev server's `api.localhost`, `acme.localhost`) are reached at 127.0.0.1 with the Host
 * header naming them, as a browser would.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { checkApiUrl } from './api-url';
import { CliError, type ProblemBody } from './errors';
import type { ResolvedConfig } from './config';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One request to `url`; rejects only when the host cannot be reached. */
export function send(method: string, url: string, headers: Record<string, string>, body?: string): Promise<HttpAnswer> {
  const target = new URL(url);
  const local = target.hostname === 'localhost' || target.hostname.endsWith('.localhost');
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: local ? '127.0.0.1' : target.hostname,
        port: target.port || (target.protocol === 'https:' ? 443 : 80),
        method,
        path: `${target.pathname}${target.search}`,
        headers: { ...headers, host: target.host, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }) },
        servername: local ? undefined : target.hostname,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export function parseJson(text: string): unknown {
  try {
    return text === '' ? null : (JSON.parse(text) as unknown);
  } catch {
    return text;
  }
}

const HOW_TO_AUTHENTICATE = 'Run `hasp login --token <project API token>`, or set HASP_API_TOKEN (and HASP_API_URL for a service other than the local `npm run dev`).';
const CHECK_GIVEN_TOKEN = 'Nothing was stored. Check the token (`npm run dev` prints the project API token in its banner) and the API URL (--api-url, else HASP_API_URL).';

/** A 401, blamed on where the token came from: the fix differs for each. */
function tokenRefused(config: ResolvedConfig, problem: ProblemBody): CliError {
  const by = `was refused by ${config.apiUrl}.`;
  switch (config.tokenSource) {
    case 'HASP_API_TOKEN':
      return new CliError(`The API token in HASP_API_TOKEN ${by}`, 'Set HASP_API_TOKEN to a project API token of this service, or unset it to use the one `hasp login` stored.', problem);
    case 'config file':
      return new CliError(`The API token stored in ${config.file} ${by}`, HOW_TO_AUTHENTICATE, problem);
    case '--token':
      return new CliError(`The token given with --token ${by}`, CHECK_GIVEN_TOKEN, problem);
    case 'prompt':
      return new CliError(`The token you entered ${by}`, CHECK_GIVEN_TOKEN, problem);
    case null:
      return new CliError(`The request ${by}`, HOW_TO_AUTHENTICATE, problem);
  }
}

/** A host that did not answer, and where to look: the local dev server, or the configured URL. */
function unreachable(apiUrl: string, config: ResolvedConfig, err: unknown): CliError {
  const code = (err as NodeJS.ErrnoException).code ?? 'error';
  const host = new URL(apiUrl).hostname;
  const local = host === 'localhost' || host.endsWith('.localhost') || host === '127.0.0.1';
  const hint = local ? `Is \`npm run dev\` running? (The URL came from ${config.apiUrlSource}.)` : `Check the URL (from ${config.apiUrlSource}) and your network.`;
  return new CliError(`Cannot reach the control API at ${apiUrl} (${code}).`, hint);
}

/** The control API as the configured token sees it; every non-2xx answer becomes a CliError. */
export class ApiClient {
  constructor(private readonly config: ResolvedConfig) {}

  get apiUrl(): string {
    return this.config.apiUrl;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = this.config.token;
    if (token === null) throw new CliError('No API token is configured.', HOW_TO_AUTHENTICATE);
    const apiUrl = checkApiUrl(this.config.apiUrl, this.config.apiUrlSource);
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json', 'user-agent': 'hasp-cli' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let answer: HttpAnswer;
    try {
      answer = await send(method, `${apiUrl}${path}`, headers, body === undefined ? undefined : JSON.stringify(body));
    } catch (err) {
      throw unreachable(apiUrl, this.config, err);
    }
    const parsed = parseJson(answer.text);
    if (answer.status >= 200 && answer.status < 300) return parsed as T;
    const problem = (typeof parsed === 'object' && parsed !== null ? parsed : { detail: String(parsed) }) as ProblemBody;
    if (answer.status === 401) throw tokenRefused(this.config, problem);
    throw new CliError(problem.detail ?? problem.title ?? `The control API answered ${answer.status}.`, null, { status: answer.status, ...problem });
  }

  /** Every item of a paged list. */
  async all<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const page: { data: T[]; next_cursor: string | null } = await this.request('GET', `${path}${separator}limit=100${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
      items.push(...page.data);
      cursor = page.next_cursor;
    } while (cursor !== null);
    return items;
  }
}
