/**
 * Copy-to-clipboard buttons. Rendered `hidden`: /assets/console.js shows them, so without script
 * the page shows no button that does nothing, and the value stays selectable text.
 */
import type { FC } from 'hono/jsx';

/** Copies `text`, or the text of the element whose id is `target` (so a value is not repeated in the HTML). */
export const CopyButton: FC<{ text?: string; target?: string; label: string }> = ({ text, target, label }) => (
  <button type="button" class="secondary" data-copy={text ?? ''} data-copy-target={target} hidden>
    {label}
  </button>
);

/** A value in `<code id>` with its copy button beside it: URLs, ids, a secret shown once. */
export const Copyable: FC<{ id: string; value: string; label: string }> = ({ id, value, label }) => (
  <span class="copyable">
    <code id={id}>{value}</code>
    <CopyButton target={id} label={label} />
  </span>
);
