import type { FC } from 'hono/jsx';

/** `2026-12-01 14:05 UTC`: one unambiguous form for every time on the page. */
export function utcMinute(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** A time as people read it, with the exact instant for machines and copy-paste. */
export const When: FC<{ at: string }> = ({ at }) => <time datetime={at}>{utcMinute(at)}</time>;
