/**
 * A secret the console just made, shown once with its copy button: after a webhook is created and
 * after its secret is rotated. Only the one-time secret page renders it
 * (pages/webhook-view/secret-page.tsx), on its first load; every later load of that page renders
 * `SecretAlreadyShown` instead.
 */
import type { FC } from 'hono/jsx';
import { Copyable } from './copy-button';

/** `id` names the secret's `<code>` (what its copy button copies); the heading says which secret it is. */
export const SecretOnce: FC<{ secret: string; heading: string; id: string }> = ({ secret, heading, id }) => (
  <section class="secret-once" role="status" aria-labelledby={`${id}-heading`}>
    <h2 id={`${id}-heading`}>{heading}</h2>
    <p>
      This is the only time the secret is shown. Store it in the sender’s settings (or your secret manager) before you leave this page; the console and the API
      never show it again, and reloading this page will not show it. If it is lost, rotate the secret from the webhook’s page.
    </p>
    <p>
      <Copyable id={id} value={secret} label="Copy secret" />
    </p>
  </section>
);

/** The secret page once it was shown: what to do if the secret was not stored. Nothing is rotated by reading it. */
export const SecretAlreadyShown: FC<{ webhookId: string; webhookName: string }> = ({ webhookId, webhookName }) => (
  <>
    <h1>This secret was already shown</h1>
    <p>
      A new secret of {webhookName} is shown once, on the page right after it was made, and this page has shown it. Nothing was rotated or created again by
      opening it.
    </p>
    <p>
      <strong>Next step:</strong> if you did not store the secret, rotate it on <a href={`/webhooks/${webhookId}#auth`}>the webhook’s page</a>, then give the
      new one to the sender.
    </p>
  </>
);
