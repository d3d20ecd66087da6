/** How a draft reads in human output (`hasp webhooks create --describe "…" --dry-run`). */
import type { WebhookDraft } from '../../shared/control/responses';
import { colour, fields, line } from '../output';

/** The drafted auth in words: what the sender must do, as `hasp webhooks show` would say it. */
export function draftAuthLabel(auth: WebhookDraft['auth']): string {
  switch (auth.method) {
    case 'hmac':
      if ('preset' in auth && auth.preset !== undefined) return `${auth.preset} preset`;
      if ('header' in auth && auth.header !== undefined) return `hmac in ${auth.header}`;
      return 'standard-webhooks (the default HMAC)';
    case 'header':
      return `header ${auth.header}`;
    case 'bearer':
      return 'bearer token';
    case 'none':
      return colour.red('none');
  }
}

/** The draft for review: name, slug and the other slugs that would fit, auth, schema, and every note. */
export function printDraft(draft: WebhookDraft): void {
  const topLevel = draft.sample_payload === null ? 0 : Object.keys(Array.isArray(draft.sample_payload) ? (draft.sample_payload[0] ?? {}) : draft.sample_payload).length;
  fields([
    ['Name', draft.name],
    ['Slug', colour.bold(draft.slug)],
    ['Alternatives', draft.alternatives.length === 0 ? colour.dim('none') : draft.alternatives.join(', ')],
    ['Auth', draftAuthLabel(draft.auth)],
    ['Schema', draft.schema === null ? colour.dim('any JSON object (no sample given)') : `inferred from the sample (${topLevel} top-level field(s))`],
  ]);
  for (const warning of draft.warnings) line(colour.yellow(warning));
  for (const note of draft.notes) line(colour.dim(`note: ${note}`));
}
