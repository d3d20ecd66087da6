/**
 * Webhook slugs: the last path segment of `https://{org}.{RUNTIME_DOMAIN}/webhooks/{slug}`, unique
 * within the org. A slug the caller gives is taken as is or refused (409 naming the clash); a slug
 * derived from the name gets the first free numeric suffix (`-2`, `-3`, …), as GitHub does for
 * repository forks: the caller asked for a webhook, not for that exact URL.
 */
import { and, eq, gte, lt, or } from 'drizzle-orm';
import * as v from 'valibot';
import type { Db } from '../db/client';
import { webhooks } from '../db/schema';
import { ProblemError } from '../http/problem';

export const SLUG_MAX = 64;
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export const SlugSchema = v.pipe(
  v.string('slug must be a string'),
  v.regex(SLUG_PATTERN, `slug must be 1 to ${SLUG_MAX} lowercase letters, digits and inner hyphens, e.g. "ehr-chart-updated"`),
);

/** `EHR Chart — Updated!` → `ehr-chart-updated`; accents folded; null when nothing usable is left. */
export function slugify(text: string): string | null {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX - 4)
    .replace(/-+$/g, '');
  return slug.length > 0 ? slug : null;
}

/** True when no webhook of the org uses `slug`. */
export async function slugIsFree(db: Db, orgId: string, slug: string): Promise<boolean> {
  const row = await db
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(and(eq(webhooks.orgId, orgId), eq(webhooks.slug, slug)))
    .get();
  return row === undefined;
}

/**
 * `base` if free in the org, else `base-2`, `base-3`, …: the first free one. `base` is a slug of at
 * most SLUG_MAX - 4 characters (slugify's cut), so suffixes up to `-999` fit in SLUG_MAX.
 */
export async function firstFreeSlug(db: Db, orgId: string, base: string): Promise<string> {
  // Every slug of the org that is `base` or starts with `base-`, found by a range rather than LIKE
  // (D1 refuses LIKE patterns over 50 bytes): slugs are [a-z0-9-] compared as bytes, and '.'
  // follows '-', so every `base-…` sorts in [`base-`, `base.`). The (org_id, slug) index serves it.
  const taken = await db
    .select({ slug: webhooks.slug })
    .from(webhooks)
    .where(and(eq(webhooks.orgId, orgId), or(eq(webhooks.slug, base), and(gte(webhooks.slug, `${base}-`), lt(webhooks.slug, `${base}.`)))))
    .all();
  const used = new Set(taken.map((row) => row.slug));
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (candidate.length > SLUG_MAX) {
      throw new ProblemError('conflict', `Every slug from "${base}-2" to "${base}-${n - 1}" is taken in this org. Give the webhook a slug of its own.`, {
        errors: [{ path: '/slug', message: `No free slug is left from "${base}"; choose one` }],
      });
    }
    if (!used.has(candidate)) return candidate;
  }
}
