/**
 * The event page's routes, under the webhook's (`/webhooks/:id/events/:eventId`):
 * - `GET`: the page: metadata and runs, never the payload.
 * - `POST …/payload`: the payload, read with `include=payload` (the API records the read in the
 *   audit log before it answers), rendered in this answer only and never stored (no-store). A
 *   reload reads it again, and that read is recorded too; nothing else is changed by it.
 * - `POST …/expunge`: the API's expunge, then a 303 back to the page (post/redirect/get), done or
 *   refused.
 */
import type { EventView } from '../../../control/responses';
import type { ApiProblem } from '../../api-client';
import { eventHref } from '../../components/webhook/recent-activity';
import { setFlash } from '../../flash';
import { renderPage, type PageOptions } from '../../layout';
import { API_ID, type WebhookAction } from '../webhook-view/action';
import type { ViewContext } from '../webhook-view/respond';
import { loadEventPage } from './load';
import { EventPage } from './page';

type PageStatus = NonNullable<PageOptions['status']>;
const PAGE_STATUSES: readonly PageStatus[] = [400, 404, 409, 500, 502, 503];

function eventIdOf(c: ViewContext): string | null {
  const eventId = c.req.param('eventId') ?? '';
  return API_ID.test(eventId) ? eventId : null;
}

function eventNotFound(c: ViewContext, webhookId: string): Promise<Response> {
  return renderPage(
    c,
    { title: 'Event not found', current: 'webhooks', status: 404 },
    <>
      <h1>No such event for this webhook</h1>
      <p>
        Its metadata may have passed the webhook’s retention, or it belongs to another webhook or project. See <a href={`/webhooks/${webhookId}#events`}>the webhook’s recent events</a>.
      </p>
    </>,
  );
}

async function eventPage(c: ViewContext, id: string, opts: { payload?: boolean } = {}): Promise<Response> {
  const eventId = eventIdOf(c);
  if (eventId === null) return eventNotFound(c, id);
  const loaded = await loadEventPage(c.var.api, id, eventId, opts);
  if (!loaded.found) return eventNotFound(c, id);
  const csrf = c.var.session.csrfToken;
  const title = `Event ${loaded.data.event.id}`;
  if ('payloadRefused' in loaded) {
    const problem = loaded.payloadRefused;
    const status = PAGE_STATUSES.find((s) => s === problem.status) ?? 502;
    return renderPage(c, { title, current: 'webhooks', status }, <EventPage data={loaded.data} csrf={csrf} problem={{ action: 'Show the payload', problem }} />);
  }
  const shown = opts.payload === true && loaded.data.event.payload_state === 'kept';
  // The payload is in this answer only: no cache, no history copy may keep it.
  if (shown) c.header('cache-control', 'no-store');
  return renderPage(c, { title, current: 'webhooks' }, <EventPage data={loaded.data} csrf={csrf} payloadShown={shown} />);
}

export const showEvent: WebhookAction = (c, id) => eventPage(c, id);

export const showEventPayload: WebhookAction = (c, id) => eventPage(c, id, { payload: true });

export const expungeEventPayload: WebhookAction = async (c, id) => {
  const eventId = eventIdOf(c);
  if (eventId === null) return eventNotFound(c, id);
  // The address names the webhook: an event of another webhook is not expunged from here.
  const event = await c.var.api.get<EventView>(`/v1/events/${eventId}`);
  if (!event.ok || event.data.webhook_id !== id) return eventNotFound(c, id);
  const result = await c.var.api.delete<EventView>(`/v1/events/${eventId}/payload`);
  setFlash(c, result.ok ? { kind: 'notice', text: expungedText(eventId, result.data) } : { kind: 'error', text: refusedText(result.problem) });
  return c.redirect(eventHref(id, eventId), 303);
};

function expungedText(eventId: string, event: EventView): string {
  return event.payload_state === 'expired'
    ? `The payload of ${eventId} had already expired under the webhook’s retention: nothing was left to expunge.`
    : `The payload of ${eventId} is expunged: deleted wherever it was kept. Its metadata and runs stay.`;
}

function refusedText(problem: ApiProblem): string {
  return `Expunge the payload: refused. ${problem.detail}`;
}
