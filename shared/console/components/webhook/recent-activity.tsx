/**
 * Recent events with their runs (each links to its own page), and recent refusals with their cause
 * and count. Refused requests that passed authentication are kept sealed for a few days and can be
 * replayed against today's schema, with the schema change that would accept them offered beside
 * them; events can be replayed to workflows that have no run for them yet.
 */
import type { FC } from 'hono/jsx';
import type { EventView, KeptRequestView, RefusalView } from '../../../control/responses';
import type { JsonSchema } from '../../../schema';
import { fixStepText, proposeSchemaFix, type FixStep } from '../../../schema/refusal-fix';
import { ActionForm } from './action-form';
import { NamesAsCode } from './settings-forms';
import { When } from './when';

/** A refusal's cause as the person who owns the sender would say it. */
const CAUSES: Record<string, string> = {
  'missing-credential': 'No signature or credential on the request',
  'bad-signature': 'Signature does not match the secret',
  'timestamp-out-of-tolerance': 'Signed too long ago (or clock skew)',
  'unsupported-media-type': 'Not sent as JSON',
  'invalid-json': 'Body is not valid JSON',
  'invalid-form': 'Body is not a valid form',
  'schema-mismatch': 'Payload does not match the schema',
  'payload-too-large': 'Body above the size limit',
  'method-not-allowed': 'Wrong HTTP method',
  'ip-not-allowed': 'Sender address not in the IP allowlist',
  'rate-limited': 'Over the rate limit',
  'not-found': 'Webhook disabled or unknown',
};

export function causeOf(reason: string): string {
  return CAUSES[reason] ?? reason;
}

/** The console page of one event: its runs, its request's metadata, its payload on request. */
export function eventHref(webhookId: string, eventId: string): string {
  return `/webhooks/${webhookId}/events/${eventId}`;
}

/**
 * An event's status in words. Fan-out marks an event dispatched once every listening workflow has
 * its run, so one with no run was handed to nobody: no workflow listened when it arrived.
 */
export function eventStatusText(event: Pick<EventView, 'status' | 'runs'>): string {
  switch (event.status) {
    case 'accepted':
      return 'accepted, waiting to be handed to workflows';
    case 'dispatched':
      return event.runs.length === 0 ? 'accepted — no workflow listens' : 'dispatched';
    case 'dead':
      return 'dead: could not be handed over';
  }
}

/**
 * The hidden descriptions of a table's buttons and links (`aria-describedby`), kept after the
 * table: inside it, an absolutely placed hidden text sits at its cell's place, beyond the table's own
 * scroll box at a phone's width, and widens the page.
 */
const HiddenDescriptions: FC<{ descriptions: [string, string][] }> = ({ descriptions }) => (
  <div>
    {descriptions.map(([id, text]) => (
      <span id={id} class="visually-hidden">
        {text}
      </span>
    ))}
  </div>
);

