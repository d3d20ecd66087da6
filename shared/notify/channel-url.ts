/**
 * Which URLs a notification channel may post to. Trust boundary: the service posts to whatever a
 * project's token names, so production refuses anything that is not a public https endpoint
 * (private, loopback, link-local and other special-use addresses, and names that only resolve
 * inside a network), and a Slack channel must be Slack's. Local development (LOCAL_HOST_SUFFIX
 * set) also takes http(s) on the loopback, so a developer can watch notifications arrive.
 *
 * A public name that resolves to a private address cannot be caught here (Workers have no
 * resolver); a deployed Worker's fetch reaches only the public internet, and delivery never
 * follows redirects (./deliver.ts), so the name is the last thing a project chooses.
 */
import ipaddr from 'ipaddr.js';

export const CHANNEL_KINDS = ['webhook', 'slack'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** `production` when LOCAL_HOST_SUFFIX is empty (wrangler.toml's [env.production]); `local` otherwise. */
export type UrlPolicy = 'production' | 'local';

export function urlPolicy(env: Pick<Env, 'LOCAL_HOST_SUFFIX'>): UrlPolicy {
  return env.LOCAL_HOST_SUFFIX === '' ? 'production' : 'local';
}

export const MAX_URL_LENGTH = 2048;
export const SLACK_HOST = 'hooks.slack.com';

/** Names that resolve only inside a network or on the machine itself (RFC 6761, 6762, 8375; ICANN's `.internal`). */
const LOCAL_SUFFIXES = ['localhost', 'local', 'internal', 'home.arpa', 'lan'];
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

export type UrlRefusal =
  | { reason: 'not-a-url' }
  | { reason: 'too-long'; length: number }
  | { reason: 'credentials' }
  | { reason: 'not-https'; protocol: string }
  | { reason: 'special-address'; host: string; range: string }
  | { reason: 'local-name'; host: string }
  | { reason: 'not-slack'; host: string };

export type UrlCheck = { ok: true; url: URL } | ({ ok: false } & UrlRefusal);

function refuse(refusal: UrlRefusal): UrlCheck {
  return { ok: false, ...refusal };
}

/** The host without IPv6 brackets or a trailing dot, lower-cased (URL already lower-cases names). */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

function isLoopback(url: URL): boolean {
  return LOOPBACK_NAMES.has(url.hostname) || (ipaddr.isValid(bareHost(url)) && ipaddr.process(bareHost(url)).range() === 'loopback');
}

/** Why `url`'s host is not a public one, or null when it is. */
function privateHost(url: URL): UrlRefusal | null {
  const host = bareHost(url);
  if (ipaddr.isValid(host)) {
    // process() reads an IPv4-mapped IPv6 address as the IPv4 address it carries.
    const range = ipaddr.process(host).range();
    return range === 'unicast' ? null : { reason: 'special-address', host, range };
  }
  if (!host.includes('.') || LOCAL_SUFFIXES.some((suffix) => host === suffix || host.endsWith(`.${suffix}`))) return { reason: 'local-name', host };
  return null;
}

/** `input` as a URL a channel of `kind` may post to under `policy`, or why not. */
export function checkChannelUrl(kind: ChannelKind, input: string, policy: UrlPolicy): UrlCheck {
  if (input.length > MAX_URL_LENGTH) return refuse({ reason: 'too-long', length: input.length });
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return refuse({ reason: 'not-a-url' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return refuse({ reason: 'not-https', protocol: url.protocol });
  if (url.username !== '' || url.password !== '') return refuse({ reason: 'credentials' });
  if (policy === 'local' && isLoopback(url)) return { ok: true, url };
  if (url.protocol !== 'https:') return refuse({ reason: 'not-https', protocol: url.protocol });
  const local = privateHost(url);
  if (local !== null) return refuse(local);
  if (kind === 'slack' && (url.hostname !== SLACK_HOST || url.port !== '' || url.pathname.length <= 1)) return refuse({ reason: 'not-slack', host: url.host });
  return { ok: true, url };
}

/** What a person is told about a refused URL: what is wrong and what to give instead. */
export function urlRefusalMessage(kind: ChannelKind, refusal: UrlRefusal, policy: UrlPolicy): string {
  const dev = policy === 'local' ? ' (in local development, http://127.0.0.1:… and http://localhost:… are accepted too)' : '';
  switch (refusal.reason) {
    case 'not-a-url':
      return kind === 'slack' ? `url must be the Slack incoming-webhook URL, https://${SLACK_HOST}/services/…${dev}` : `url must be an absolute https:// URL${dev}`;
    case 'too-long':
      return `url is ${refusal.length} characters; at most ${MAX_URL_LENGTH}`;
    case 'credentials':
      return 'url must not carry a user name or password: receivers verify the webhook-signature header instead';
    case 'not-https':
      return `url must use https, not ${refusal.protocol.replace(/:$/, '')}${dev}`;
    case 'special-address':
      return `url points at ${refusal.host}, a ${refusal.range} address; notifications go only to public addresses${dev}`;
    case 'local-name':
      return `url names ${refusal.host}, which resolves only inside a network; give a public hostname${dev}`;
    case 'not-slack':
      return `A Slack channel posts to Slack's incoming-webhook URL, https://${SLACK_HOST}/services/…, not ${refusal.host}${dev}`;
  }
}
