/**
 * The one page that shows a secret the console just made (a webhook created, a secret rotated):
 * `GET /webhooks/:id/secret/:ticket`. The POST that made it keeps it sealed for this session as a
 * secret handoff (../../handoffs.ts) and answers 303 here; this page shows it on its first load and
 * clears it in the same transaction. A reload, the back button or a second tab then reads that it
 * was shown, and another session (or anyone after ten minutes) finds no such page. Nothing here
 * calls the API to change anything, so no load of it rotates or creates a second time.
 */
import type { FC } from 'hono/jsx';
import type { WebhookView } from '../../../control/responses';
import { authLabel } from '../../components/auth-method';
import { Copyable } from '../../components/copy-button';
import { SecretAlreadyShown, SecretOnce } from '../../components/secret-once';
import { sessionHandoffs } from '../../handoffs';
import { renderPage } from '../../layout';
import type { WebhookAction } from './action';
import { notFound, type ViewContext } from './respond';

/** Why the secret was made: the page's words and links follow it. */
export type SecretMade = 'created' | 'rotated';

/** What a secret handoff holds. */
interface SecretRecord {
  secret: string;
  made: SecretMade;
}

function asSecretRecord(value: unknown): SecretRecord | null {
  if (typeof value !== 'object' || value === null) return null;
  const { secret, made } = value as Record<string, unknown>;
  return typeof secret === 'string' && (made === 'created' || made === 'rotated') ? { secret, made } : null;
}

/**
 * Keeps `secret` (made just now for webhook `id`) for this session's one-time page and answers with
 * a 303 to it. Set a flash first to say what was done: the page shows it above the secret.
 */
export async function redirectToSecret(c: ViewContext, id: string, secret: string, made: SecretMade): Promise<Response> {
  const record: SecretRecord = { secret, made };
  const ticket = await sessionHandoffs(c).put('secret', id, record);
  // A secret is at most 512 characters (the API's limit): far below what a handoff holds.
  if (ticket === null) throw new Error('a secret too large for a handoff');
  return c.redirect(`/webhooks/${id}/secret/${ticket}`, 303);
}

const WebhookCreated: FC<{ webhook: WebhookView; secret: string }> = ({ webhook, secret }) => (
  <>
    <h1>Webhook {webhook.name} is created</h1>
    <section aria-labelledby="url-heading">
      <h2 id="url-heading">Where the sender posts</h2>
      {[webhook.url, ...webhook.urls].map((url, i) => (
        <p>
          <Copyable id={`created-url-${i}`} value={url} label="Copy URL" />
        </p>
      ))}
      <p>Authentication: {authLabel(webhook.auth)}</p>
    </section>
    <SecretOnce secret={secret} heading="Signing secret: copy it now" id="created-secret" />
    <p>
      <a href={`/webhooks/${webhook.id}`}>Go to the webhook’s page</a> · <a href="/">All webhooks</a>
    </p>
  </>
);

const SecretRotated: FC<{ webhook: WebhookView; secret: string }> = ({ webhook, secret }) => (
  <>
    <h1>New secret for {webhook.name}</h1>
    <SecretOnce secret={secret} heading="Your new secret" id="new-secret" />
    <p>
      <a href={`/webhooks/${webhook.id}#auth`}>Go to the webhook’s page</a>
    </p>
  </>
);

/** `GET /webhooks/:id/secret/:ticket`. */
export const secretPage: WebhookAction = async (c, id) => {
  // The console's security headers say so for every page; this one must never be kept, whatever they become.
  c.header('cache-control', 'no-store');
  const found = await c.var.api.get<WebhookView>(`/v1/webhooks/${id}`);
  if (!found.ok) return notFound(c);
  const webhook = found.data;
  const taken = await sessionHandoffs(c).take(id, c.req.param('ticket') ?? '');
  switch (taken.state) {
    case 'missing':
      return renderPage(
        c,
        { title: 'No secret to show', current: 'webhooks', status: 404 },
        <>
          <h1>There is no secret to show here</h1>
          <p>
            A new secret is shown once, to the session that made it, within ten minutes. This page is not one of yours, or it expired. If you did not store
            the secret, rotate it on <a href={`/webhooks/${webhook.id}#auth`}>the webhook’s page</a>: the sender then needs the new one.
          </p>
        </>,
      );
    case 'already-shown':
      return renderPage(c, { title: 'Secret already shown', current: 'webhooks' }, <SecretAlreadyShown webhookId={webhook.id} webhookName={webhook.name} />);
    case 'shown': {
      const record = asSecretRecord(taken.value);
      if (record === null) return renderPage(c, { title: 'Secret already shown', current: 'webhooks' }, <SecretAlreadyShown webhookId={webhook.id} webhookName={webhook.name} />);
      return renderPage(
        c,
        { title: record.made === 'created' ? `Created ${webhook.name}` : `New secret for ${webhook.name}`, current: 'webhooks' },
        record.made === 'created' ? <WebhookCreated webhook={webhook} secret={record.secret} /> : <SecretRotated webhook={webhook} secret={record.secret} />,
      );
    }
  }
};
