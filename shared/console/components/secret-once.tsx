/**
 * A secret made by this very request, shown once with its copy button: after a webhook is created
 * and after its secret is rotated. Only the POST's own response renders it, never a redirect
 * target, so the secret is kept nowhere to be shown again.
 */
import type { FC } from 'hono/jsx';
import { Copyable } from './copy-button';

/** `id` names the secret's `<code>` (what its copy button copies); the heading says which secret it is. */
export const SecretOnce: FC<{ secret: string; heading: string; id: string }> = ({ secret, heading, id }) => (
  <section class="secret-once" role="status" aria-labelledby={`${id}-heading`}>
    <h2 id={`${id}-heading`}>{heading}</h2>
    <p>
      This is the only time the secret is shown. Store it in the sender’s settings (or your secret manager) before you leave this page; the console and the API
      never show it again. If it is lost, rotate the secret from the webhook’s page.
    </p>
    <p>
      <Copyable id={id} value={secret} label="Copy secret" />
    </p>
  </section>
);
