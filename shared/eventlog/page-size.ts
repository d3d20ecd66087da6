/** The most rows one page of the log returns, whatever the caller asks. */
export const MAX_PAGE = 500;

/** A caller's page size, brought within 1..MAX_PAGE. */
export function pageSize(limit: number): number {
  return Math.min(Math.max(Math.trunc(limit) || 1, 1), MAX_PAGE);
}