export const RecentEvents: FC<{ webhookId: string; events: readonly EventView[] | null; workflowNames: ReadonlyMap<string, string>; csrf: string }> = ({ webhookId, events, workflowNames, csrf }) => {
  if (events === null) return <p>The events could not be read just now; reload the page.</p>;
  if (events.length === 0) return <p>No events yet. Send a signed test event above, or point the sender at the URL.</p>;
  return (
    <>
      <table class="events">
        <caption>The latest accepted events, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Received</th>
            <th scope="col">Status</th>
            <th scope="col">Runs</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr id={e.id}>
              <th scope="row">
                <a href={eventHref(webhookId, e.id)}>
                  <code>{e.id}</code>
                </a>
                {e.delivery_id === null ? null : <div class="muted">delivery {e.delivery_id}</div>}
              </th>
              <td>
                <When at={e.received_at} />
              </td>
              <td>
                {eventStatusText(e)}
                {e.error === null ? null : <div class="muted">{e.error}</div>}
              </td>
              <td>
                {e.runs.length === 0 ? (
                  <span class="muted">{e.status === 'accepted' ? 'none yet' : 'none'}</span>
                ) : (
                  <ul class="runs">
                    {e.runs.map((r) => (
                      <li>
                        <code>{r.id}</code> → {workflowNames.get(r.workflow_id) ?? r.workflow_id} ({r.status})
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td>
                {e.payload_state === 'kept' ? (
                  <ActionForm action={`/webhooks/${webhookId}/events/${e.id}/replay`} csrf={csrf} label="Replay" describedBy={`${e.id}-replay-help`} />
                ) : (
                  <span class="muted">{`payload ${e.payload_state}: no replay`}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <HiddenDescriptions descriptions={events.filter((e) => e.payload_state === 'kept').map((e) => [`${e.id}-replay-help`, `Replay ${e.id} to workflows that have no run for it`])} />
    </>
  );
};

export const RecentRefusals: FC<{ refusals: readonly RefusalView[] | null }> = ({ refusals }) => {
  if (refusals === null) return <p>The refusals could not be read just now; reload the page.</p>;
  if (refusals.length === 0) return <p>No refused requests recently.</p>;
  return (
    <table class="refusals" tabindex={0}>
      <caption>Refused requests by cause, newest first (counted together while they repeat)</caption>
      <thead>
        <tr>
          <th scope="col">Cause</th>
          <th scope="col">Answer</th>
          <th scope="col">Count</th>
          <th scope="col">Last seen</th>
          <th scope="col">Detail</th>
        </tr>
      </thead>
      <tbody>
        {refusals.map((r) => (
          <tr>
            <th scope="row">
              {causeOf(r.reason)} <code class="muted">{r.reason}</code>
            </th>
            <td>{r.http_status}</td>
            <td>{r.count}</td>
            <td>
              <When at={r.last_at} />
              {r.count > 1 ? (
                <div class="muted">
                  since <When at={r.first_at} />
                </div>
              ) : null}
            </td>
            <td>{r.detail}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};

/**
 * The schema change that would accept a kept request still waiting for a replay, in words, with a
 * link that opens it in the schema editor (checked there before anything is saved).
 */
function offeredSteps(kept: KeptRequestView, schema: JsonSchema): FixStep[] {
  if (kept.replayed !== null || kept.payload_state !== 'kept' || kept.errors === undefined || kept.errors.length === 0) return [];
  return proposeSchemaFix(schema, kept.errors).steps;
}

const OfferedFix: FC<{ webhookId: string; kept: KeptRequestView; steps: readonly FixStep[] }> = ({ webhookId, kept, steps }) => {
  if (steps.length === 0) return null;
  return (
    <div class="offered-fix">
      {'Fix that would accept it: '}
      {steps.map((step, i) => (
        <>
          {i > 0 ? '; ' : null}
          <NamesAsCode text={fixStepText(step)} />
        </>
      ))}
      .{' '}
      <a href={`/webhooks/${webhookId}/schema/fix?request=${kept.id}#schema-editor`} aria-describedby={`${kept.id}-fix-help`}>
        Open this fix in the schema editor
      </a>
    </div>
  );
};

/** `schema`: the webhook's schema today, from which the fix for each kept request is worked out. */
export const KeptRequests: FC<{ webhookId: string; kept: readonly KeptRequestView[] | null; csrf: string; schema: JsonSchema }> = ({ webhookId, kept, csrf, schema }) => {
  if (kept === null || kept.length === 0) return null;
  const offered = new Map(kept.map((k) => [k.id, offeredSteps(k, schema)]));
  const descriptions: [string, string][] = [];
  for (const k of kept) {
    if (k.replayed === null && k.payload_state === 'kept') descriptions.push([`${k.id}-replay-help`, `Check ${k.id} again against today’s schema and accept it if it passes`]);
    if ((offered.get(k.id) ?? []).length > 0) descriptions.push([`${k.id}-fix-help`, `The schema change that would accept ${k.id}, checked against the workflows before it is saved`]);
  }
  return (
    <>
      <table class="kept">
        <caption>Refused requests kept for replay (they passed authentication; replay checks them against today’s schema)</caption>
        <thead>
          <tr>
            <th scope="col">Request</th>
            <th scope="col">Cause</th>
            <th scope="col">Received</th>
            <th scope="col">Replay</th>
          </tr>
        </thead>
        <tbody>
          {kept.map((k) => (
            <tr id={k.id}>
              <th scope="row">
                <code>{k.id}</code>
              </th>
              <td>
                {causeOf(k.reason)}
                {(k.errors ?? []).length > 0 ? (
                  <ul class="failing-paths">
                    {(k.errors ?? []).map((e) => (
                      <li>
                        <code>{e.path === '' ? '(the whole body)' : e.path}</code> — {e.message}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <div class="muted">{k.detail}</div>
                )}
                <OfferedFix webhookId={webhookId} kept={k} steps={offered.get(k.id) ?? []} />
              </td>
              <td>
                <When at={k.received_at} />
              </td>
              <td>
                {k.replayed !== null ? (
                  <span>
                    replayed as{' '}
                    <a href={eventHref(webhookId, k.replayed.event_id)}>
                      <code>{k.replayed.event_id}</code>
                    </a>
                  </span>
                ) : k.payload_state === 'kept' ? (
                  <ActionForm action={`/webhooks/${webhookId}/rejections/${k.id}/replay`} csrf={csrf} label="Replay" describedBy={`${k.id}-replay-help`} />
                ) : (
                  <span class="muted">{`payload ${k.payload_state}`}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <HiddenDescriptions descriptions={descriptions} />
    </>
  );
};
