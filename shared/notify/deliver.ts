/**
 * One delivery of one notice to one channel: the request the channel's kind calls for (a signed
 * Standard Webhooks POST, or a Slack message), posted once with a timeout. Used by the queue's
 * consumer (./consumer.ts), which retries, and by the control API's synchronous test.
 *
 * Of the receiver's answer only the status code is read: its body is never kept, logged or shown,
 * so nothing a receiver sends can reach another person's screen. Redirects are not followed: a
 * channel posts to the URL that was checked when it was set (./channel-url.ts), and nowhere else.
 */
import type { IssueNotice } from '../health/types';
import { notificationBody } from './body';
import { openSigningSecrets, openUrl } from './channel-secrets';
import { checkChannelUrl, urlRefusalMessage, type UrlPolicy } from './channel-url';
import type { ChannelRow } from './channel-view';
import { slackMessage } from './slack';
import { signNotification } from './standard-webhooks';

export const DELIVERY_TIMEOUT_MS = 10_000;
const USER_AGENT = 'HASP-Notifications/1.0';

export type DeliveryFailure =
  | { reason: 'status'; status: number }
  | { reason: 'redirect'; status: number }
  | { reason: 'timeout'; seconds: number }
  | { reason: 'unreachable' }
  /** The stored URL does not pass today's rules (./channel-url.ts): nothing was sent. */
  | { reason: 'url-refused'; message: string };

export type DeliveryOutcome = { delivered: true; status: number } | { delivered: false; failure: DeliveryFailure };

/** What a channel's view and the logs say about a failed delivery: the service's words only. */
export function failureText(failure: DeliveryFailure): string {
  switch (failure.reason) {
    case 'status':
      return `The receiver answered ${failure.status}.`;
    case 'redirect':
      return `The receiver answered ${failure.status}, a redirect; redirects are not followed: set the channel's url to the final address.`;
    case 'timeout':
      return `The receiver did not answer within ${failure.seconds} seconds.`;
    case 'unreachable':
      return 'The receiver could not be reached (DNS, connection or TLS failure).';
    case 'url-refused':
      return `Nothing was sent: ${failure.message}. Set a new url.`;
  }
}

export interface OutboundRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface DeliveryInput {
  /** The channel's project's data key: opens its signing secrets or its Slack URL. */
  dataKey: () => Promise<CryptoKey>;
  /** Signing time, epoch ms. */
  now: number;
  /** `https://console.{RUNTIME_DOMAIN}`, for Slack's link to the issue. */
  consoleOrigin: string;
  /** The issue's webhook's name and slug (Slack shows them); null when it is gone. */
  webhook: () => Promise<{ name: string; slug: string } | null>;
  /** The rules the URL is checked against again, at the moment of sending. */
  policy: UrlPolicy;
  fetch: typeof fetch;
  timeoutMs?: number;
  test?: boolean;
}

/**
 * Delivers `notice` to `channel` once. A refused or failed delivery is an outcome; a throw means
 * the service itself failed (D1, a secret that would not open), never the receiver.
 */
export async function deliverNotification(channel: ChannelRow, notice: IssueNotice, input: DeliveryInput): Promise<DeliveryOutcome> {
  const url = channel.kind === 'slack' ? await openUrl(await input.dataKey(), channel.id, required(channel.sealedUrl, channel)) : required(channel.url, channel);
  // Checked again where it is used: a URL stored under other rules (or by a bug) is not posted to.
  const checked = checkChannelUrl(channel.kind, url, input.policy);
  if (!checked.ok) return { delivered: false, failure: { reason: 'url-refused', message: urlRefusalMessage(channel.kind, checked, input.policy) } };
  const request = await outboundRequest(channel, url, notice, input);
  return postNotification(input.fetch, request, input.timeoutMs);
}

function required(value: string | null, channel: ChannelRow): string {
  if (value === null) throw new Error(`${channel.kind} channel ${channel.id} has no url`);
  return value;
}

async function outboundRequest(channel: ChannelRow, url: string, notice: IssueNotice, input: DeliveryInput): Promise<OutboundRequest> {
  const common = { 'content-type': 'application/json', 'user-agent': USER_AGENT };
  const test = input.test ?? false;
  if (channel.kind === 'slack') {
    const message = slackMessage(notice, { consoleOrigin: input.consoleOrigin, webhook: await input.webhook(), test });
    return { url, headers: common, body: JSON.stringify(message) };
  }
  const body = JSON.stringify(notificationBody(notice, { test }));
  const secrets = await openSigningSecrets(await input.dataKey(), channel.id, channel.secrets, input.now);
  const signed = await signNotification({ id: notice.id, body, secrets, url, now: input.now });
  return { url, headers: { ...signed.headers, ...common }, body: signed.body };
}

/** Posts `request` once; any answer but a 2xx, and no answer within `timeoutMs`, is a failure. */
export async function postNotification(fetcher: typeof fetch, request: OutboundRequest, timeoutMs = DELIVERY_TIMEOUT_MS): Promise<DeliveryOutcome> {
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetcher(request.url, { method: 'POST', headers: request.headers, body: request.body, redirect: 'manual', signal });
  } catch {
    // The runtime's error text may name the URL, and a Slack URL is a secret: only the kind is kept.
    return { delivered: false, failure: signal.aborted ? { reason: 'timeout', seconds: timeoutMs / 1000 } : { reason: 'unreachable' } };
  }
  await response.body?.cancel().catch(() => undefined);
  const status = response.status;
  if (status >= 200 && status < 300) return { delivered: true, status };
  if (status >= 300 && status < 400) return { delivered: false, failure: { reason: 'redirect', status } };
  return { delivered: false, failure: { reason: 'status', status } };
}
