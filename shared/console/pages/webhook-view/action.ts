/** What every action on the webhook shares: the webhook named in the path, and the form's fields. */
import { notFound, type ViewContext } from './respond';

/** Ids as the API makes them (`wh_…`, `evt_…`, `req_…`): anything else is not worth a lookup. */
export const API_ID = /^[a-z]{2,4}_[0-9a-z]{1,64}$/;

/** An action on the webhook `id`, whose id has the API's form (not yet that it exists). */
export type WebhookAction = (c: ViewContext, id: string) => Promise<Response>;

/** A route handler for an action on the webhook named in the path; a malformed id is a 404. */
export function action(handle: WebhookAction) {
  return async (c: ViewContext) => {
    const id = c.req.param('id') ?? '';
    if (!API_ID.test(id)) return notFound(c);
    return handle(c, id);
  };
}

/** A form field as text; absent (or a file) reads as empty. */
export async function formField(c: ViewContext, name: string): Promise<string> {
  const value = (await c.req.parseBody())[name];
  return typeof value === 'string' ? value : '';
}
