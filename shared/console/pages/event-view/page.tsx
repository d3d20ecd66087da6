/**
 * An event's page (`/webhooks/:id/events/:eventId`), a function of the data the route loaded: the
 * request's metadata as the API gives it (status, times, delivery id, where the payload stands),
 * the runs it started, and its payload only in the answer to an explicit, audited "Show the
 * payload" (never on a page a reload or a link reaches), with the action that expunges it.
 */
import type { FC } from 'hono/jsx';
import type { EventView, RunView } from '../../../control/responses';
import type { ApiProblem } from '../../api-client';
import { Copyable } from '../../components/copy-button';
import { ProblemNotice } from '../../components/problem-notice';
import { ActionForm } from '../../components/webhook/action-form';
import { eventHref, eventStatusText } from '../../components/webhook/recent-activity';
import { When } from '../../components/webhook/when';
import { CsrfField } from '../../csrf';
import type { EventPageData } from './load';

/** Where the payload stands, in words. */
function payloadStateText(event: EventView): string {
  switch (event.payload_state) {
    case 'kept':
      return 'kept, encrypted; shown only when you ask for it below';
    case 'expunged':
      return 'expunged: deleted wherever it was kept; the metadata and runs stay';
    case 'expired':
      return 'expired: deleted after the webhook’s payload retention; the metadata and runs stay';
  }
}

const RequestFacts: FC<{ data: EventPageData }> = ({ data }) => {
  const { event, webhook } = data;
  return (
    <table class="facts">
      <caption class="visually-hidden">The request’s metadata</caption>
      <tbody>
        <tr>
          <th scope="row">Status</th>
          <td>
            {eventStatusText(event)}
            {event.error === null ? null : <div class="muted">{event.error}</div>}
          </td>
        </tr>
        <tr>
          <th scope="row">Received</th>
          <td>
            <When at={event.received_at} /> <span class="muted">({event.received_at})</span>
          </td>
        </tr>
        <tr>
          <th scope="row">Delivery id</th>
          <td>{event.delivery_id === null ? <span class="muted">none: the sender gave no delivery id</span> : <code>{event.delivery_id}</code>}</td>
        </tr>
        <tr>
          <th scope="row">Webhook</th>
          <td>
            <a href={`/webhooks/${webhook.id}`}>{webhook.name}</a> <code>{webhook.slug}</code>
          </td>
        </tr>
        <tr>
          <th scope="row">Payload</th>
          <td>{payloadStateText(event)}</td>
        </tr>
      </tbody>
    </table>
  );
};

const RunsTable: FC<{ runs: readonly RunView[]; workflowNames: ReadonlyMap<string, string> }> = ({ runs, workflowNames }) => (
  <table class="runs">
    <caption class="visually-hidden">The runs this event started, one per workflow</caption>
    <thead>
      <tr>
        <th scope="col">Run</th>
        <th scope="col">Workflow</th>
        <th scope="col">Status</th>
        <th scope="col">Started</th>
        <th scope="col">Handed over</th>
      </tr>
    </thead>
    <tbody>
      {runs.map((r) => (
        <tr>
          <th scope="row">
            <code>{r.id}</code>
          </th>
          <td>
            <a href={`/workflows/${encodeURIComponent(r.workflow_id)}`}>{workflowNames.get(r.workflow_id) ?? r.workflow_id}</a>
          </td>
          <td>{r.status}</td>
          <td>
            <When at={r.created_at} />
          </td>
          <td>{r.dispatched_at === null ? <span class="muted">not yet</span> : <When at={r.dispatched_at} />}</td>
        </tr>
      ))}
    </tbody>
  </table>
);

