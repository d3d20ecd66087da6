/**
 * The webhook page itself, a function of the data the route loaded: its URLs, authentication and
 * secret, traffic, the workflows that handle it, recent events and refusals, schema and settings,
 * each section with the form that changes it.
 */
import type { Child, FC } from 'hono/jsx';
import type { JsonSchema } from '../../../schema';
import { RequestsPerHourChart } from '../../chart';
import { Copyable } from '../../components/copy-button';
import { AuthState, RotateSecretForm } from '../../components/webhook/auth-state';
import { WebhookIssues } from '../../components/issues/issues-table';
import { SchemaProposals } from '../../components/issues/proposal-card';
import { plural } from '../../components/issues/words';
import { HandlersTable } from '../../components/webhook/handlers-table';
import { ActionNotice } from '../../components/webhook/next-step';
import { KeptRequests, RecentEvents, RecentRefusals } from '../../components/webhook/recent-activity';
import { SchemaTree } from '../../components/webhook/schema-tree';
import { ControlsForm, DeleteForm, EnableForm, SchemaChangeForm, TestEventForm, type SchemaDraft } from '../../components/webhook/settings-forms';
import type { WebhookPageData } from '../../components/webhook/types';
import { WebhookUrls } from '../../components/webhook/webhook-urls';

const Section: FC<{ id: string; title: string; children?: Child }> = ({ id, title, children }) => (
  <section id={id} aria-labelledby={`${id}-heading`}>
    <h2 id={`${id}-heading`}>{title}</h2>
    {children}
  </section>
);

/** `schemaDraft`: a schema change in the editor: with its check, a fix proposed for a refused request, or what the API refused. */
export function WebhookPage({ data, csrf, schemaDraft }: { data: WebhookPageData; csrf: string; schemaDraft?: SchemaDraft }) {
  const { webhook } = data;
  const schema = webhook.schema as JsonSchema;
  return (
    // The live refresh (console.js) re-reads the regions marked data-live-region when the feed moves.
    <article class="webhook-view" data-live-feed={`/feed.json?webhook_id=${webhook.id}`}>
      <header class="page-header">
        <h1>{webhook.name}</h1>
        <p>
          <span class={webhook.enabled ? 'badge ok' : 'badge off'}>{webhook.enabled ? 'Enabled' : 'Disabled'}</span>{' '}
          {data.issues !== null && data.issues.length > 0 && (
            <>
              <a class="badge bad" href="#health">
                {plural(data.issues.length, 'open issue')}
              </a>{' '}
            </>
          )}
          <Copyable id="webhook-id" value={webhook.id} label="Copy id" />
        </p>
        {webhook.description === null ? null : <p class="description">{webhook.description}</p>}
      </header>
      <ActionNotice notice={data.notice} webhookId={webhook.id} />
      <nav aria-label="On this page" class="page-toc">
        <ul>
          <li><a href="#urls">URLs</a></li>
          <li><a href="#auth">Authentication</a></li>
          <li><a href="#health">Sender health</a></li>
          <li><a href="#workflows">Workflows</a></li>
          <li><a href="#events">Events</a></li>
          <li><a href="#refusals">Refusals</a></li>
          <li><a href="#schema">Schema</a></li>
          <li><a href="#settings">Settings</a></li>
        </ul>
      </nav>
      <Section id="urls" title="Where senders post">
        <WebhookUrls url={webhook.url} urls={webhook.urls} />
      </Section>
      <Section id="auth" title="Authentication and secret">
        <AuthState auth={webhook.auth} awaitingSecret={webhook.awaiting_secret} secrets={webhook.secrets} />
        <details open={webhook.awaiting_secret}>
          <summary>{webhook.awaiting_secret ? 'Add the sender’s secret' : 'Rotate the secret'}</summary>
          <RotateSecretForm webhookId={webhook.id} auth={webhook.auth} csrf={csrf} awaitingSecret={webhook.awaiting_secret} />
        </details>
      </Section>
      <Section id="health" title="Sender health">
        <h3>Open issues</h3>
        <WebhookIssues webhookId={webhook.id} issues={data.issues} />
        <h3 id="proposals">Proposed schema changes</h3>
        <SchemaProposals proposals={data.proposals} csrf={csrf} />
      </Section>
      <Section id="traffic" title="Requests in the last 24 hours">
        <div id="live-traffic" data-live-region="">
          {data.hours === null ? <p>Request counts are not available just now; reload the page.</p> : <RequestsPerHourChart hours={data.hours} />}
        </div>
      </Section>
      <Section id="workflows" title="Workflows that handle its requests">
        <HandlersTable handlers={data.handlers} webhookId={webhook.id} />
      </Section>
      <Section id="events" title="Recent events and their runs">
        <details>
          <summary>Send a signed test event</summary>
          <TestEventForm webhookId={webhook.id} csrf={csrf} canSign={webhook.auth.method === 'none' || !webhook.awaiting_secret} />
        </details>
        <div id="live-events" data-live-region="">
          <RecentEvents webhookId={webhook.id} events={data.events} workflowNames={data.workflowNames} csrf={csrf} />
        </div>
      </Section>
      <Section id="refusals" title="Recent refusals">
        <div id="live-refusals" data-live-region="">
          <RecentRefusals refusals={data.refusals} />
          <KeptRequests webhookId={webhook.id} kept={data.kept} csrf={csrf} schema={schema} />
        </div>
      </Section>
      <Section id="schema" title="Payload schema">
        <SchemaTree schema={schema} />
        <details open={schemaDraft !== undefined}>
          <summary>Change the schema</summary>
          <SchemaChangeForm webhookId={webhook.id} csrf={csrf} schema={schema} draft={schemaDraft} />
        </details>
      </Section>
      <Section id="settings" title="Settings">
        <h3>Enabled</h3>
        <EnableForm webhook={webhook} csrf={csrf} />
        <h3>Rate limit and IP allowlist</h3>
        <ControlsForm webhook={webhook} csrf={csrf} />
        <h3>Delete</h3>
        <DeleteForm webhook={webhook} csrf={csrf} />
      </Section>
    </article>
  );
}
