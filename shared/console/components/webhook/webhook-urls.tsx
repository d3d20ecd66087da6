import type { FC } from 'hono/jsx';
import { Copyable } from '../copy-button';

/** Where the sender posts: the org's runtime URL and any verified custom hostnames, each copyable. */
export const WebhookUrls: FC<{ url: string; urls: readonly string[] }> = ({ url, urls }) => (
  <ul class="plain">
    {[url, ...urls].map((u, i) => (
      <li>
        <Copyable id={`webhook-url-${i}`} value={u} label={i === 0 ? 'Copy URL' : `Copy URL ${i + 1}`} />
      </li>
    ))}
  </ul>
);