const Runs: FC<{ data: EventPageData; csrf: string }> = ({ data, csrf }) => {
  const { event, webhook } = data;
  return (
    <>
      {event.runs.length > 0 ? (
        <RunsTable runs={event.runs} workflowNames={data.workflowNames} />
      ) : (
        <p>{event.status === 'accepted' ? 'None yet: the event is waiting to be handed to the workflows that listen.' : 'None: no workflow listened to this webhook when the event arrived.'}</p>
      )}
      {event.payload_state === 'kept' ? (
        <div class="event-replay">
          <ActionForm action={`${eventHref(webhook.id, event.id)}/replay`} csrf={csrf} label="Replay" describedBy="replay-help" />{' '}
          <span id="replay-help" class="muted">
            Hands the event again to each workflow that has no run for it yet; none runs twice.
          </span>
        </div>
      ) : null}
    </>
  );
};

/** The payload: on request only. `shown` is set only in the answer to that request. */
const Payload: FC<{ data: EventPageData; csrf: string; shown: boolean }> = ({ data, csrf, shown }) => {
  const { event, webhook } = data;
  if (event.payload_state !== 'kept') return <p>{`The payload is ${event.payload_state}: it can no longer be shown or replayed.`}</p>;
  if (shown) {
    return (
      <>
        <p class="warning">
          Shown for this answer only, and recorded in the project’s audit log as a read by your API token. Leave this page when you are done: it is not kept, and
          reloading it reads the payload again (another recorded read).
        </p>
        <pre class="payload" tabindex={0} aria-label="The event’s payload">
          <code>{JSON.stringify(event.payload, null, 2)}</code>
        </pre>
      </>
    );
  }
  return (
    <form method="post" action={`${eventHref(webhook.id, event.id)}/payload#payload`} class="stack">
      <CsrfField token={csrf} />
      <p>
        Payloads may hold protected health information, so it is shown only when you ask, and each read is recorded in the project’s audit log under your API token.
      </p>
      <button type="submit">Show the payload</button>
    </form>
  );
};

const Expunge: FC<{ data: EventPageData; csrf: string }> = ({ data, csrf }) => {
  const { event, webhook } = data;
  if (event.payload_state !== 'kept') return <p>Nothing to expunge: the payload is already gone.</p>;
  return (
    <form method="post" action={`${eventHref(webhook.id, event.id)}/expunge`} class="stack">
      <CsrfField token={csrf} />
      <p>
        Deletes this event’s payload wherever it is kept, at once and for good. The event’s metadata and runs stay; it can no longer be shown or replayed.
      </p>
      <button type="submit" class="danger">
        Expunge the payload
      </button>
    </form>
  );
};

export interface EventPageProps {
  data: EventPageData;
  csrf: string;
  /** True only in the answer to "Show the payload": `data.event.payload` holds it. */
  payloadShown?: boolean;
  /** Why the last action was refused. */
  problem?: { action: string; problem: ApiProblem };
}

export function EventPage({ data, csrf, payloadShown = false, problem }: EventPageProps) {
  const { event, webhook } = data;
  return (
    <article class="event-view">
      <p>
        <a href={`/webhooks/${webhook.id}#events`}>{`Back to ${webhook.name}`}</a>
      </p>
      <header class="page-header">
        <h1>Event</h1>
        <p>
          <Copyable id="event-id" value={event.id} label="Copy id" />
        </p>
      </header>
      {problem === undefined ? null : <ProblemNotice problem={problem.problem} heading={`${problem.action}: refused`} />}
      <section id="request" aria-labelledby="request-heading">
        <h2 id="request-heading">Request</h2>
        <RequestFacts data={data} />
      </section>
      <section id="runs" aria-labelledby="runs-heading">
        <h2 id="runs-heading">Runs</h2>
        <Runs data={data} csrf={csrf} />
      </section>
      <section id="payload" aria-labelledby="payload-heading">
        <h2 id="payload-heading">Payload</h2>
        <Payload data={data} csrf={csrf} shown={payloadShown} />
      </section>
      <section id="expunge" aria-labelledby="expunge-heading">
        <h2 id="expunge-heading">Expunge the payload</h2>
        <Expunge data={data} csrf={csrf} />
      </section>
    </article>
  );
}
