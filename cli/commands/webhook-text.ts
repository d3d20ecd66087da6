/** How webhooks read in human output: shared by list, show, create and rotate-secret. */
import { colour, fields, line, table } from '../output';
import type { WebhookView } from '../webhook-ref';

export function authLabel(w: Pick<WebhookView, 'auth' | 'awaiting_secret'>): string {
  const a = w.auth;
  const name = a.method === 'hmac' ? String(a.scheme ?? 'hmac') : a.method === 'header' ? `header ${String(a.header ?? '')}` : a.method;
  const awaiting = w.awaiting_secret ? colour.yellow(' (awaiting secret)') : '';
  return (a.method === 'none' ? colour.red(name) : name) + awaiting;
}

export function printWebhook(w: WebhookView): void {
  fields([
    ['Name', w.name],
    ['Slug', w.slug],
    ['ID', w.id],
    ['URL', w.url],
    ...w.urls.map((u): [string, string] => ['Also at', u]),
    ['Auth', authLabel(w)],
    ['Enabled', w.enabled ? 'yes' : colour.yellow('no')],
    ['Secrets', w.secrets.length === 0 ? colour.dim('none') : w.secrets.map((s) => `${s.id}${s.expires_at ? colour.dim(` (expires ${s.expires_at})`) : ''}`).join(', ')],
    ['Created', w.created_at],
  ]);
  if (typeof w.auth.warning === 'string') line(colour.yellow(w.auth.warning));
  line();
  if (w.dependents.length === 0) {
    line(colour.dim('Dependents: none (no workflow handles its requests yet).'));
  } else {
    line(colour.bold('Dependents'));
    table(['WORKFLOW', 'NAME', 'CLASS', 'ENABLED'], w.dependents.map((d) => [d.id, d.name, d.class, d.enabled ? 'yes' : 'no']));
  }
}

/** The one-time display of a secret, after create or rotate-secret. */
export function printSecretOnce(secret: string): void {
  line();
  line(`${colour.bold('Signing secret')} ${colour.yellow('(shown once: store it now, e.g. in your sender’s config)')}`);
  line(`  ${secret}`);
}
