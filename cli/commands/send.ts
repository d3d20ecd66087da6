/**
 * `hasp send <slug|id>`: a payload signed exactly as the webhook's sender would sign it, through the
 * real ingress. Without --secret the service signs with the stored secret (POST
 * /v1/webhooks/{id}/test-event), so the secret never leaves it; with --secret (or
 * HASP_WEBHOOK_SECRET) the CLI signs here and posts to the webhook's URL itself.
 */
import type { Command } from 'commander';
import * as v from 'valibot';
import { exampleOf } from '../../shared/schema/example';
import { AuthConfigSchema } from '../../shared/signatures/auth-config';
import { signRequest, SignError } from '../../shared/signatures/sign';
import { CliError, type ProblemBody } from '../errors';
import { parseJson, send } from '../http';
import { colour, line, printJson, statusColour } from '../output';
import { leaf, type CliContext } from '../context';
import { resolveWebhook, type WebhookView } from '../webhook-ref';
import { dataText, parseJsonText } from './input';

interface Answer {
  status: number;
  body: unknown;
}

/** The auth config behind a webhook's public auth view (which carries only display fields besides). */
function authConfigOf(webhook: WebhookView) {
  const { scheme: _scheme, recommended: _recommended, verify_token_set: _set, warning: _warning, ...config } = webhook.auth;
  const parsed = v.safeParse(AuthConfigSchema, config);
  if (!parsed.success) throw new CliError(`This CLI cannot sign for the auth of ${webhook.slug}.`, 'Send without --secret: the service signs with the stored secret.');
  return parsed.output;
}

async function signLocally(webhook: WebhookView, secret: string, body: string): Promise<Answer> {
  let signed;
  try {
    signed = await signRequest({ auth: authConfigOf(webhook), secret, url: webhook.url, body });
  } catch (err) {
    if (err instanceof SignError) throw new CliError(err.message);
    throw err;
  }
  try {
    const answer = await send(signed.method, signed.url, { ...signed.headers, 'user-agent': 'hasp-cli' }, signed.body);
    return { status: answer.status, body: parseJson(answer.text) };
  } catch (err) {
    throw new CliError(`Cannot reach ${webhook.url} (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
}

function printAnswer(webhook: WebhookView, answer: Answer): void {
  const paint = statusColour(answer.status);
  const body = (typeof answer.body === 'object' && answer.body !== null ? answer.body : {}) as ProblemBody & { event_id?: string };
  if (answer.status >= 200 && answer.status < 300) {
    line(`${paint(String(answer.status))}  ${body.event_id ?? ''}  ${colour.dim(`→ ${webhook.url}`)}`);
    if (body.event_id) line(colour.dim(`Follow it: hasp events tail --webhook ${webhook.slug}`));
    return;
  }
  line(`${paint(String(answer.status))}  ${colour.bold(body.code ?? 'error')}  ${body.detail ?? (typeof answer.body === 'string' ? answer.body : '')}`);
  for (const e of body.errors ?? []) line(`  ${colour.yellow(e.path === '' ? '(body)' : e.path)}  ${e.message}`);
}

export function registerSend(program: Command, ctx: CliContext): void {
  leaf(program, 'send <webhook>', "Send a test event signed as the webhook's sender signs (its scheme and secret) through the real ingress")
    .option('-d, --data <json|@file|->', 'the payload: JSON, @file.json, or - for stdin (default: an example built from the schema)')
    .option('--secret <secret>', 'sign here with this secret instead of the stored one (default: HASP_WEBHOOK_SECRET, else the service signs)')
    .addHelpText('after', '\nExit code 0 when the ingress accepted the event (2xx), 1 otherwise.\n\nExamples:\n  hasp send ehr-chart-updated\n  hasp send ehr-chart-updated --data @event.json\n  echo \'{"id":"evt_1"}\' | hasp send stripe-invoices --data -')
    .action(async (ref: string, opts: { data?: string; secret?: string; json?: boolean }) => {
      const client = ctx.client();
      const webhook = await resolveWebhook(client, ref);
      const text = opts.data === undefined ? undefined : await dataText(opts.data);
      const secret = opts.secret ?? (ctx.env.HASP_WEBHOOK_SECRET || undefined);
      let answer: Answer;
      if (secret !== undefined) {
        // The same default payload the service's test event builds: an instance of the schema.
        answer = await signLocally(webhook, secret, text ?? JSON.stringify(exampleOf(webhook.schema)));
      } else {
        const payload = text === undefined ? undefined : parseJsonText(text, '--data');
        answer = await client.request<Answer>('POST', `/v1/webhooks/${webhook.id}/test-event`, payload === undefined ? {} : { payload });
      }
      if (opts.json) printJson(answer);
      else printAnswer(webhook, answer);
      if (answer.status < 200 || answer.status >= 300) process.exitCode = 1;
    });
}
