/**
 * Which events a replay job replays: those of one webhook and/or one status, received in
 * [since, until), and never one received after the job was created, so a job has an end even
 * while events keep arriving. Times are stored normalised (`toISOString`, UTC, milliseconds): the
 * form the log stores `received_at` in, so they compare as text.
 */
import * as v from 'valibot';
import type { EventStatus, LogCursor } from '../eventlog/types';

export const REPLAY_STATUSES = ['dead', 'accepted', 'dispatched'] as const satisfies readonly EventStatus[];

export const ReplayFilterSchema = v.object({
  webhook_id: v.optional(v.string()),
  status: v.optional(v.picklist(REPLAY_STATUSES)),
  since: v.optional(v.string()),
  until: v.optional(v.string()),
});

export type ReplayFilter = v.InferOutput<typeof ReplayFilterSchema>;

/** ISO 8601 date-times with a zone (`Z` or `±hh:mm`), or a bare date (midnight UTC). */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/i;

/** The instant an ISO text names, normalised; null when it is not one. */
export function normaliseIsoTime(text: string): string | null {
  if (!ISO_DATE_TIME.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/**
 * Where the job's first page starts: just before `until`, or the job's creation if earlier. The
 * log pages newest first with `(received_at, id) < cursor`; no id sorts below the empty string,
 * so this cursor admits exactly the events received before that instant.
 */
export function startCursor(filter: ReplayFilter, createdAt: string): LogCursor {
  const until = filter.until !== undefined && filter.until < createdAt ? filter.until : createdAt;
  return { at: until, id: '' };
}
