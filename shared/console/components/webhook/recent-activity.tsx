/**
 * Recent events with their runs, and recent refusals with their cause and count. Refused requests
 * that passed authentication are kept sealed for a few days and can be replayed against today's
 * schema; events can be replayed to workflows that have no run for them yet.
 */
import type { FC } from 'hono/jsx';
import { ActionForm } from './action-form';
import type { EventView, KeptRequestView, RefusalView } from '../../../control/responses';
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

const STATUS_TEXT: Record<EventView['status'], string> = {
  accepted: 'accepted, waiting to be handed to workflows',
  dispatched: 'dispatched',
  dead: 'dead: could not be handed over',
};

export const RecentEvents: FC<{ webhookId: string; events: readonly EventView[] | null; workflowNames: ReadonlyMap<string, string>; csrf: string }> = ({ webhookId, events, workflowNames, csrf }) => {
  if (events === null) return <p>The events could not be read just now; reload the page.</p>;
  if (events.length === 0) return <p>No events yet. Send a signed test event above, or point the sender at the URL.</p>;
  return (
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
              <code>{e.id}</code>
              {e.delivery_id === null ? null : <div class="muted">delivery {e.delivery_id}</div>}
            </th>
            <td>
              <When at={e.received_at} />
            </td>
            <td>
              {STATUS_TEXT[e.status]}
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
              <span id={`${e.id}-replay-help`} class="visually-hidden">{`Replay ${e.id} to workflows that have no run for it`}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};

export const RecentRefusals: FC<{ refusals: readonly RefusalView[] | null }> = ({ refusals }) => {
  if (refusals === null) return <p>The refusals could not be read just now; reload the page.</p>;
  if (refusals.length === 0) return <p>No refused requests recently.</p>;
  return (
    <table class="refusals">
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

export const KeptRequests: FC<{ webhookId: string; kept: readonly KeptRequestView[] | null; csrf: string }> = ({ webhookId, kept, csrf }) => {
  if (kept === null || kept.length === 0) return null;
  return (
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
            </td>
            <td>
              <When at={k.received_at} />
            </td>
            <td>
              {k.replayed !== null ? (
                <span>
                  replayed as <code>{k.replayed.event_id}</code>
                </span>
              ) : k.payload_state === 'kept' ? (
                <ActionForm action={`/webhooks/${webhookId}/rejections/${k.id}/replay`} csrf={csrf} label="Replay" describedBy={`${k.id}-replay-help`} />
              ) : (
                <span class="muted">{`payload ${k.payload_state}`}</span>
              )}
              <span id={`${k.id}-replay-help`} class="visually-hidden">{`Check ${k.id} again against today’s schema and accept it if it passes`}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};
