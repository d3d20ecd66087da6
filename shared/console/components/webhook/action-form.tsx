import type { FC } from 'hono/jsx';
import { CsrfField } from '../../csrf';

/** A one-button form that posts to a console route (post/redirect/get), CSRF-protected. */
export const ActionForm: FC<{ action: string; csrf: string; label: string; describedBy?: string; danger?: boolean }> = ({ action, csrf, label, describedBy, danger }) => (
  <form method="post" action={action} class="inline">
    <CsrfField token={csrf} />
    <button type="submit" class={danger === true ? 'danger' : 'secondary'} aria-describedby={describedBy}>
      {label}
    </button>
  </form>
);
