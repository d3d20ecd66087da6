/**
 * The console's form limits: every body a console page is sent is read within a byte limit before
 * the CSRF check or any route parses it. A form is 64 KiB unless it is one of the few that carry a
 * schema or a sample; a new form gets the small limit until it is listed here.
 */
import type { Context } from 'hono';
import { bodyLimit, CONSOLE_FORM_LIMIT_BYTES, CONSOLE_JSON_FORM_LIMIT_BYTES, CONTROL_BODY_LIMIT_BYTES } from '../http/body-limits';
import type { ConsoleEnv } from './context';
import { renderDocument } from './layout';

/** The forms with a JSON textarea: describe, review and create, change schema, test event. */
const JSON_FORMS: readonly RegExp[] = [/^\/webhooks(?:\/new)?$/, /^\/webhooks\/[^/]+\/(?:schema|test-event)$/];

/** The byte limit of a console form posted to `path`. */
export function consoleFormLimit(path: string): number {
  return JSON_FORMS.some((form) => form.test(path)) ? CONSOLE_JSON_FORM_LIMIT_BYTES : CONSOLE_FORM_LIMIT_BYTES;
}

function kib(bytes: number): string {
  return `${Math.round(bytes / 1024)} KiB`;
}

function tooLarge(c: Context<ConsoleEnv>, limit: number): Promise<Response> {
  c.header('cache-control', 'no-store');
  return renderDocument(
    c,
    { title: 'Form too large', session: null, status: 413 },
    <>
      <h1>This form is too large to send</h1>
      <p>
        The console accepts this form up to {limit} bytes ({kib(limit)}), and this one was larger. Nothing was changed.
      </p>
      <p>
        Go back, shorten what you pasted (the API takes at most {kib(CONTROL_BODY_LIMIT_BYTES)} of JSON in one request), and send it again. <a href="/">Go to the console</a>.
      </p>
    </>,
  );
}

function aborted(c: Context<ConsoleEnv>): Promise<Response> {
  return renderDocument(
    c,
    { title: 'Form incomplete', session: null, status: 400 },
    <>
      <h1>The form did not arrive whole</h1>
      <p>
        The connection closed while the form was being sent. Nothing was changed. <a href="/">Go back to the console</a> and send it again.
      </p>
    </>,
  );
}

/** For every console request: 413 before the form is parsed, whatever page it posts to. */
export const consoleFormLimitMiddleware = bodyLimit<ConsoleEnv>({ limitOf: (c) => consoleFormLimit(c.req.path), tooLarge, aborted });
