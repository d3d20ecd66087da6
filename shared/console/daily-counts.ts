/**
 * The last day's accepted and refused requests per webhook, for the webhooks list: the one place
 * the console reads `GET /v1/events/stats`. Null when the counts cannot be read, and the page then
 * says so instead of showing zeros that would be wrong.
 */
import type { EventStats, RequestCounts } from '../control/responses';
import type { ConsoleApi } from './api-client';

export interface DailyCounts {
  totals: RequestCounts;
  byWebhook: ReadonlyMap<string, RequestCounts>;
}

export async function loadDailyCounts(api: ConsoleApi): Promise<DailyCounts | null> {
  const stats = await api.get<Pick<EventStats, 'totals' | 'by_webhook'>>('/v1/events/stats?hours=24');
  if (!stats.ok || typeof stats.data?.by_webhook !== 'object' || stats.data.by_webhook === null) return null;
  return { totals: stats.data.totals, byWebhook: new Map(Object.entries(stats.data.by_webhook)) };
}
